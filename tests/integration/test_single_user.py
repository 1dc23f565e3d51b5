"""single_user mode end to end against the sandbox: pages, call counts, connection reuse, faults."""

from __future__ import annotations

import re

import pytest
import requests

from jira_client.state import app_state
from tests.support.apps import make_app, single_user_app
from tests.support.forms import comment_form
from tests.support.processes import wait_until
from tests.support.sandbox import call_count, jira_calls, reset_stats, sandbox_admin, sandbox_stats, set_faults

ISSUE_WITH_MANY_COMMENTS = None  # found from the sandbox at run time


def comments_on(sandbox, key: str) -> int:
    admin = sandbox_admin(sandbox)
    response = requests.get(f"{sandbox.url}/rest/api/3/issue/{key}/comment", params={"maxResults": 1},
                            auth=(admin["email"], admin["api_token"]), timeout=5)
    return response.json()["total"]


def test_projects_page_lists_the_sandbox_projects_in_one_call(sandbox, live_client):
    reset_stats(sandbox)
    response = live_client.get("/projects")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ACME" in html and "OPS" in html and "GLOBX" not in html  # the admin sees only site one
    assert "Sandbox mode" not in html  # the banner belongs to the embedded default only
    assert [(r["method"], r["path"]) for r in jira_calls(sandbox)] == [("GET", "/rest/api/3/project/search")]
    assert call_count(sandbox) == 1


def test_project_filter(sandbox, live_client):
    html = live_client.get("/projects?q=ops").get_data(as_text=True)
    assert "OPS" in html and "/projects/ACME" not in html


def test_project_page_makes_at_most_three_calls_and_pages_forward_and_back(sandbox, live_client):
    reset_stats(sandbox)
    first = live_client.get("/projects/ACME").get_data(as_text=True)
    assert call_count(sandbox) == 3  # the issues, their count and whether one may create here (both kept 5 minutes)
    assert re.search(r"About \d{3} issues", first)
    first_keys = re.findall(r'<td class="key"><a href="/issues/(ACME-\d+)"', first)
    assert len(first_keys) == 50

    reset_stats(sandbox)
    second = live_client.get("/projects/ACME?page=1").get_data(as_text=True)
    assert call_count(sandbox) == 1  # the count and the permission are reused
    second_keys = re.findall(r'<td class="key"><a href="/issues/(ACME-\d+)"', second)
    assert len(second_keys) == 50 and not set(first_keys) & set(second_keys)

    back = live_client.get("/projects/ACME").get_data(as_text=True)
    assert re.findall(r'<td class="key"><a href="/issues/(ACME-\d+)"', back) == first_keys


def test_issue_page_is_one_call_with_comments_and_transitions(sandbox, live_client):
    reset_stats(sandbox)
    response = live_client.get("/issues/ACME-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="comments"' in html and 'class="status-menu"' in html and "<h2>Workflow" not in html  # transitions sit under the status button
    assert [(r["method"], r["path"]) for r in jira_calls(sandbox)] == [("GET", "/rest/api/3/issue/{issueIdOrKey}")]


def test_twenty_page_views_reuse_one_connection(sandbox, live_client):
    live_client.get("/projects")  # warm the pool
    before = sandbox_stats(sandbox)["connections"]
    for path in ["/projects", "/projects/ACME", "/issues/ACME-1", "/issues/ACME-2", "/search?jql=project%3DACME"] * 4:
        assert live_client.get(path).status_code == 200
    assert sandbox_stats(sandbox)["connections"] - before <= 1


def test_posting_a_comment_shows_it_on_the_page(sandbox, live_client):
    before = comments_on(sandbox, "ACME-2")
    form = {**comment_form(live_client, "ACME-2"), "body": "Deployed to **staging** <today>"}
    response = live_client.post("/issues/ACME-2/comments", data=form)
    assert response.status_code == 302
    page = live_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>staging</strong> &lt;today&gt;" in page
    assert comments_on(sandbox, "ACME-2") == before + 1


def test_a_503_while_a_page_loads_is_a_clear_503_page(sandbox, live_client):
    set_faults(sandbox, {"path": "/rest/api/3/issue/", "status": 503})
    response = live_client.get("/issues/ACME-1")
    assert response.status_code == 503
    assert "Jira" in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)


def test_a_503_while_posting_keeps_the_text_and_creates_nothing(sandbox, live_client):
    before = comments_on(sandbox, "ACME-3")
    form = {**comment_form(live_client, "ACME-3"), "body": "Words I do not want to lose"}
    set_faults(sandbox, {"path": r"/comment$", "method": "POST", "status": 503})
    response = live_client.post("/issues/ACME-3/comments", data=form)
    assert response.status_code == 503
    assert "Words I do not want to lose</textarea>" in response.get_data(as_text=True)
    posts = [r for r in jira_calls(sandbox) if r["method"] == "POST"]
    assert sum(r["count"] for r in posts) == 1  # never retried
    set_faults(sandbox)
    assert comments_on(sandbox, "ACME-3") == before


def test_reads_are_retried_through_a_short_rate_limit(sandbox, live_client):
    set_faults(sandbox, {"path": "/rest/api/3/project/search", "status": 429, "retry_after": 0, "count": 1})
    assert live_client.get("/projects").status_code == 200


@pytest.mark.parametrize("path", ["/issues/../../myself", "/issues/..%2F..%2Fmyself", "/issues/ACME-1%2F..%2F..%2Fmyself"])
def test_bad_keys_make_no_call_at_all(sandbox, live_client, path):
    reset_stats(sandbox)
    assert live_client.get(path).status_code == 404
    assert call_count(sandbox) == 0


def test_bad_jql_shows_jiras_message(sandbox, live_client):
    response = live_client.get("/search", query_string={"jql": "project = ACME AND"})
    assert response.status_code == 400
    assert "Jira could not run this query." in response.get_data(as_text=True)


def test_scoped_tokens_go_through_the_gateway(sandbox, tmp_path):
    admin = sandbox_admin(sandbox)
    app = make_app(tmp_path, JIRA_BASE_URL="", JIRA_CLOUD_ID=admin["sites"][0], ATLASSIAN_API_URL=sandbox.url,
                   JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"])
    reset_stats(sandbox)
    assert app.test_client().get("/projects").status_code == 200
    assert [r["path"] for r in jira_calls(sandbox)] == ["/ex/jira/{cloudId}/rest/api/3/project/search"]


def test_the_shared_accounts_id_is_known_from_start_up_so_own_comments_offer_edit_on_the_first_view(sandbox, tmp_path):
    app = single_user_app(sandbox, tmp_path, TESTING=False, _LOCAL_SERVER="1")  # as `make run` and gunicorn build it
    wait_until(lambda: app_state(app).strategy.account_id(), what="the start-up GET /myself")
    reset_stats(sandbox)
    html = app.test_client().get("/issues/ACME-42?order=oldest").get_data(as_text=True)  # the admin wrote some comments

    assert re.search(r'href="/issues/ACME-42/comments/\d+/edit', html)
    assert [(row["method"], row["path"], row["count"]) for row in jira_calls(sandbox)] == [
        ("GET", "/rest/api/3/issue/{issueIdOrKey}", 1)]  # its first 50 comments come with it: no GET /myself


def test_when_jira_was_down_at_start_up_the_first_page_that_needs_the_id_asks_again(sandbox, tmp_path):
    set_faults(sandbox, {"path": "/myself$", "status": 503, "count": 1})
    app = single_user_app(sandbox, tmp_path, TESTING=False, _LOCAL_SERVER="1", JIRA_RETRY_BACKOFF="0")
    strategy = app_state(app).strategy
    wait_until(lambda: strategy._next_try > 0, what="the failed start-up look-up")
    strategy._next_try = 0  # a minute later
    html = app.test_client().get("/issues/ACME-42").get_data(as_text=True)
    assert re.search(r'href="/issues/ACME-42/comments/\d+/edit', html)
