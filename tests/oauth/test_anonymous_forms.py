"""Visiting /login (or the /setup gate) stores no session; their forms still need a token of this browser."""

from __future__ import annotations

import re

import pytest

from tests.support.oauth import make_oauth_app
from tests.support.redis_servers import quick_redis

ADMIN_TOKEN = "emergency-admin-token-0123456789abcdef"
VISITS = 20


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith(("session=", "__Host-session="))]


@pytest.mark.redis
@pytest.mark.parametrize("page", ["/login", "/login?next=/projects/OPS", "/setup", "/projects"])
def test_anonymous_visits_store_no_session(tmp_path, sandbox, machine_redis, key_prefix, page):
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_TYPE=None, REDIS_URL=machine_redis, SESSION_KEY_PREFIX=key_prefix,
                         ADMIN_TOKEN=ADMIN_TOKEN, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL="a@example.test",
                         JIRA_API_TOKEN="shared-token")
    for _ in range(VISITS):
        response = app.test_client().get(page)
        assert response.status_code in (200, 302) and not _session_cookies(response)

    assert list(quick_redis(machine_redis).scan_iter(f"{key_prefix}*")) == []


def test_the_file_store_keeps_no_session_for_a_login_visit_either(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_TYPE=None, SESSION_CACHELIB=None)
    for _ in range(VISITS):
        app.test_client().get("/login")

    assert list((tmp_path / "sessions").iterdir()) == []


def test_the_sign_in_button_needs_this_browsers_token(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url, WTF_CSRF_ENABLED=True)
    browser, other = app.test_client(), app.test_client()
    token = _token(browser.get("/login").get_data(as_text=True))
    other_token = _token(other.get("/login").get_data(as_text=True))

    assert browser.post("/login/start", data={"next": "/"}).status_code == 400  # no token
    assert browser.post("/login/start", data={"next": "/", "csrf_token": "forged"}).status_code == 400
    assert browser.post("/login/start", data={"next": "/", "csrf_token": other_token}).status_code == 400
    assert app.test_client().post("/login/start", data={"next": "/", "csrf_token": token}).status_code == 400  # no cookie
    started = browser.post("/login/start", data={"next": "/", "csrf_token": token})
    assert started.status_code == 302 and started.headers["Location"].startswith(f"{sandbox.url}/authorize")
    assert _session_cookies(started)  # now there is something to keep: the sign-in's state


def test_the_form_cookie_is_httponly_lax_and_host_prefixed_under_https(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url, FORCE_HTTPS="true")
    response = app.test_client().get("/login", base_url="https://localhost")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "form_nonce=" in c)

    assert cookie.startswith("__Host-form_nonce=")
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"))
    assert "Domain" not in cookie


def test_the_setup_gate_needs_this_browsers_token_too(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url, WTF_CSRF_ENABLED=True, ADMIN_TOKEN=ADMIN_TOKEN, JIRA_BASE_URL=sandbox.url,
                         JIRA_EMAIL="a@example.test", JIRA_API_TOKEN="shared-token")
    browser = app.test_client()
    token = _token(browser.get("/setup").get_data(as_text=True))

    assert browser.post("/setup", data={"admin_token": ADMIN_TOKEN}).status_code == 400
    assert app.test_client().post("/setup", data={"admin_token": ADMIN_TOKEN, "csrf_token": token}).status_code == 400
    assert browser.post("/setup", data={"admin_token": ADMIN_TOKEN, "csrf_token": token}).status_code == 302
