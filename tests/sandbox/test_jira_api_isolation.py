"""Bob may browse OPS, and read WEB without changing it: nothing of ACME or GLOBX reaches him."""

import pytest

from sandbox import directory
from tests.support.sandbox import bearer_headers

ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "x"}]}]}
FOREIGN = ("ACME-", "GLOBX", "Acme Platform", "Globex")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "project/search?maxResults=100", None),
    ("GET", "search/jql?jql=created >= -1000d&fields=*all&maxResults=100", None),
    ("GET", "search/jql?jql=text ~ cache&fields=summary,parent&maxResults=100", None),
    ("POST", "search/jql", {"jql": "updated >= -7d", "fields": ["*all"], "expand": "renderedFields,names"}),
    ("GET", "issue/OPS-3?expand=renderedFields,names,transitions,editmeta", None),
    ("GET", "issue/OPS-3/comment?maxResults=100", None),
    ("GET", "issue/createmeta/OPS/issuetypes", None),
    ("GET", "issue/createmeta/OPS/issuetypes/10002", None),
    ("GET", "issue/OPS-3/editmeta", None),
    ("GET", "user/assignable/search?project=OPS", None),
    ("GET", "myself", None),
])
def test_bob_reads_nothing_foreign(api, method, path, body):
    response = api.call(method, path, user="bob", json=body)
    assert response.status_code == 200
    assert not [word for word in FOREIGN if word in response.get_data(as_text=True)]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "issue/ACME-1", None),
    ("PUT", "issue/ACME-1", {"fields": {"summary": "x"}}),
    ("PUT", "issue/ACME-1/assignee", {"accountId": None}),
    ("GET", "issue/ACME-1/transitions", None), ("POST", "issue/ACME-1/transitions", {"transition": {"id": "11"}}),
    ("GET", "issue/ACME-1/editmeta", None),
    ("GET", "issue/ACME-7/comment", None), ("POST", "issue/ACME-7/comment", {"body": ADF}),
    ("GET", "project/ACME", None), ("GET", "issue/createmeta/ACME/issuetypes", None),
    ("GET", "user/assignable/search?project=ACME", None),
])
def test_bob_cannot_touch_foreign_issues(api, world, method, path, body):
    before = world.issue("ACME-1")
    response = api.call(method, path, user="bob", json=body)
    assert response.status_code == 404
    assert world.issue("ACME-1") is before


@pytest.mark.parametrize("body", [{"jql": "project = ACME"}, {"jql": "key = ACME-1"}])
def test_bob_counts_nothing_foreign(api, body):
    response = api.post("search/approximate-count", user="bob", json=body)
    assert response.status_code == 400 or response.get_json() == {"count": 0}


def test_bob_cannot_create_in_acme(api, world):
    response = api.post("issue", user="bob", json={"fields": {
        "project": {"key": "ACME"}, "issuetype": {"id": "10001"}, "summary": "sneaky"}})
    assert response.status_code == 400
    assert len(world.project_issues("ACME")) == 262


def test_admin_does_not_see_the_other_site(client, fake_identity):
    token = fake_identity.token_for("admin")
    response = client.get(f"/ex/jira/{directory.SITE_IDS[1]}/rest/api/3/issue/GLOBX-1", headers=bearer_headers(token))
    assert response.status_code == 401


def test_bob_reads_web_but_jira_offers_him_no_change(api):
    issue = api.get("issue/WEB-1?expand=transitions,editmeta", user="bob").get_json()
    assert issue["key"] == "WEB-1" and issue["transitions"] == [] and issue["editmeta"] == {"fields": {}}
    assert api.get("issue/WEB-1/transitions", user="bob").get_json()["transitions"] == []
    assert api.get("issue/WEB-1/editmeta", user="bob").get_json() == {"fields": {}}
    assert api.get("issue/createmeta/WEB/issuetypes", user="bob").get_json()["issueTypes"] == []
    ops = api.get("issue/OPS-1?expand=transitions,editmeta", user="bob").get_json()
    assert ops["transitions"] and ops["editmeta"]["fields"]


@pytest.mark.parametrize(("method", "path", "body", "status", "message"), [
    ("PUT", "issue/WEB-1", {"fields": {"summary": "x"}}, 403, "You do not have permission to edit issues in this project."),
    ("PUT", "issue/WEB-1/assignee", {"accountId": None}, 403, "You do not have permission to assign issues."),
    ("POST", "issue/WEB-1/transitions", {"transition": {"id": "21"}}, 400, "Transition id '21' is not valid for this issue."),
])
def test_bob_cannot_change_web(api, world, method, path, body, status, message):
    before = world.issue("WEB-1")
    response = api.call(method, path, user="bob", json=body)
    assert response.status_code == status and response.get_json()["errorMessages"] == [message]
    assert world.issue("WEB-1") is before


def test_bob_cannot_create_in_web_but_may_comment_there(api, world):
    response = api.post("issue", user="bob", json={"fields": {
        "project": {"key": "WEB"}, "issuetype": {"id": "10001"}, "summary": "sneaky"}})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"project": "You do not have permission to create issues in this project."}
    assert api.post("issue/WEB-1/comment", user="bob", json={"body": ADF}).status_code == 201
