"""Enhanced JQL search and approximate count: paging, fields, expands, errors, isolation."""

import pytest

from sandbox import directory, jql
from tests.support.sandbox import bearer_headers

UNBOUNDED = {"errorMessages": [jql.UNBOUNDED_MESSAGE], "errors": {}}


def _search(api, method="GET", user="alice", **params):
    if method == "GET":
        return api.get("search/jql", user=user, query_string=params)
    return api.post("search/jql", user=user, json=params)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_walk_every_acme_issue_by_next_page_token(api, world, method):
    seen, token, pages = [], None, 0
    while True:
        params = {"jql": "project = ACME ORDER BY key ASC", "maxResults": 100, "fields": "key"}
        if token:
            params["nextPageToken"] = token
        body = _search(api, method, **params).get_json()
        seen += [i["key"] for i in body["issues"]]
        pages += 1
        token = body.get("nextPageToken")
        assert body["isLast"] is (token is None)
        assert "total" not in body
        if token is None:
            break
    expected = [i["key"] for i in world.project_issues("ACME")]
    assert len(seen) >= 250 and pages == 3
    assert seen == sorted(expected, key=lambda k: int(k.split("-")[1]))


def test_default_page_is_fifty_ids(api):
    body = _search(api, jql="project = ACME").get_json()
    assert len(body["issues"]) == 50
    assert all(set(i) == {"id"} for i in body["issues"])
    assert body["isLast"] is False and body["nextPageToken"]


@pytest.mark.parametrize(("fields", "cap"), [("summary", 100), ("*all", 100), ("id", 5000), ("key,id", 5000)])
def test_max_results_is_capped(api, fields, cap):
    body = _search(api, jql="project in (ACME, OPS)", maxResults=10000, fields=fields).get_json()
    assert len(body["issues"]) == min(cap, 262 + 44)


def test_default_order_is_created_desc(api, world):
    keys = [i["key"] for i in _search(api, jql="project = OPS", fields="key", maxResults=100).get_json()["issues"]]
    assert keys[0] == "OPS-44" and keys[-1] == "OPS-1" and len(keys) == 44


def test_selected_fields_only(api):
    issue = _search(api, jql="key = ACME-7", fields="summary,status,assignee").get_json()["issues"][0]
    assert set(issue) == {"expand", "id", "self", "key", "fields"}
    assert set(issue["fields"]) == {"summary", "status", "assignee"}
    assert issue["self"].endswith("/rest/api/3/issue/" + issue["id"])


def test_fields_as_a_json_list_in_post(api):
    issue = _search(api, "POST", jql="key = ACME-7", fields=["summary", "labels"]).get_json()["issues"][0]
    assert set(issue["fields"]) == {"summary", "labels"}


@pytest.mark.parametrize(("fields", "present", "absent"), [
    ("*all", {"summary", "comment", "worklog", "customfield_10016"}, set()),
    ("*navigable", {"summary", "status", "customfield_10016"}, {"comment", "worklog", "attachment"}),
    ("*all,-comment,-description", {"summary"}, {"comment", "description"}),
    ("summary,nosuchfield", {"summary"}, {"nosuchfield"}),
])
def test_field_wildcards_and_exclusions(api, fields, present, absent):
    got = set(_search(api, jql="key = ACME-7", fields=fields).get_json()["issues"][0]["fields"])
    assert present <= got and not absent & got


def test_embedded_comments_are_capped_at_twenty(api):
    comment = _search(api, jql="key = ACME-42", fields="comment").get_json()["issues"][0]["fields"]["comment"]
    assert len(comment["comments"]) == 20 and comment["total"] == 80 and comment["startAt"] == 0


def test_expands(api):
    body = _search(api, jql="key = ACME-3", fields="summary,description",
                   expand="renderedFields,names,transitions").get_json()
    issue = body["issues"][0]
    assert body["names"] == {"summary": "Summary", "description": "Description"}
    assert issue["renderedFields"]["description"].startswith("<h2>Context</h2>")
    assert [t["id"] for t in issue["transitions"]] == ["11", "21", "31", "41"]


def test_filters_with_jql(api, world):
    body = _search(api, jql="project = ACME AND assignee = currentUser() AND updated >= -7d",
                   fields="assignee,updated", maxResults=100).get_json()
    assert body["issues"]
    assert all(i["fields"]["assignee"]["emailAddress"] == "alice@sandbox.test" for i in body["issues"])


def test_text_search_finds_escaped_summaries(api):
    keys = [i["key"] for i in _search(api, jql='summary ~ "not bold"', fields="key").get_json()["issues"]]
    assert sorted(keys) == ["ACME-3", "OPS-3"]


def test_a_token_from_another_query_is_refused(api):
    token = _search(api, jql="project = ACME").get_json()["nextPageToken"]
    response = _search(api, jql="project = ACME AND labels = ux", nextPageToken=token)
    assert response.status_code == 400
    assert response.get_json()["errors"] == {} and response.get_json()["errorMessages"]


@pytest.mark.parametrize("token", ["garbage", "eyJvIjotMX0"])
def test_a_garbled_token_is_refused(api, token):
    assert _search(api, jql="project = ACME", nextPageToken=token).status_code == 400


@pytest.mark.parametrize("text", ["", "ORDER BY created DESC", "order by key"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unbounded_jql_is_refused(api, method, text):
    response = _search(api, method, jql=text)
    assert response.status_code == 400
    assert response.get_json() == UNBOUNDED


@pytest.mark.parametrize("text", ["project = ", "project = ACME AND (", "nosuchfield = 1", "status = Nowhere"])
def test_bad_jql_is_refused_with_jira_messages(api, text):
    response = _search(api, jql=text)
    assert response.status_code == 400
    assert response.get_json()["errorMessages"] and response.get_json()["errors"] == {}


@pytest.mark.parametrize(("user", "text", "missing"), [
    ("bob", "project = ACME", "ACME"),
    ("alice", "project = WEB", "WEB"),
    ("alice", "project in (OPS, GLOBX)", "GLOBX"),
    ("bob", "project = 10000", "10000"),
])
def test_invisible_projects_do_not_exist_for_the_caller(api, user, text, missing):
    response = _search(api, user=user, jql=text)
    assert response.status_code == 400
    assert response.get_json()["errorMessages"] == [f"The value '{missing}' does not exist for the field 'project'."]


@pytest.mark.parametrize("text", ["key = ACME-1", "text ~ redirect", "assignee = alice", "created >= -1000d"])
def test_bob_never_sees_issues_outside_ops_and_web(api, text):
    body = _search(api, user="bob", jql=text, fields="project", maxResults=100).get_json()
    assert all(i["fields"]["project"]["key"] in ("OPS", "WEB") for i in body["issues"])
    count = api.post("search/approximate-count", user="bob", json={"jql": text}).get_json()["count"]
    assert count == len(body["issues"]) <= 44 + 26


@pytest.mark.parametrize(("user", "text", "count"), [
    ("alice", "project = ACME", 262), ("alice", "project = OPS", 44), ("admin", "project = WEB", 26),
    ("alice", "project in (ACME, OPS)", 306), ("bob", "created >= -1000d", 44 + 26),
])
def test_approximate_count(api, user, text, count):
    response = api.post("search/approximate-count", user=user, json={"jql": text})
    assert response.get_json() == {"count": count}


@pytest.mark.parametrize("body", [{"jql": ""}, {"jql": "order by key"}, {}])
def test_approximate_count_refuses_unbounded_jql(api, body):
    response = api.post("search/approximate-count", json=body)
    assert response.status_code == 400
    assert response.get_json() == UNBOUNDED


def test_globex_is_searched_on_its_own_site(client, fake_identity):
    token = fake_identity.token_for("alice")
    url = f"/ex/jira/{directory.SITE_IDS[1]}/rest/api/3/search/jql"
    body = client.get(url, query_string={"jql": "created >= -1000d", "fields": "project", "maxResults": 100},
                      headers=bearer_headers(token)).get_json()
    assert {i["fields"]["project"]["key"] for i in body["issues"]} == {"GLOBX"}
