"""The people search for @mentions: one call to Jira's assignable search, JSON or a page."""

from __future__ import annotations

import pytest
from responses import matchers

from jira_client.api.adf import from_markdown

SEARCH = "https://jira.test/rest/api/3/user/assignable/search"
EVE = {"accountId": "712020:e5e5e5e5-0000-4000-8000-00000000e5e5", "displayName": "Eve <b>]*</b>", "active": True}
BOB = {"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Bob Brown", "active": True}
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def stub_search(jira_http, where: dict, query: str, people: list):
    params = {**where, "query": query, "maxResults": "10"}
    return jira_http.get(SEARCH, json=people, match=[matchers.query_param_matcher(params)])


def test_issue_people_as_json_makes_one_call(client, jira_http):
    stub_search(jira_http, {"issueKey": "ACME-1"}, "bo", [BOB])
    response = client.get("/issues/acme-1/people?q=%20bo%20", headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == [{"accountId": BOB["accountId"], "displayName": "Bob Brown",
                                    "mention": f"[@Bob Brown](mention:{BOB['accountId']})"}]
    assert len(jira_http.calls) == 1


def test_project_people_search_by_project(client, jira_http):
    stub_search(jira_http, {"project": "ACME"}, "bob", [BOB])
    assert client.get("/projects/ACME/people?q=bob", headers=JSON).get_json()[0]["displayName"] == "Bob Brown"


def test_names_are_escaped_in_the_mention_and_the_page(client, jira_http):
    stub_search(jira_http, {"issueKey": "ACME-1"}, "ev", [EVE])
    stub_search(jira_http, {"issueKey": "ACME-1"}, "ev", [EVE])
    person = client.get("/issues/ACME-1/people?q=ev", headers=JSON).get_json()[0]
    mention = from_markdown(person["mention"])["content"][0]["content"]
    assert mention == [{"type": "mention", "attrs": {"id": EVE["accountId"], "text": "@Eve <b>]*</b>"}}]
    html = client.get("/issues/ACME-1/people?q=ev", headers=HTML).get_data(as_text=True)
    assert "<b>]" not in html and "Eve &lt;b&gt;]*&lt;/b&gt;" in html
    assert f'value="[@Eve \\&lt;b&gt;\\]\\*\\&lt;/b&gt;](mention:{EVE["accountId"]})"' in html


@pytest.mark.parametrize("query", ["", "b", " b ", "%20%20"])
def test_a_query_shorter_than_two_characters_makes_no_call(client, jira_http, query):
    assert client.get(f"/issues/ACME-1/people?q={query}", headers=JSON).get_json() == []
    assert "Find people to mention" in client.get(f"/issues/ACME-1/people?q={query}", headers=HTML).get_data(as_text=True)


def test_a_long_query_is_cut_to_a_hundred_characters(client, jira_http):
    stub_search(jira_http, {"issueKey": "ACME-1"}, "x" * 100, [])
    assert client.get("/issues/ACME-1/people?q=" + "x" * 500, headers=JSON).get_json() == []


@pytest.mark.parametrize("path", ["/issues/ACME/people?q=bob", "/issues/ACME-1x/people?q=bob",
                                  "/issues/..%2Fmyself-1/people?q=bob", "/projects/1ACME/people?q=bob",
                                  "/projects/AC-ME/people?q=bob"])
def test_bad_keys_are_not_found_without_a_call(client, jira_http, path):
    assert client.get(path, headers=JSON).status_code == 404
    assert not jira_http.calls


def test_the_html_page_lists_matches_to_copy(client, jira_http):
    stub_search(jira_http, {"issueKey": "ACME-1"}, "nobody", [])
    stub_search(jira_http, {"issueKey": "ACME-1"}, "bo", [BOB])
    assert "Nobody matching" in client.get("/issues/ACME-1/people?q=nobody", headers=HTML).get_data(as_text=True)
    html = client.get("/issues/ACME-1/people?q=bo", headers=HTML).get_data(as_text=True)
    assert "Bob Brown" in html and f'value="[@Bob Brown](mention:{BOB["accountId"]})"' in html
    assert 'href="/issues/ACME-1"' in html
