"""A token record ends with the session that holds it: the same expiry in the store, renewed together,
so a session that ends by idleness or its absolute limit, without a logout, leaves no refresh token behind."""

from __future__ import annotations

import time

import cachelib.file
import pytest

from jira_client import security
from jira_client.sessions import SessionFileCache
from jira_client.state import app_state
from tests.support.oauth import make_oauth_app, session_record, sign_in

IDLE_MINUTES = 30
LIFETIME = IDLE_MINUTES * 60


def _sid(client) -> str:
    return client.get_cookie("session").value


class Later:
    """Moves every clock that decides a lifetime (the file store's, the app's) forward together."""

    def __init__(self, monkeypatch, app) -> None:
        self.monkeypatch, self.app, self.offset = monkeypatch, app, 0.0

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        now = time.time() + self.offset
        self.monkeypatch.setattr(cachelib.file, "time", lambda: now)
        self.monkeypatch.setattr(security, "_now", lambda: int(now))
        self.monkeypatch.setattr(app_state(self.app).strategy, "clock", lambda: now, raising=False)


@pytest.fixture
def file_app(tmp_path, sandbox):
    cache = SessionFileCache(str(tmp_path / "sessions"), threshold=0, mode=0o600)
    return make_oauth_app(tmp_path, sandbox.url, SESSION_CACHELIB=cache, SESSION_IDLE_MINUTES=str(IDLE_MINUTES))


def test_in_the_file_store_a_record_expires_with_its_idle_session(file_app, monkeypatch):
    client = file_app.test_client()
    sign_in(client, "bob")
    record_id, _ = session_record(file_app, client)
    sid, store = _sid(client), app_state(file_app).token_store

    Later(monkeypatch, file_app).advance(LIFETIME + 5 * 60)  # nobody came back: no request ran the idle check

    assert file_app.config["SESSION_CACHELIB"].get(f"session:{sid}") is None
    assert store.load(record_id) is None


def test_in_the_file_store_a_used_session_keeps_its_record_alive(file_app, monkeypatch):
    client = file_app.test_client()
    sign_in(client, "bob")
    record_id, _ = session_record(file_app, client)
    later = Later(monkeypatch, file_app)

    for _ in range(4):  # two hours of use, never idle for long
        later.advance(LIFETIME - 60)
        assert client.get("/projects").status_code == 200
    assert app_state(file_app).token_store.load(record_id) is not None

    later.advance(LIFETIME + 5 * 60)
    assert app_state(file_app).token_store.load(record_id) is None


@pytest.mark.redis
def test_in_redis_the_record_expires_no_later_than_its_session_and_is_renewed_with_it(
        tmp_path, sandbox, redis_client, monkeypatch):
    prefix = redis_client.test_prefix
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_TYPE="redis", SESSION_REDIS=redis_client,
                         SESSION_KEY_PREFIX=prefix, SESSION_IDLE_MINUTES=str(IDLE_MINUTES))
    client = app.test_client()
    sign_in(client, "bob")
    record_id, _ = session_record(app, client)
    session_key, record_key = f"{prefix}{_sid(client)}", f"{prefix}tokens:{record_id}"

    assert 0 < redis_client.ttl(session_key) <= LIFETIME
    assert 0 < redis_client.ttl(record_key) <= redis_client.ttl(session_key) + 2 * 60

    redis_client.expire(record_key, 90)  # as if most of the idle time had passed
    Later(monkeypatch, app).advance(LIFETIME - 90)
    assert client.get("/projects").status_code == 200
    assert redis_client.ttl(record_key) > LIFETIME - 60  # renewed with the session


@pytest.mark.redis
def test_a_refresh_keeps_the_sessions_expiry_not_ninety_days(tmp_path, sandbox, redis_client):
    from tests.support.sandbox import sandbox_fault

    prefix = redis_client.test_prefix
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_TYPE="redis", SESSION_REDIS=redis_client, SESSION_KEY_PREFIX=prefix)
    client = app.test_client()
    sign_in(client, "bob")
    record_id, before = session_record(app, client)
    sandbox_fault(sandbox, expire_access_tokens=True)

    assert client.get("/projects").status_code == 200

    assert session_record(app, client)[1].version == before.version + 1
    assert 0 < redis_client.ttl(f"{prefix}tokens:{record_id}") <= LIFETIME + 2 * 60
