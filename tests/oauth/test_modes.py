"""Both modes over the main pages against the live sandbox (APP_MODE is the only switch), the
emergency ``/setup``, and ``python web_app.py``'s sandbox identity service for multi_user."""

from __future__ import annotations

import logging

import pytest
import requests

from sandbox.directory import USERS
from jira_client.state import app_state
from tests.support.apps import make_app
from tests.support.forms import comment_form
from tests.support.oauth import make_oauth_app, oauth_settings, sign_in
from tests.support.sandbox import call_count, reset_stats

ADMIN = next(user for user in USERS if user["admin"])
PAGES = ["/projects", "/projects/ACME", "/issues/ACME-1", "/search?jql=project%20%3D%20ACME"]


def _single_user(tmp_path, sandbox_url: str, **overrides):
    return make_app(
        tmp_path, APP_MODE="single_user", JIRA_BASE_URL=sandbox_url, JIRA_EMAIL=ADMIN["email"],
        JIRA_API_TOKEN=ADMIN["api_token"], **overrides,
    )


def _signed_in_client(mode: str, tmp_path, sandbox):
    if mode == "single_user":
        return _single_user(tmp_path, sandbox.url).test_client()
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    sign_in(client, "alice", site="acme")
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("mode", ["single_user", "multi_user"])
def test_main_pages_in_both_modes(tmp_path, sandbox, mode, path):
    client = _signed_in_client(mode, tmp_path, sandbox)
    response = client.get(path)
    assert response.status_code == 200, response.data[:500]
    assert b"ACME" in response.data
    header = response.get_data(as_text=True).split('<div class="viewer">')[1].split("</div>")[0]
    if mode == "multi_user":
        assert "Alice Anders" in header and "acme" in header and 'id="sign-out"' in header
    else:
        assert ADMIN["email"] in header and "sign-out" not in header


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visits_go_to_sign_in_and_back(tmp_path, sandbox, path):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    landed = sign_in(client, "alice", next_path=path, site="acme")
    assert landed.headers["Location"] == path


def test_single_user_has_no_sign_in_pages(tmp_path, sandbox):
    client = _single_user(tmp_path, sandbox.url).test_client()
    assert client.get("/login").status_code == 404
    assert client.post("/logout").status_code == 404


def test_setup_in_single_user_masks_secrets_and_checks_connectivity(tmp_path, sandbox):
    client = _single_user(tmp_path, sandbox.url, JIRA_OAUTH_CLIENT_SECRET="oauth-secret-value").test_client()
    page = client.get("/setup")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Connected to Jira as" in text and sandbox.url in text
    assert ADMIN["api_token"] not in text and "oauth-secret-value" not in text and "test-secret-key" not in text
    assert "set (hidden)" in text


def test_setup_is_off_in_multi_user_without_an_admin_token(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data={"admin_token": ""}).status_code == 404


ADMIN_TOKEN = "emergency-admin-token-0123456789abcdef"


def _admin_app(tmp_path, sandbox, **overrides):
    return make_oauth_app(
        tmp_path, sandbox.url, ADMIN_TOKEN=ADMIN_TOKEN, JIRA_BASE_URL=sandbox.url,
        JIRA_EMAIL=ADMIN["email"], JIRA_API_TOKEN=ADMIN["api_token"], **overrides,
    )


def test_the_admin_token_grants_a_logged_admin_session_on_the_shared_token(tmp_path, sandbox, caplog):
    caplog.set_level(logging.INFO)
    client = _admin_app(tmp_path, sandbox).test_client()
    assert b"admin_token" in client.get("/setup").data
    assert client.post("/setup", data={"admin_token": "wrong"}).status_code == 403
    assert client.get("/projects").status_code == 302
    assert client.get_cookie("session") is None  # a refused token stores nothing
    client.post("/login/start", data={"next": "/"})  # an abandoned sign-in: now the browser has a session
    before = client.get_cookie("session").value
    granted = client.post("/setup", data={"admin_token": ADMIN_TOKEN})
    assert granted.status_code == 302 and client.get_cookie("session").value != before
    assert b"Connected to Jira as" in client.get("/setup").data
    projects = client.get("/projects")
    assert projects.status_code == 200 and b"ACME" in projects.data and b"Emergency admin" in projects.data
    assert "refused" in caplog.text and "granted" in caplog.text and "shared API token" in caplog.text
    assert ADMIN_TOKEN not in caplog.text and ADMIN["api_token"] not in caplog.text
    client.post("/logout")
    assert client.get("/projects").status_code == 302


def test_the_admin_form_needs_csrf(tmp_path, sandbox):
    client = _admin_app(tmp_path, sandbox, WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/setup", data={"admin_token": ADMIN_TOKEN}).status_code == 400


def test_multi_user_without_an_oauth_client_uses_the_sandbox_identity_service(tmp_path):
    from sandbox.launch import start_for_app
    from web_app import create_app

    running, env = start_for_app({"APP_MODE": "multi_user", "TESTING": "1", "SECRET_KEY": "x" * 40}, port=0)
    try:
        settings = oauth_settings(env["SANDBOX_URL"])
        assert env["JIRA_OAUTH_CLIENT_ID"] == settings["JIRA_OAUTH_CLIENT_ID"]
        app = create_app({**env, "SESSION_TYPE": "cachelib", "INSTANCE_PATH": str(tmp_path), "WTF_CSRF_ENABLED": False,
                          "SESSION_CACHELIB": __import__("cachelib").SimpleCache()})
        assert app_state(app).strategy.mode == "multi_user"
        location = app.test_client().post("/login/start", data={"next": "/"}).headers["Location"]
        assert location.startswith(f"{env['SANDBOX_URL']}/authorize?")
        answer = requests.get(location + "&login_hint=bob&sandbox_auto_approve=1", allow_redirects=False, timeout=10)
        assert answer.headers["Location"].startswith("http://localhost:5000/auth/callback?code=")
    finally:
        running.stop()


def test_own_comments_offer_edit_and_delete_from_the_first_visit(sandbox, tmp_path):
    """The signed-in person's account id is known since sign-in: no extra call to Jira for it."""
    app = make_oauth_app(tmp_path, sandbox.url)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, "alice", site="acme")
    posted = alice.post("/issues/OPS-2/comments", data={**comment_form(alice, "OPS-2"), "body": "Alice was here"})
    comment_id = posted.headers["Location"].rsplit("comment-", 1)[1]
    sign_in(bob, "bob")

    for client, offered in ((alice, True), (bob, False)):
        app.extensions.pop("viewer_accounts", None)  # nothing learned from earlier writes
        reset_stats(sandbox)
        page = client.get("/issues/OPS-2?comments=last").get_data(as_text=True)
        assert (f"/issues/OPS-2/comments/{comment_id}/edit" in page) is offered
        assert call_count(sandbox) == 1
