"""Boards end to end against the sandbox, in both modes: what each person sees, moving cards, the backlog, scopes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.support.apps import single_user_app
from tests.support.boards import card_html, column_keys, flashes, move_form
from tests.support.forms import form_data, page
from tests.support.oauth import make_oauth_app, rewrite_record, sign_in
from tests.support.sandbox import admin_get, call_count, jira_calls, reset_stats, sandbox_user, set_faults, writes

MODES = ("single_user", "multi_user")
CLASSIC_SCOPES = "read:jira-user read:jira-work write:jira-work offline_access"
OPS_BOARD, WEB_BOARD, ACME_BOARD, SCRUM_BOARD = 2, 3, 1, 5


def signed_in(mode: str, user: str, sandbox, tmp_path, **overrides):
    """Return a test client of an app in ``mode`` acting as the sandbox user ``user`` (on the acme site)."""
    if mode == "single_user":
        return single_user_app(sandbox, tmp_path, user=user, **overrides).test_client()
    client = make_oauth_app(tmp_path, sandbox.url, **overrides).test_client()
    assert sign_in(client, user, site="acme" if user == "alice" else None).status_code == 302
    return client


@pytest.fixture(params=MODES)
def alice(request, sandbox, tmp_path):
    return signed_in(request.param, "alice", sandbox, tmp_path)


@pytest.fixture(params=MODES)
def bob(request, sandbox, tmp_path):
    return signed_in(request.param, "bob", sandbox, tmp_path)


def agile_get(sandbox, path: str, user: str = "alice", **params) -> dict:
    """Return a Jira Software resource as ``user`` sees it (outside the app under test)."""
    person = sandbox_user(sandbox, user)
    response = requests.get(f"{sandbox.url}/rest/agile/1.0/{path}", params=params,
                            auth=(person["email"], person["api_token"]), timeout=5)
    response.raise_for_status()
    return response.json()


def transition_as_admin(sandbox, key: str, transition_id: str) -> None:
    """Move an issue as the sandbox's admin: a colleague's change while a board is open."""
    person = sandbox_user(sandbox, "admin")
    requests.post(f"{sandbox.url}/rest/api/3/issue/{key}/transitions", json={"transition": {"id": transition_id}},
                  auth=(person["email"], person["api_token"]), timeout=5).raise_for_status()


def status_of(sandbox, key: str) -> str:
    return admin_get(sandbox, f"issue/{key}", fields="status")["fields"]["status"]["name"]


def board_calls(sandbox) -> list[str]:
    """Return the Jira calls counted since the last reset, as "METHOD path" without the gateway prefix."""
    return sorted(f"{r['method']} {r['path'].split('/rest/', 1)[-1]}" for r in jira_calls(sandbox) for _ in range(r["count"])
                  if r["path"].startswith(("/rest/", "/ex/jira/")))


# -- what people see --

def test_the_boards_list_shows_the_boards_each_person_may_see_in_one_call(sandbox, alice, bob):
    reset_stats(sandbox)
    html = page(alice, "/boards")
    assert board_calls(sandbox) == ["GET agile/1.0/board"]
    assert re.findall(r'href="/boards/(\d+)">([^<]+)<', html) == [("1", "ACME board"), ("5", "ACME Scrum"), ("2", "OPS board")]
    html = page(bob, "/boards")
    assert re.findall(r'href="/boards/(\d+)">([^<]+)<', html) == [("2", "OPS board"), ("3", "WEB board")]
    assert re.findall(r'href="/boards/(\d+)">', page(alice, "/boards?project=ops")) == ["2"]


def test_a_kanban_board_shows_its_columns_counts_and_broken_limits_in_two_calls(sandbox, alice):
    reset_stats(sandbox)
    html = page(alice, f"/boards/{OPS_BOARD}")
    assert board_calls(sandbox) == ["GET agile/1.0/board/{boardId}/configuration", "GET agile/1.0/board/{boardId}/issue"]
    assert re.findall(r'<h2 id="column-\d+">([^<]+)</h2>', html) == ["To Do", "In Progress", "In Review", "Done"]
    issues = agile_get(sandbox, f"board/{OPS_BOARD}/issue", maxResults=100, fields="status")["issues"]
    for column in ("To Do", "In Progress", "In Review", "Done"):
        expected = [i["key"] for i in issues if i["fields"]["status"]["name"] == column]
        assert column_keys(html, column) == expected
    assert len(column_keys(html, "In Progress")) > 3 and "Over its maximum of 3" in html and "min 1 · max 3" in html
    card = card_html(html, column_keys(html, "To Do")[0])
    assert 'href="/issues/OPS-' in card and 'class="card-type"' in card and 'class="card-priority"' in card


def test_a_scrum_board_shows_the_active_sprint_with_estimates_and_switches_sprints_in_three_calls(sandbox, alice):
    reset_stats(sandbox)
    html = page(alice, f"/boards/{SCRUM_BOARD}")
    assert board_calls(sandbox) == ["GET agile/1.0/board/{boardId}/configuration", "GET agile/1.0/board/{boardId}/sprint",
                                    "GET agile/1.0/board/{boardId}/sprint/{sprintId}/issue"]
    assert "ACME Sprint 2" in html and "Faster search and a calmer on-call week" in html
    assert re.findall(r'<option value="(\d+)"[^>]*>ACME Sprint', html) == ["2", "3"]  # the closed sprint is not on the board
    sprint = agile_get(sandbox, f"board/{SCRUM_BOARD}/sprint/2/issue", maxResults=100, fields="customfield_10016")["issues"]
    assert sorted(k for c in ("To Do", "In Progress", "Done") for k in column_keys(html, c)) == sorted(i["key"] for i in sprint)
    pointed = next(i for i in sprint if i["fields"]["customfield_10016"])
    assert f'title="Story point estimate">{pointed["fields"]["customfield_10016"]}<' in card_html(html, pointed["key"])
    future = page(alice, f"/boards/{SCRUM_BOARD}?sprint=3")
    assert "ACME Sprint 3" in future and "Not started yet." in future
    assert len(column_keys(future, "To Do")) == 8


def test_only_my_issues_and_the_text_filter_narrow_the_board(sandbox, alice):
    mine = page(alice, f"/boards/{OPS_BOARD}?mine=1")
    shown = [k for c in ("To Do", "In Progress", "In Review", "Done") for k in column_keys(mine, c)]
    assert shown and all("Alice Anders" in card_html(mine, key) for key in shown)
    assert "column limits are not checked" in mine and "Over its maximum" not in mine
    found = page(alice, f"/boards/{OPS_BOARD}?q=backup")
    keys = [k for c in ("To Do", "In Progress", "In Review", "Done") for k in column_keys(found, c)]
    assert keys and all("backup" in card_html(found, k).lower() for k in keys)


def test_a_board_one_cannot_see_shows_jiras_answer_and_a_bad_id_calls_nothing(sandbox, bob):
    response = bob.get(f"/boards/{ACME_BOARD}")
    assert response.status_code == 404
    assert "Board does not exist or you do not have permission to see it." in response.get_data(as_text=True)
    reset_stats(sandbox)
    assert bob.get("/boards/ACME").status_code == 404 and bob.get("/boards/1.5").status_code == 404
    assert board_calls(sandbox) == []


def test_boards_are_linked_from_the_top_bar_the_project_and_the_issue(alice):
    assert 'href="/boards">Boards</a>' in page(alice, "/projects")
    assert 'href="/boards?project=OPS"' in page(alice, "/projects/OPS")
    assert 'href="/boards?project=OPS">Boards of Operations</a>' in page(alice, "/issues/OPS-3")


# -- moving cards --

def test_alice_moves_a_card_and_a_double_click_moves_it_once(sandbox, alice):
    html = page(alice, f"/boards/{OPS_BOARD}")
    key = column_keys(html, "To Do")[0]
    data = move_form(html, key, "In Progress", OPS_BOARD)
    reset_stats(sandbox)
    first = alice.post(f"/boards/{OPS_BOARD}/move", data=data)
    again = alice.post(f"/boards/{OPS_BOARD}/move", data=data)
    assert (first.status_code, first.headers["Location"]) == (303, f"/boards/{OPS_BOARD}")
    assert again.status_code == 303 and again.headers["Location"] == f"/boards/{OPS_BOARD}"
    assert writes(sandbox, "POST", "/transitions") == 1
    assert board_calls(sandbox) == ["GET api/3/issue/{issueIdOrKey}", "POST api/3/issue/{issueIdOrKey}/transitions"]
    assert status_of(sandbox, key) == "In Progress"
    after = page(alice, f"/boards/{OPS_BOARD}")
    assert ("success", f"{key} moved to In Progress.") in flashes(after) and key in column_keys(after, "In Progress")


def test_bob_cannot_move_cards_on_web_and_the_board_says_why(sandbox, bob):
    html = page(bob, f"/boards/{WEB_BOARD}")
    key = column_keys(html, "To Do")[0]
    reset_stats(sandbox)
    response = bob.post(f"/boards/{WEB_BOARD}/move", data=move_form(html, key, "In Progress", WEB_BOARD))
    assert response.status_code == 303
    after = page(bob, response.headers["Location"])
    assert ("error", f"{key} was not moved: Jira offers you no transition on it. You may not have permission "
                     "to move issues in this project.") in flashes(after)
    assert key in column_keys(after, "To Do") and status_of(sandbox, key) == "To Do"
    assert writes(sandbox, "POST", "/transitions") == 0


def test_a_move_into_a_column_whose_transition_needs_a_resolution_goes_through_its_form_and_back(sandbox, alice):
    html = page(alice, f"/boards/{OPS_BOARD}?mine=1")
    key = column_keys(html, "To Do")[0] if column_keys(html, "To Do") else column_keys(html, "In Progress")[0]
    response = alice.post(f"/boards/{OPS_BOARD}/move", data=move_form(html, key, "Done", OPS_BOARD))
    back = f"/boards/{OPS_BOARD}?mine=1"
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == (f"/issues/{key}/transitions/41", {"back": [back]})
    form_page = page(alice, response.headers["Location"])
    assert f'href="{back}">Back to the board</a>' in form_page.replace("&amp;", "&")
    action = re.search(r'<form class="write-form" method="post" action="([^"]+)"', form_page).group(1).replace("&amp;", "&")
    done = alice.post(action, data={**form_data(form_page, action), "resolution": "10000"})
    assert (done.status_code, done.headers["Location"]) == (302, back)
    assert status_of(sandbox, key) == "Done" and key in column_keys(page(alice, back), "Done")


def test_a_card_moved_meanwhile_stays_and_the_board_says_so(sandbox, alice):
    html = page(alice, f"/boards/{OPS_BOARD}")
    key = column_keys(html, "To Do")[0]
    transition_as_admin(sandbox, key, "31")  # a colleague puts it in review meanwhile
    reset_stats(sandbox)
    response = alice.post(f"/boards/{OPS_BOARD}/move", data=move_form(html, key, "In Progress", OPS_BOARD))
    after = page(alice, response.headers["Location"])
    assert any(f"{key} was not moved: it moved to In Review since this board was shown" in text for _, text in flashes(after))
    assert writes(sandbox, "POST", "/transitions") == 0 and key in column_keys(after, "In Review")


@pytest.mark.parametrize("status, says", [
    (409, "Changed elsewhere"), (403, "You currently don't have access to perform this operation."),
    (400, "The sandbox injected a fault: HTTP 400."),  # a workflow validator's refusal
])
def test_a_move_jira_refuses_keeps_the_board_as_it_was_and_says_why(sandbox, alice, status, says):
    html = page(alice, f"/boards/{OPS_BOARD}")
    key = column_keys(html, "To Do")[0]
    set_faults(sandbox, {"path": r"/issue/[^/]+/transitions$", "method": "POST", "status": status})
    response = alice.post(f"/boards/{OPS_BOARD}/move", data=move_form(html, key, "In Review", OPS_BOARD))
    set_faults(sandbox)
    after = page(alice, response.headers["Location"])
    [(category, text)] = flashes(after)
    assert category == "error" and text.startswith(f"{key} was not moved.") and says in text
    assert key in column_keys(after, "To Do") and status_of(sandbox, key) == "To Do"


def test_a_column_with_no_status_cannot_take_a_card(sandbox, alice):
    html = page(alice, f"/boards/{ACME_BOARD}")
    key = column_keys(html, "To Do")[0]
    assert "Blocked" not in re.findall(r"<option[^>]*>([^<]+)</option>", card_html(html, key))
    data = {**move_form(html, key, "In Progress", ACME_BOARD), "to": "|Blocked"}  # as a hand-made form would
    after = page(alice, alice.post(f"/boards/{ACME_BOARD}/move", data=data).headers["Location"])
    assert any("no status is mapped to “Blocked”" in text for _, text in flashes(after))


# -- the backlog --

def test_the_backlog_moves_an_issue_into_a_sprint_and_back(sandbox, alice):
    reset_stats(sandbox)
    html = page(alice, f"/boards/{SCRUM_BOARD}/backlog")
    assert len(board_calls(sandbox)) == 5  # configuration, sprints, two sprints' issues, the backlog
    assert "ACME Sprint 2" in html and "ACME Sprint 3" in html and "156 issues" in html
    key = re.search(r'<section class="backlog-list".*?id="issue-([A-Z]+-\d+)"', html, re.S).group(1)
    action = f"/boards/{SCRUM_BOARD}/backlog/move"
    row = html[html.index(f'id="issue-{key}"'):]
    data = {**form_data(row[:row.index("</li>")], action), "to": "3|ACME Sprint 3"}
    reset_stats(sandbox)
    response = alice.post(action, data=data)
    alice.post(action, data=data)  # a double click
    assert response.status_code == 303 and writes(sandbox, "POST", "/sprint/{sprintId}/issue") == 1
    assert key in [i["key"] for i in agile_get(sandbox, "sprint/3/issue", maxResults=100, fields="summary")["issues"]]
    html = page(alice, response.headers["Location"])
    assert ("success", f"{key} moved to ACME Sprint 3.") in flashes(html)
    row = html[html.index(f'id="issue-{key}"'):]
    back = alice.post(action, data={**form_data(row[:row.index("</li>")], action), "to": "backlog"})
    assert ("success", f"{key} moved to the backlog.") in flashes(page(alice, back.headers["Location"]))
    assert key not in [i["key"] for i in agile_get(sandbox, "sprint/3/issue", maxResults=100, fields="summary")["issues"]]


def test_a_kanban_board_has_no_backlog(alice):
    response = alice.get(f"/boards/{OPS_BOARD}/backlog")
    assert response.status_code == 302 and response.headers["Location"] == f"/boards/{OPS_BOARD}"
    assert "has no sprints" in flashes(page(alice, f"/boards/{OPS_BOARD}"))[0][1]


# -- multi_user: a sign-in from before the app asked for Jira Software's scopes --

def test_a_grant_without_the_board_scopes_gets_a_page_that_offers_to_sign_in_again(sandbox, tmp_path):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    assert sign_in(client, "alice", site="acme").status_code == 302
    rewrite_record(app, client, scope=CLASSIC_SCOPES)  # as granted before the upgrade
    reset_stats(sandbox)
    response = client.get(f"/boards/{SCRUM_BOARD}?sprint=3")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and call_count(sandbox) == 0
    assert "read:board-scope.admin:jira-software" in html and "read:jql:jira" in html
    renew = re.search(r'href="([^"]+)">Sign in again</a>', html).group(1).replace("&amp;", "&")
    assert (urlsplit(renew).path, parse_qs(urlsplit(renew).query)) == ("/login", {"next": ["/boards/5?sprint=3"]})
    assert client.get("/projects").status_code == 200  # still signed in: nothing else changed
    assert sign_in(client, "alice", next_path="/boards/5", site="acme").headers["Location"] == "/boards/5"
    assert client.get("/boards/5").status_code == 200


def test_when_jira_itself_says_scope_does_not_match_the_same_page_explains_it(sandbox, tmp_path):
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_SCOPES=CLASSIC_SCOPES)
    client = app.test_client()
    assert sign_in(client, "alice", site="acme").status_code == 302
    rewrite_record(app, client, scope="")  # the grant's scopes unknown to the app: Jira is the judge
    response = client.get("/boards")
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "read:board-scope:jira-software" in html and "Sign in again" in html
    assert any(r["status"] == 401 and r["path"].endswith("/rest/agile/1.0/board") for r in jira_calls(sandbox))
    assert client.get("/projects").status_code == 200


def test_a_sign_in_that_ended_during_a_move_comes_back_to_the_board(sandbox, tmp_path):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    assert sign_in(client, "alice", site="acme").status_code == 302
    html = page(client, f"/boards/{OPS_BOARD}")
    key = column_keys(html, "To Do")[0]
    client.post("/logout")
    response = client.post(f"/boards/{OPS_BOARD}/move", data=move_form(html, key, "In Progress", OPS_BOARD))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert sign_in(client, "alice", next_path=f"/boards/{OPS_BOARD}/move", site="acme").status_code == 302
    assert client.get(f"/boards/{OPS_BOARD}/move").headers["Location"] == f"/boards/{OPS_BOARD}"
    assert status_of(sandbox, key) == "To Do"  # nothing was moved behind the person's back
