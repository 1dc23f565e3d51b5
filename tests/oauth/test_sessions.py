"""Session handling: a new session id at sign-in, CSRF-protected logout that leaves the old
cookie anonymous, no resurrection by a request still in flight, and safe ``next`` values."""

from __future__ import annotations

import pytest

from jira_client.auth.session_data import safe_next
from jira_client.state import app_state
from tests.support.oauth import authorize, make_oauth_app, rewrite_record, session_record, sign_in, start_sign_in

COOKIE = "session"


def _sid(client) -> str:
    return client.get_cookie(COOKIE).value


def _anonymous(app, sid: str) -> bool:
    stranger = app.test_client()
    stranger.set_cookie(COOKIE, sid)
    return stranger.get("/projects").status_code == 302


def test_sign_in_gives_a_new_session_id_and_the_old_one_is_gone(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    start_sign_in(client)
    before = _sid(client)
    sign_in(client, "bob")
    after = _sid(client)
    assert after != before
    assert app.config["SESSION_CACHELIB"].get(f"session:{before}") is None
    assert _anonymous(app, before) and not _anonymous(app, after)


def test_an_attacker_chosen_session_id_is_not_adopted(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    client.set_cookie(COOKIE, "attacker-chosen-value")
    sign_in(client, "bob")
    assert _sid(client) != "attacker-chosen-value"
    assert app.config["SESSION_CACHELIB"].get("session:attacker-chosen-value") is None


def test_logout_deletes_session_and_tokens_and_the_old_cookie_is_anonymous(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    sid = _sid(client)
    record_id, _ = session_record(app, client)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert app_state(app).token_store.load(record_id) is None
    assert app.config["SESSION_CACHELIB"].get(f"session:{sid}") is None
    assert _anonymous(app, sid)
    assert b"You are signed out" in client.get(response.headers["Location"]).data


def test_logout_needs_the_csrf_token(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    callback_start = client.post("/login/start", data={"next": "/projects", "csrf_token": token})
    assert callback_start.status_code == 302
    assert client.get(authorize(callback_start.headers["Location"], "bob")).status_code == 302
    assert client.post("/logout").status_code == 400
    signed_in_page = client.get("/projects").get_data(as_text=True)
    fresh = signed_in_page.split('name="csrf_token" value="')[1].split('"')[0]
    assert fresh != token  # the CSRF token is renewed at sign-in
    assert client.post("/logout", data={"csrf_token": fresh}).status_code == 302
    assert client.get("/projects").status_code == 302


def test_a_request_in_flight_during_logout_cannot_resurrect_the_sign_in(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    sid = _sid(client)
    cache, store = app.config["SESSION_CACHELIB"], app_state(app).token_store
    in_flight_session = cache.get(f"session:{sid}")  # what a slow request loaded before logout
    record_id, in_flight_record = session_record(app, client)
    client.post("/logout")
    # The slow request now finishes: it writes its session back, and tries to store a refreshed pair.
    cache.set(f"session:{sid}", in_flight_session)
    assert not store.replace(record_id, in_flight_record.rotated({"access_token": "new"}, 0), in_flight_record.version)
    assert store.load(record_id) is None
    assert _anonymous(app, sid)


BAD_NEXT = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
    "http:/evil.example", "javascript:alert(1)", "evil.example", "/\tevil", "/\r\nLocation: x", "/%0d%0a", "/%2F%2Fevil.example", "/%5Cevil.example",
    " /projects", "//evil.example/%2F..", "/login?next=//evil.example", "/auth/callback?code=x", "",
    "data:text/html,x", "/\x00", "/" + "a" * 3000,
]


@pytest.mark.parametrize("value", BAD_NEXT)
def test_next_rejects_anything_but_a_relative_path_here(value):
    assert safe_next(value) == "/"


@pytest.mark.parametrize("value", ["/projects", "/projects/ACME?page=2", "/search?jql=project%20%3D%20OPS", "/issues/OPS-1", "/"])
def test_next_keeps_relative_paths(value):
    assert safe_next(value) == value


@pytest.mark.parametrize("value", ["//evil.example", "/\\evil.example", "https://evil.example/x"])
def test_after_sign_in_a_bad_next_goes_home(tmp_path, sandbox, value):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    assert sign_in(client, "bob", next_path=value).headers["Location"] == "/"


def test_the_login_page_never_echoes_a_bad_next(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    page = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in page and 'name="next" value="/"' in page


def test_a_token_store_hiccup_is_a_503_page_not_a_500(tmp_path, sandbox, monkeypatch):
    import redis

    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")

    def unreachable(record_id):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(app_state(app).token_store, "load", unreachable)
    response = client.get("/projects")
    assert response.status_code == 503 and b"session store" in response.data


def test_a_record_without_a_refresh_token_ends_the_sign_in_cleanly(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    record_id = rewrite_record(app, client, refresh_token="", expires_at=0)
    response = client.get("/projects")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert app_state(app).token_store.load(record_id) is None


def test_an_idle_timeout_deletes_the_token_record_too(tmp_path, sandbox, monkeypatch):
    from jira_client import security

    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    record_id, _ = session_record(app, client)
    later = security._now() + 31 * 60
    monkeypatch.setattr(security, "_now", lambda: later)
    assert client.get("/projects").status_code == 302
    assert app_state(app).token_store.load(record_id) is None
