"""Acceptance: a Jira client library this project did not write (pycontribs ``jira``), pointed at a
live sandbox with basic auth, can list projects, run a paged enhanced JQL search, read an issue and
add a comment, touching only REST v3 routes.

The library defaults to REST v2 (``/rest/api/2/serverInfo`` first); ``rest_api_version: 3`` makes
every call below use v3, where comment bodies are ADF documents instead of plain strings.
"""

import pytest

from sandbox import directory
from tests.support.documents import adf
from tests.support.sandbox import jira_calls

jira = pytest.importorskip("jira")

ADMIN = directory.user_by("name", "admin")
JQL = "project = ACME ORDER BY key ASC"


@pytest.fixture
def library(live):
    """A pycontribs JIRA client for the sandbox admin, over basic auth and REST v3."""
    client = jira.JIRA(
        server=live.url, basic_auth=(ADMIN["email"], ADMIN["api_token"]),
        options={"rest_api_version": "3"}, max_retries=0, timeout=10,
    )
    yield client
    client.close()


def routes_hit(live) -> set[tuple[str, str, int]]:
    """Return the (method, route, status) triples the sandbox has counted."""
    return {(row["method"], row["path"], row["status"]) for row in jira_calls(live)}


def test_lists_projects(library):
    assert [project.key for project in library.projects()] == ADMIN["projects"]


def test_pages_through_an_enhanced_search(library):
    first = library.enhanced_search_issues(JQL, maxResults=20, fields="summary,status")
    assert len(first) == 20 and first.nextPageToken
    second = library.enhanced_search_issues(
        JQL, maxResults=20, fields="summary,status", nextPageToken=first.nextPageToken,
    )
    assert len(second) == 20
    assert [issue.key for issue in first][:2] == ["ACME-1", "ACME-2"]
    assert not {issue.key for issue in first} & {issue.key for issue in second}
    assert all(issue.fields.summary and issue.fields.status.name for issue in [*first, *second])


def test_reads_an_issue(library):
    issue = library.issue("ACME-1")
    assert issue.key == "ACME-1" and issue.fields.project.key == "ACME"
    assert issue.fields.summary and issue.fields.status.name


def test_adds_a_comment(library):
    comment = library.add_comment("ACME-1", adf("written by pycontribs jira"))
    assert comment.raw["body"] == adf("written by pycontribs jira")
    assert comment.author.accountId == ADMIN["account_id"]
    assert library.comment("ACME-1", comment.id).raw["body"] == comment.raw["body"]


def test_uses_only_rest_v3(live, library):
    library.projects()
    first = library.enhanced_search_issues(JQL, maxResults=20, fields="summary")
    library.enhanced_search_issues(JQL, maxResults=20, fields="summary", nextPageToken=first.nextPageToken)
    library.issue("ACME-1")
    library.add_comment("ACME-1", adf("v3 only"))
    assert routes_hit(live) == {
        ("GET", "/rest/api/3/serverInfo", 200),
        ("GET", "/rest/api/3/project", 200),
        ("GET", "/rest/api/3/field", 200),  # the library maps field names before searching
        ("GET", "/rest/api/3/search/jql", 200),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}", 200),
        ("POST", "/rest/api/3/issue/{issueIdOrKey}/comment", 201),
    }
