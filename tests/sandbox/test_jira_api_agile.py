"""The sandbox's Jira Software API (/rest/agile/1.0): boards, configuration, sprints, issue lists, moves, scopes, faults."""

from __future__ import annotations

import pytest

from sandbox import boards, directory
from sandbox.jira_agile import (READ_BOARD, READ_BOARDS, READ_CONFIGURATION, READ_SPRINT_ISSUES, READ_SPRINTS,
                                WRITE_BOARD, WRITE_SPRINT)
from tests.support.sandbox import HOME_SITE, basic_headers, bearer_headers

AGILE = "/rest/agile/1.0"
OTHER_SITE = directory.SITE_IDS[1]
ALL_AGILE = frozenset({*READ_BOARDS, *READ_BOARD, *READ_CONFIGURATION, *READ_SPRINTS, *READ_SPRINT_ISSUES,
                       *WRITE_BOARD, *WRITE_SPRINT})


@pytest.fixture(params=["site", "gateway-basic", "gateway-bearer"])
def agile(request, client, fake_identity):
    """Call /rest/agile/1.0 as a directory user in each style (bearer tokens carry every Jira Software scope)."""

    def call(method: str, path: str, user: str = "alice", **kwargs):
        if request.param == "site":
            url, headers = f"{AGILE}/{path}", basic_headers(user)
        else:
            url = f"/ex/jira/{HOME_SITE}{AGILE}/{path}"
            headers = (bearer_headers(fake_identity.token_for(user, ALL_AGILE)) if request.param == "gateway-bearer"
                       else basic_headers(user))
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


def get(agile, path: str, user: str = "alice", status: int = 200):
    response = agile("GET", path, user)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def keys_of(body: dict) -> list[str]:
    return [issue["key"] for issue in body["issues"]]


# -- boards --

def test_boards_are_those_of_the_projects_one_may_browse(agile):
    assert [(b["id"], b["name"], b["type"]) for b in get(agile, "board")["values"]] == [
        (1, "ACME board", "kanban"), (2, "OPS board", "kanban"), (5, "ACME Scrum", "scrum")]
    assert [b["location"]["projectKey"] for b in get(agile, "board", "bob")["values"]] == ["OPS", "WEB"]


def test_the_board_list_pages_and_filters_as_jira_does(agile):
    page = get(agile, "board?startAt=1&maxResults=1")
    assert (page["startAt"], page["maxResults"], page["total"], page["isLast"]) == (1, 1, 3, False)
    assert get(agile, "board?maxResults=500")["maxResults"] == 50  # Jira's cap, said in the answer
    assert [b["id"] for b in get(agile, "board?type=scrum")["values"]] == [5]
    assert [b["id"] for b in get(agile, "board?name=scrum")["values"]] == [5]
    assert [b["id"] for b in get(agile, "board?projectKeyOrId=10001")["values"]] == [2]
    assert [b["name"] for b in get(agile, "board?projectKeyOrId=acme&orderBy=-name")["values"]] == ["ACME Scrum", "ACME board"]
    assert get(agile, "board?projectKeyOrId=WEB")["values"] == []  # a project alice cannot see: no boards
    assert get(agile, "board?type=weird", status=400)["errorMessages"]
    assert get(agile, "board?startAt=-1", status=400)["errorMessages"]


def test_a_board_one_cannot_see_is_jiras_404(agile):
    body = get(agile, "board/3", status=404)
    assert body == {"errorMessages": ["Board does not exist or you do not have permission to see it."], "errors": {}}
    assert get(agile, "board/3/configuration", status=404) == body and get(agile, "board/99/issue", status=404) == body
    assert get(agile, "board/3", "bob")["location"]["projectKey"] == "WEB"


def test_a_board_and_its_configuration(agile):
    board = get(agile, "board/2")
    assert board["self"].endswith(f"{AGILE}/board/2") and board["location"]["projectName"] == "Operations"
    config = get(agile, "board/2/configuration")
    assert [c["name"] for c in config["columnConfig"]["columns"]] == ["To Do", "In Progress", "In Review", "Done"]
    doing = config["columnConfig"]["columns"][1]
    assert (doing["min"], doing["max"], [s["id"] for s in doing["statuses"]]) == (1, 3, [boards.IN_PROGRESS])
    assert "min" not in config["columnConfig"]["columns"][0] and config["columnConfig"]["constraintType"] == "issueCount"
    assert config["location"]["key"] == "OPS" and config["subQuery"]["query"] and "estimation" not in config
    scrum = get(agile, "board/5/configuration")
    assert scrum["estimation"] == {"type": "field", "field": {"fieldId": "customfield_10016", "displayName": "Story point estimate"}}
    assert [len(c["statuses"]) for c in scrum["columnConfig"]["columns"]] == [1, 2, 1]
    assert get(agile, "board/1/configuration")["columnConfig"]["columns"][3] == {"name": "Blocked", "statuses": []}


# -- sprints --

def test_sprints_come_closed_then_active_then_future_and_filter_by_state(agile):
    body = get(agile, "board/5/sprint")
    assert [(s["id"], s["state"]) for s in body["values"]] == [(1, "closed"), (2, "active"), (3, "future")]
    assert body["isLast"] is True and "total" not in body
    closed, active, future = body["values"]
    assert {"startDate", "endDate", "completeDate", "originBoardId", "goal"} <= set(closed)
    assert "completeDate" not in active and "startDate" not in future
    assert [s["id"] for s in get(agile, "board/5/sprint?state=active,future")["values"]] == [2, 3]
    page = get(agile, "board/5/sprint?maxResults=1&startAt=1")
    assert [s["id"] for s in page["values"]] == [2] and page["isLast"] is False
    assert get(agile, "sprint/2") == active


def test_a_kanban_board_has_no_sprints_and_a_hidden_sprint_is_a_404(agile):
    assert get(agile, "board/2/sprint", status=400) == {"errorMessages": ["The board does not support sprints"], "errors": {}}
    assert get(agile, "sprint/2", "bob", status=404)["errorMessages"]
    assert get(agile, "sprint/77", status=404)["errorMessages"]
    assert get(agile, "board/5/sprint?state=open", status=400)["errorMessages"]


# -- issue lists --

def test_board_issues_page_with_a_total_and_only_the_fields_asked_for(agile):
    first = get(agile, "board/2/issue?maxResults=10&fields=summary,status")
    assert (first["startAt"], first["maxResults"], first["total"]) == (0, 10, 32) and "isLast" not in first
    assert set(first["issues"][0]["fields"]) == {"summary", "status"}
    assert first["issues"][0]["self"].endswith(f"{AGILE}/issue/{first['issues'][0]['id']}")
    second = get(agile, "board/2/issue?maxResults=10&startAt=10&fields=summary")
    assert not set(keys_of(first)) & set(keys_of(second))
    assert get(agile, "board/2/issue?maxResults=1000&fields=summary")["maxResults"] == 100
    every = get(agile, "board/2/issue?maxResults=100")
    assert len(every["issues"]) == 32 and {"summary", "sprint", "closedSprints", "flagged", "epic"} <= set(every["issues"][0]["fields"])
    numbers = [int(k.split("-")[1]) for k in keys_of(every)]
    assert numbers == sorted(numbers)  # rank order


def test_board_issues_take_a_jql_filter(agile):
    mine = get(agile, "board/2/issue?maxResults=100&fields=assignee&jql=assignee = currentUser()")
    assert mine["total"] and all(i["fields"]["assignee"]["displayName"] == "Alice Anders" for i in mine["issues"])
    ordered = get(agile, "board/2/issue?maxResults=100&fields=summary&jql=order by key desc")
    assert keys_of(ordered) == sorted(keys_of(ordered), key=lambda k: -int(k.split("-")[1]))
    assert get(agile, "board/2/issue?jql=text ~", status=400)["errorMessages"]


def test_only_statuses_the_columns_map_are_on_a_board_and_kanban_drops_old_done_work(agile):
    statuses = {i["fields"]["status"]["name"] for i in get(agile, "board/2/issue?maxResults=100&fields=status")["issues"]}
    assert statuses == {"To Do", "In Progress", "In Review", "Done"}
    on_board = get(agile, "board/2/issue?maxResults=100&fields=status")["total"]
    assert on_board < 44  # OPS has 44 issues; done work not touched for two weeks is left off


def test_sprint_issues_the_backlog_and_the_sprint_fields(agile):
    active = get(agile, "board/5/sprint/2/issue?maxResults=100&fields=sprint,customfield_10016,issuetype")
    assert active["total"] == 20 and all(i["fields"]["sprint"]["id"] == 2 for i in active["issues"])
    assert any(isinstance(i["fields"]["customfield_10016"], int) for i in active["issues"])
    assert keys_of(get(agile, "sprint/2/issue?maxResults=100&fields=summary")) == keys_of(active)
    closed = get(agile, "sprint/1/issue?maxResults=100&fields=closedSprints,status,sprint")
    assert closed["total"] == 12 and all(i["fields"]["status"]["name"] == "Done" for i in closed["issues"])
    assert all(i["fields"]["closedSprints"][0]["id"] == 1 and i["fields"]["sprint"] is None for i in closed["issues"])
    backlog = get(agile, "board/5/backlog?maxResults=100&fields=status,sprint,issuetype")
    assert backlog["total"] == 156 and len(backlog["issues"]) == 100
    assert all(i["fields"]["status"]["name"] != "Done" and i["fields"]["sprint"] is None for i in backlog["issues"])
    assert all(i["fields"]["issuetype"]["name"] != "Epic" for i in backlog["issues"])
    assert not set(keys_of(active)) & set(keys_of(backlog))


# -- moves --

def test_moving_an_issue_into_a_sprint_and_back_to_the_backlog(agile):
    key = keys_of(get(agile, "board/5/backlog?maxResults=1&fields=summary"))[0]
    assert agile("POST", "sprint/3/issue", json={"issues": [key], "rankBeforeIssue": "ACME-1"}).status_code == 204
    assert key in keys_of(get(agile, "board/5/sprint/3/issue?maxResults=100&fields=summary"))
    assert agile("POST", "sprint/2/issue", json={"issues": [key]}).status_code == 204  # out of sprint 3, into 2
    assert key not in keys_of(get(agile, "board/5/sprint/3/issue?maxResults=100&fields=summary"))
    assert agile("POST", "backlog/issue", json={"issues": [key]}).status_code == 204
    assert key in keys_of(get(agile, "board/5/backlog?maxResults=100&fields=summary"))


@pytest.mark.parametrize("path, body, user, status", [
    ("sprint/1/issue", {"issues": ["ACME-1"]}, "alice", 400),  # a closed sprint
    ("sprint/2/issue", {"issues": []}, "alice", 400),
    ("sprint/2/issue", {"issues": [f"ACME-{n}" for n in range(1, 52)]}, "alice", 400),  # more than 50
    ("sprint/2/issue", {"issues": ["WEB-1"]}, "alice", 404),  # an issue alice cannot see
    ("sprint/99/issue", {"issues": ["ACME-1"]}, "alice", 404),
    ("backlog/issue", {"issues": ["WEB-1"]}, "bob", 403),  # bob may read WEB, not change it
    ("backlog/issue", {"issue": "ACME-1"}, "alice", 400),
])
def test_moves_jira_refuses(agile, path, body, user, status):
    response = agile("POST", path, user, json=body)
    assert response.status_code == status and response.get_json()["errorMessages"]


# -- scopes, faults and counters --

@pytest.mark.parametrize("method, path, body, scopes, allowed", [
    ("GET", "board", None, READ_BOARDS, True),
    ("GET", "board", None, {"read:board-scope:jira-software", "read:jira-work"}, False),  # read:project:jira missing
    ("GET", "board/5/configuration", None, {"read:board-scope:jira-software", "read:project:jira"}, False),
    ("GET", "board/5/configuration", None, READ_CONFIGURATION, True),
    ("GET", "board/5/sprint", None, {"read:sprint:jira-software"}, True),
    ("GET", "board/5/sprint/2/issue", None, {"read:sprint:jira-software", "read:issue-details:jira"}, False),
    ("GET", "board/5/sprint/2/issue", None, READ_SPRINT_ISSUES, True),
    ("GET", "board/2/issue", None, {"read:board-scope:jira-software", "read:issue-details:jira"}, True),
    ("GET", "board/2/issue", None, {"read:jira-work", "write:jira-work", "read:jira-user"}, False),  # classic: not for Jira Software
    ("POST", "sprint/2/issue", {"issues": ["ACME-1"]}, {"write:board-scope:jira-software"}, False),
    ("POST", "sprint/2/issue", {"issues": ["ACME-1"]}, WRITE_SPRINT, True),
    ("POST", "backlog/issue", {"issues": ["ACME-1"]}, WRITE_BOARD, True),
])
def test_oauth_tokens_need_the_granular_scopes_of_each_operation(client, fake_identity, method, path, body, scopes, allowed):
    token = fake_identity.token_for("alice", scopes)
    response = client.open(f"/ex/jira/{HOME_SITE}{AGILE}/{path}", method=method, json=body, headers=bearer_headers(token))
    if allowed:
        assert response.status_code in (200, 204)
    else:
        assert (response.status_code, response.get_json()) == (401, {"code": 401, "message": "Unauthorized; scope does not match"})


def test_the_gateway_serves_each_site_its_own_boards(client, fake_identity):
    token = fake_identity.token_for("alice", ALL_AGILE)
    body = client.get(f"/ex/jira/{OTHER_SITE}{AGILE}/board", headers=bearer_headers(token)).get_json()
    assert [(b["name"], b["self"]) for b in body["values"]] == [
        ("GLOBX board", f"http://localhost/ex/jira/{OTHER_SITE}{AGILE}/board/4")]
    assert client.get(f"{AGILE}/board").status_code == 401


def test_faults_and_counters_cover_the_agile_routes(client):
    client.post("/_sandbox/faults", json={"faults": [{"path": "/rest/agile/1.0/board/5/sprint$", "status": 503, "count": 1}]})
    assert client.get(f"{AGILE}/board/5/sprint", headers=basic_headers("alice")).status_code == 503
    assert client.get(f"{AGILE}/board/5/sprint", headers=basic_headers("alice")).status_code == 200
    requests = client.get("/_sandbox/stats").get_json()["requests"]
    assert {(r["path"], r["status"], r["count"]) for r in requests} == {
        ("/rest/agile/1.0/board/{boardId}/sprint", 503, 1), ("/rest/agile/1.0/board/{boardId}/sprint", 200, 1)}


def test_a_reset_puts_sprints_back_as_seeded(sandbox_app, client):
    client.post(f"{AGILE}/backlog/issue", json={"issues": ["ACME-200"]}, headers=basic_headers("alice"))
    assert sandbox_app.extensions["sandbox_world"].agile.open_sprint("10277") is None
    client.post("/_sandbox/reset")
    assert sandbox_app.extensions["sandbox_world"].agile.open_sprint("10277") == boards.ACTIVE_SPRINT


def test_get_issue_can_bring_the_transitions_with_their_screens(client):
    body = client.get("/rest/api/3/issue/OPS-1?fields=status&expand=transitions.fields", headers=basic_headers("alice")).get_json()
    assert set(body["fields"]) == {"status"}
    done = next(t for t in body["transitions"] if t["id"] == "41")
    assert done["fields"]["resolution"]["required"] is True and done["to"]["id"] == boards.DONE
    hidden = client.get("/rest/api/3/issue/WEB-1?fields=status&expand=transitions.fields", headers=basic_headers("bob")).get_json()
    assert hidden["transitions"] == []  # bob may read WEB but not move its issues
