"""The models read real Jira Cloud answers (recordings in ../shared/jira-fixtures, never copied in)."""

from __future__ import annotations

import json

import pytest
import responses

from jira_client.api.client import JiraClient
from jira_client.api.errors import JiraError, error_for_status
from jira_client.api.models import Comment, Issue, IssueSummary, Project, Site, Transition, User
from jira_client.api.pagination import offset_page, token_page
from jira_client.api.transport import create_transport
from tests.support.paths import recorded_body, shared_fixture, shared_path


def test_get_issue_recording_becomes_an_issue():
    issue = Issue.from_api(recorded_body("get-issue--GET-issue-kan-2--200.json"))
    assert issue.key == "KAN-2" and issue.summary
    assert issue.status.name == "In Review" and issue.status.category == "indeterminate"
    assert issue.priority.name == "Medium" and issue.issue_type.name
    assert issue.reporter.account_id.startswith("712020:") and issue.assignee is None
    assert issue.project.key == "KAN"
    assert issue.created and issue.updated and issue.updated_raw
    assert issue.comments.total == 0 and issue.comments.is_last


def test_expanded_issue_recording_has_transitions_and_comments():
    body = shared_fixture("responses", "xsoar-jirav3", "get-issue--expand-renderedFields-names-transitions.json")
    issue = Issue.from_api(body.get("body", body))
    assert issue.transitions and all(isinstance(t, Transition) and t.id and t.name for t in issue.transitions)
    assert issue.transitions[0].to.category == "new"
    assert issue.comments.items and all(c.id and c.body["type"] == "doc" for c in issue.comments.items)


@pytest.mark.parametrize("folder, name", [
    ("nango-cloud-2026-04", "issues--GET-search-jql--200.json"),
    ("nango-cloud-2026-04", "search-issues--POST-search-jql--200.json"),
    ("nango-cloud-2025-08", "GET-search-jql--200.json"),
])
def test_search_recordings_become_a_last_page(folder, name):
    page = token_page(shared_fixture("responses", folder, name)["body"], "issues", IssueSummary.from_api)
    assert page.is_last
    assert all(issue.key and issue.summary for issue in page)


@pytest.mark.parametrize("folder, name", [
    ("nango-cloud-2026-04", "list-projects--GET-project-search--200.json"),
    ("nango-cloud-2025-08", "GET-project-search.json"),
])
def test_project_search_recordings_become_a_page(folder, name):
    page = offset_page(shared_fixture("responses", folder, name)["body"], "values", Project.from_api)
    assert page.items and all(p.key and p.name and p.id for p in page)
    assert page.total is not None


def test_comment_page_recordings():
    empty = offset_page(recorded_body("list-issue-comments--GET-issue-10002-comment--200.json"), "comments", Comment.from_api)
    assert empty.items == () and empty.is_last
    body = shared_fixture("responses", "xsoar-jirav3", "get-issue-comments--expand-renderedBody.json")
    page = offset_page(body.get("body", body), "comments", Comment.from_api)
    assert page.items and page.items[0].author.display_name and page.items[0].created


def test_added_comment_and_myself_recordings():
    comment = Comment.from_api(recorded_body("add-comment--POST-issue-kan-10-comment--201.json"))
    assert comment.id and comment.body["type"] == "doc" and comment.author
    me = User.from_api(recorded_body("get-myself--GET-myself--200.json"))
    assert me.account_id and me.display_name


def test_transition_recording():
    body = recorded_body("list-transitions--GET-issue-10011-transitions--200.json")
    transitions = [Transition.from_api(t) for t in body["transitions"]]
    assert transitions and all(t.to and t.to.name for t in transitions)


def test_accessible_resources_recordings():
    for folder, name in [("nango-cloud-2026-04", "get-edit-issue-metadata--GET-oauth-token-accessible-resources--200.json"),
                         ("nango-cloud-2025-08", "GET-oauth-token-accessible-resources.json")]:
        sites = [Site.from_api(s) for s in shared_fixture("responses", folder, name)["body"]]
        assert sites and all(s.id and s.url.startswith("https://") and s.scopes for s in sites)


def test_recorded_error_bodies_map_to_errors_with_messages():
    corpus = shared_fixture("responses", "errors", "error-bodies-from-issue-reports.json")
    mapped = [error_for_status(entry["status"], "https://jira.test", entry["body"], None)
              for entry in corpus if isinstance(entry.get("body"), dict) and isinstance(entry.get("status"), int)]
    assert mapped and all(isinstance(error, JiraError) for error in mapped)
    assert sum(bool(error.details or error.field_errors) for error in mapped) >= len(mapped) // 2


def test_the_client_reads_a_recorded_issue_over_http():
    body = recorded_body("get-issue--GET-issue-kan-2--200.json")
    with responses.RequestsMock() as mock:
        mock.get("https://jira.test/rest/api/3/issue/KAN-2", json=body)
        issue = JiraClient(create_transport(), "https://jira.test").get_issue("KAN-2")
    assert issue.key == "KAN-2"


def _documents(value):
    """Yield every ADF document inside a recorded response body."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "doc" and isinstance(item.get("content"), list):
                yield item
                continue
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _text_nodes(doc):
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "text" and isinstance(node.get("text"), str):
                yield node["text"]
            stack.extend(node.get("content") or [])


def test_every_adf_document_in_the_recorded_responses_renders_with_all_its_text():
    from html import unescape

    from jira_client.api.adf import to_html

    folder = shared_path("responses")
    documents = [doc for path in sorted(folder.rglob("*.json")) for doc in _documents(json.loads(path.read_text()))]
    assert len(documents) >= 10
    for doc in documents:
        html = unescape(str(to_html(doc)))
        for text in _text_nodes(doc):
            assert text.strip() in html
