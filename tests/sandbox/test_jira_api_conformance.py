"""Every key real Jira Cloud sent in the recorded responses, and that a client may rely on, is in
the sandbox's answers too (jira-fixtures/responses/nango-cloud-2026-04, recorded through the
gateway). Keys only team-managed projects or Jira Service Management send are left out."""

import json

import pytest

from tests.support.paths import SHARED_FIXTURES, shared_path

RECORDINGS = SHARED_FIXTURES / "responses" / "nango-cloud-2026-04"
TEAM_MANAGED_ONLY = {"entityId", "scope"}


@pytest.fixture(scope="module")
def recorded():
    shared_path("responses", RECORDINGS.name)

    def body(name: str):
        return json.loads((RECORDINGS / name).read_text())["body"]

    return body


def _missing(recorded: dict, ours: dict, ignore=frozenset()) -> set:
    return set(recorded) - set(ours) - TEAM_MANAGED_ONLY - set(ignore)


def test_get_issue(api, recorded):
    theirs = recorded("get-issue--GET-issue-kan-2--200.json")
    ours = api.get("issue/ACME-7").get_json()
    assert not _missing(theirs, ours)
    custom = {k for k in theirs["fields"] if k.startswith("customfield_")}
    assert not _missing(theirs["fields"], ours["fields"], custom)
    for name in ("issuetype", "project", "creator", "reporter", "status", "priority", "watches", "votes",
                 "comment", "worklog", "statusCategory", "issuerestriction"):  # timetracking: {} until work is logged
        if isinstance(theirs["fields"][name], dict):
            assert not _missing(theirs["fields"][name], ours["fields"][name]), name
    assert not _missing(theirs["fields"]["status"]["statusCategory"], ours["fields"]["status"]["statusCategory"])


def test_search_jql(api, recorded):
    theirs = recorded("issues--GET-search-jql--200.json")
    wanted = "summary,description,status,issuetype,priority,project,reporter,assignee,creator,created,updated,labels"
    ours = api.get("search/jql", query_string={"jql": "project = ACME", "fields": wanted, "maxResults": 100}).get_json()
    assert not _missing(theirs, ours)
    assert not _missing(theirs["issues"][0], ours["issues"][0])
    assert set(theirs["issues"][0]["fields"]) == set(ours["issues"][0]["fields"])
    last = api.get("search/jql", query_string={"jql": "key = ACME-1"}).get_json()
    assert set(last) == set(recorded("search-issues--POST-search-jql--200.json")) == {"issues", "isLast"}


def test_project_search(api, recorded):
    theirs = recorded("list-projects--GET-project-search--200.json")
    ours = api.get("project/search").get_json()
    assert not _missing(theirs, ours)
    assert not _missing(theirs["values"][0], ours["values"][0])


def test_get_project(api, recorded):
    theirs = recorded("get-project--GET-project-10000--200.json")
    ours = api.get("project/ACME").get_json()
    assert {"self", "id", "key", "name", "description", "lead", "components", "issueTypes", "versions",
            "avatarUrls", "projectTypeKey", "style"} <= set(theirs) & set(ours)


@pytest.mark.parametrize(("recording", "path"), [
    ("get-myself--GET-myself--200.json", "myself"),
    ("get-user--GET-user--200.json", "user?accountId=712020:00000000-0000-4000-8000-000000000b0b"),
])
def test_users(api, recorded, recording, path):
    assert not _missing(recorded(recording), api.get(path).get_json())


def test_comment_page_and_new_comment(api, recorded):
    assert set(recorded("list-issue-comments--GET-issue-10002-comment--200.json")) == set(
        api.get("issue/ACME-7/comment").get_json())
    theirs = recorded("add-comment--POST-issue-kan-10-comment--201.json")
    body = {"body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "text", "text": "Test comment"}]}]}}
    ours = api.post("issue/ACME-7/comment", json=body).get_json()
    assert not _missing(theirs, ours)
    assert not _missing(theirs["author"], ours["author"])


def test_transitions(api, recorded):
    theirs = recorded("list-transitions--GET-issue-10011-transitions--200.json")
    ours = api.get("issue/ACME-7/transitions").get_json()
    assert not _missing(theirs, ours)
    assert not _missing(theirs["transitions"][0], ours["transitions"][0])
    assert not _missing(theirs["transitions"][0]["to"], ours["transitions"][0]["to"])


def test_editmeta(api, recorded):
    theirs = recorded("get-edit-issue-metadata--GET-issue-kan-7-editmeta--200.json")["fields"]
    ours = api.get("issue/ACME-7/editmeta").get_json()["fields"]
    for field_id in ("summary", "issuetype", "parent", "description", "reporter", "labels", "duedate",
                     "comment", "assignee"):
        assert not _missing(theirs[field_id], ours[field_id]), field_id


def test_createmeta_issue_types(api, recorded):
    theirs = recorded("get-create-issue-metadata--GET-issue-createmeta--200.json")["projects"][0]["issuetypes"][0]
    ours = api.get("issue/createmeta/ACME/issuetypes").get_json()["issueTypes"][0]
    assert not _missing(theirs, ours)


@pytest.mark.parametrize(("recording", "path"), [
    ("get-priority--GET-priority-1--200.json", "priority"),
    ("get-status--GET-status-10000--200.json", "status"),
])
def test_catalogs(api, recorded, recording, path):
    assert not _missing(recorded(recording), api.get(path).get_json()[0])
