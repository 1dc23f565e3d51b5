"""Board pages against stubbed Jira: exactly which calls they make, and how each failure reads."""

from __future__ import annotations

import pytest
from responses import matchers

from tests.support.apps import TEST_SETTINGS

AGILE = f"{TEST_SETTINGS['JIRA_BASE_URL']}/rest/agile/1.0"
CARD_FIELDS = "summary,status,issuetype,priority,assignee,labels"
KANBAN = {
    "id": 7, "name": "Team <b>board</b>", "type": "kanban",
    "location": {"type": "project", "key": "ACME", "id": "10000", "name": "Acme"},
    "columnConfig": {"constraintType": "issueCount", "columns": [
        {"name": "To Do", "statuses": [{"id": "1"}]},
        {"name": "Doing", "statuses": [{"id": "3"}], "max": 1},
        {"name": "Done", "statuses": [{"id": "5"}]}]},
}
SCRUM = {**KANBAN, "type": "scrum", "estimation": {"type": "field", "field": {"fieldId": "customfield_10016", "displayName": "Story points"}}}


def issue(key: str, status: str, **fields) -> dict:
    return {"id": key[-1], "key": key, "fields": {"summary": f"<i>{key}</i>", "status": {"id": status, "name": f"S{status}"}, **fields}}


def issues(*found, total=None) -> dict:
    return {"expand": "schema,names", "startAt": 0, "maxResults": 100, "total": len(found) if total is None else total,
            "issues": list(found)}


def test_a_kanban_board_is_two_calls_asking_only_for_the_fields_a_card_shows(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", json=KANBAN)
    jira_http.get(f"{AGILE}/board/7/issue", json=issues(issue("ACME-1", "3"), issue("ACME-2", "3"), issue("ACME-3", "1")),
                  match=[matchers.query_param_matcher({"fields": CARD_FIELDS, "startAt": "0", "maxResults": "100"})])
    response = client.get("/boards/7")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(jira_http.calls) == 2
    assert "Team &lt;b&gt;board&lt;/b&gt;" in html and "&lt;i&gt;ACME-1&lt;/i&gt;" in html and "<i>ACME" not in html
    assert "Over its maximum of 1" in html


def test_a_scrum_board_is_three_calls_and_sends_its_filters_as_jql(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", json=SCRUM)
    jira_http.get(f"{AGILE}/board/7/sprint", json={"maxResults": 50, "startAt": 0, "isLast": True, "values": [
        {"id": 3, "state": "active", "name": "Sprint <3>", "goal": "Ship"}]},
        match=[matchers.query_param_matcher({"state": "active,future", "startAt": "0", "maxResults": "50"})])
    jira_http.get(f"{AGILE}/board/7/sprint/3/issue", json=issues(issue("ACME-4", "1", customfield_10016=5)), match=[
        matchers.query_param_matcher({"fields": CARD_FIELDS + ",customfield_10016", "startAt": "0", "maxResults": "100",
                                      "jql": 'assignee = currentUser() AND text ~ "login \\"page\\""'})])
    response = client.get('/boards/7?mine=1&q=login+"page"')
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(jira_http.calls) == 3
    assert "Sprint &lt;3&gt;" in html and 'title="Story points">5<' in html
    assert "column limits are not checked" in html and "Over its maximum" not in html


def test_when_jira_caps_pages_at_50_the_board_still_shows_100_cards_and_says_how_many_more(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", json=KANBAN)
    for start in (0, 50):
        page = {**issues(*[issue(f"ACME-{n}", "1") for n in range(start + 1, start + 51)], total=250), "startAt": start, "maxResults": 50}
        jira_http.get(f"{AGILE}/board/7/issue", json=page, match=[
            matchers.query_param_matcher({"startAt": str(start), "maxResults": str(100 - start)}, strict_match=False)])
    html = client.get("/boards/7").get_data(as_text=True)
    assert len(jira_http.calls) == 3
    assert "Showing the first 100 of 250 issues" in html and 'id="card-ACME-100"' in html


@pytest.mark.parametrize("path", ["/boards/abc", "/boards/0", "/boards/-1", "/boards/7x", "/boards/1%2F..%2Fmyself",
                                  "/boards/" + "9" * 30, "/boards/abc/backlog", "/boards/x/move"])
def test_a_board_id_that_is_not_a_number_is_a_404_without_a_call(client, jira_http, path):
    assert client.get(path).status_code == 404
    assert len(jira_http.calls) == 0


def test_a_board_jira_hides_shows_jiras_answer(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", status=404,
                  json={"errorMessages": ["Board does not exist or you do not have permission to see it."], "errors": {}})
    response = client.get("/boards/7")
    assert response.status_code == 404
    assert "Board does not exist or you do not have permission to see it." in response.get_data(as_text=True)


@pytest.mark.parametrize("status, body, shown, attempts", [
    (503, {"errorMessages": []}, 503, 3), (429, {}, 503, 3), (500, "<html>", 502, 1), (200, "{not json", 502, 1)])
def test_jira_failing_on_a_board_is_a_clear_page(client, jira_http, status, body, shown, attempts):
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    for _ in range(attempts):  # reads are retried on 429 and 503
        jira_http.get(f"{AGILE}/board/7/configuration", status=status, **kwargs)
    response = client.get("/boards/7")
    assert response.status_code == shown and b"Jira" in response.data


def test_a_token_without_the_jira_software_scopes_gets_the_scope_page_not_a_credentials_error(client, jira_http):
    jira_http.get(f"{AGILE}/board", status=401, json={"code": 401, "message": "Unauthorized; scope does not match"})
    response = client.get("/boards")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "read:board-scope:jira-software" in html and "administrator" in html


def test_a_broken_answer_from_the_board_list_is_a_clear_page(client, jira_http):
    jira_http.get(f"{AGILE}/board", json=["not", "a", "page"])
    assert client.get("/boards").status_code == 502


def test_the_board_list_filters_by_project_and_name_and_pages(client, jira_http):
    jira_http.get(f"{AGILE}/board", json={"maxResults": 50, "startAt": 50, "total": 120, "isLast": False, "values": [
        {"id": 9, "name": "Ops <board>", "type": "kanban", "location": {"projectKey": "OPS", "projectName": "Operations"}}]},
        match=[matchers.query_param_matcher({"startAt": "50", "maxResults": "50", "orderBy": "name",
                                             "projectKeyOrId": "OPS", "name": "ops"})])
    html = client.get("/boards?project=ops&q=ops&start=50").get_data(as_text=True)
    assert 'href="/boards/9">Ops &lt;board&gt;</a>' in html
    assert "start=51" in html and 'rel="prev"' in html and "51–51 of 120" in html


def test_a_project_filter_that_is_not_a_key_calls_nothing(client, jira_http):
    response = client.get("/boards?project=../x")
    assert response.status_code == 400 and len(jira_http.calls) == 0


def test_a_board_of_unknown_type_is_asked_for_sprints_and_shown_as_kanban_when_it_has_none(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", json={**KANBAN, "type": "simple"})
    jira_http.get(f"{AGILE}/board/7/sprint", status=400, json={"errorMessages": ["The board does not support sprints"], "errors": {}})
    jira_http.get(f"{AGILE}/board/7/issue", json=issues(issue("ACME-1", "1")))
    html = client.get("/boards/7").get_data(as_text=True)
    assert "kanban board" in html and 'id="card-ACME-1"' in html and "Backlog</a>" not in html


def test_a_configuration_without_a_type_but_with_an_estimation_is_a_scrum_board(client, jira_http):
    config = {key: value for key, value in SCRUM.items() if key != "type"}
    jira_http.get(f"{AGILE}/board/7/configuration", json={**config, "estimation": {"type": "issueCount"}})
    jira_http.get(f"{AGILE}/board/7/sprint", json={"maxResults": 50, "startAt": 0, "isLast": True, "values": []})
    html = client.get("/boards/7").get_data(as_text=True)
    assert "scrum board" in html and "No active sprint" in html and len(jira_http.calls) == 2


def test_a_text_filter_jira_refuses_keeps_the_board_and_says_why(client, jira_http):
    jira_http.get(f"{AGILE}/board/7/configuration", json=KANBAN)
    jira_http.get(f"{AGILE}/board/7/issue", status=400, json={"errorMessages": ["The text query '*' is not allowed."], "errors": {}})
    response = client.get("/boards/7?q=*")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The text query &#39;*&#39; is not allowed." in html and 'value="*"' in html and "<h2 id=\"column-0\">To Do</h2>" in html
