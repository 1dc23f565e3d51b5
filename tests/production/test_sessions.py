"""Session lifetimes enforced on the server, the body size limit, and the Redis connection options."""

from __future__ import annotations

import time

import pytest
from flask import session
from redis.connection import SSLConnection

from jira_client import security
from jira_client.sessions import redis_client
from tests.support.apps import make_app
from tests.support.clock import FakeClock
from tests.support.redis_servers import quick_redis

START = 1_800_000_000


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock for the session limits: set ``clock.now``."""
    clock = FakeClock(START)
    monkeypatch.setattr(security, "_now", clock)
    return clock


def session_app(tmp_path, **overrides):
    """Return a test app whose /_remember writes the session and /_recall reads it."""
    app = make_app(tmp_path, SESSION_IDLE_MINUTES="30", SESSION_MAX_HOURS="12", **overrides)

    @app.get("/_remember")
    def remember():
        session["note"] = "kept"
        return "ok"

    @app.get("/_recall")
    def recall():
        return {"note": session.get("note"), "auth_time": session.get("auth_time"), "last_seen": session.get("last_seen")}

    return app


def test_a_session_records_when_it_began_and_was_last_used_as_ints(tmp_path, clock):
    client = session_app(tmp_path).test_client()
    client.get("/_remember")
    clock.now = START + 60

    assert client.get("/_recall").json == {"note": "kept", "auth_time": START, "last_seen": START}
    assert client.get("/_recall").json["last_seen"] == START + 60


def test_a_session_idle_past_the_limit_is_cleared(tmp_path, clock):
    client = session_app(tmp_path).test_client()
    client.get("/_remember")
    clock.now = START + 29 * 60
    assert client.get("/_recall").json["note"] == "kept"

    clock.now += 30 * 60 + 1
    assert client.get("/_recall").json["note"] is None


def test_a_session_used_all_along_still_ends_at_the_absolute_limit(tmp_path, clock):
    client = session_app(tmp_path).test_client()
    client.get("/_remember")
    while clock.now < START + 12 * 3600:
        assert client.get("/_recall").json["note"] == "kept"
        clock.now += 25 * 60

    assert client.get("/_recall").json["note"] is None


@pytest.mark.redis
def test_the_store_expiry_is_the_idle_limit(tmp_path, machine_redis, key_prefix):
    app = session_app(tmp_path, SESSION_TYPE=None, REDIS_URL=machine_redis, SESSION_KEY_PREFIX=key_prefix)
    app.test_client().get("/_remember")
    keys = list(quick_redis(machine_redis).scan_iter(f"{key_prefix}*"))

    assert len(keys) == 1
    assert 0 < quick_redis(machine_redis).ttl(keys[0]) <= 30 * 60


def test_a_body_over_max_content_length_gets_a_clear_413_page(tmp_path):
    client = make_app(tmp_path, MAX_CONTENT_LENGTH="4096").test_client()
    response = client.post("/issues/ACME-1/comments", data={"body": "x" * 5000})

    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_the_default_body_limit_is_one_megabyte(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


@pytest.mark.parametrize(("verify", "cert_reqs"), [(True, "required"), (False, "none")])
def test_rediss_urls_use_tls_and_check_the_certificate_unless_told_not_to(verify, cert_reqs):
    client = redis_client("rediss://:secret@redis.example.test:6380/0", tls_verify=verify)
    options = client.connection_pool.connection_kwargs

    assert client.connection_pool.connection_class is SSLConnection
    assert (options["ssl_cert_reqs"], options["ssl_check_hostname"]) == (cert_reqs, verify)


def test_plain_redis_urls_and_every_client_fail_fast():
    options = redis_client("redis://127.0.0.1:6379/2").connection_pool.connection_kwargs

    assert "ssl_cert_reqs" not in options
    assert options["socket_timeout"] <= 2 and options["socket_connect_timeout"] <= 2
    assert options["retry"].get_retries() <= 1


def test_redis_tls_verify_reaches_the_session_client(tmp_path):
    app = make_app(tmp_path, SESSION_TYPE=None, REDIS_URL="rediss://redis.example.test:6380", REDIS_TLS_VERIFY="false")
    options = app.config["SESSION_REDIS"].connection_pool.connection_kwargs

    assert options["ssl_cert_reqs"] == "none"


def _slow_request_finishing_after_logout(app) -> tuple[object, str]:
    """Run the end of a request whose session another request deleted meanwhile; return (response, sid)."""
    client = app.test_client()
    client.get("/_remember")
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    sid = client.get_cookie(cookie_name).value
    interface = app.session_interface
    with app.test_request_context("/_remember", headers={"Cookie": f"{cookie_name}={sid}"}) as context:
        slow = interface.open_session(app, context.request)  # the slow request read the session...
        assert slow["note"] == "kept"
        interface.inner._delete_session(interface.inner._get_store_id(sid))  # ...a logout deleted it...
        slow["admin_session"] = {"since": 1}  # ...and the slow one changed and saves it
        response = app.response_class("ok")
        interface.save_session(app, slow, response)
    return response, sid


def test_a_request_ending_after_logout_does_not_bring_the_session_back(tmp_path):
    app = session_app(tmp_path)
    response, sid = _slow_request_finishing_after_logout(app)
    assert "Set-Cookie" not in response.headers
    assert not app.session_interface.inner.cache.has(app.session_interface.inner._get_store_id(sid))


@pytest.mark.redis
def test_a_request_ending_after_logout_does_not_bring_the_session_back_in_redis(tmp_path, machine_redis, key_prefix):
    app = session_app(tmp_path, SESSION_TYPE=None, REDIS_URL=machine_redis, SESSION_KEY_PREFIX=key_prefix)
    response, sid = _slow_request_finishing_after_logout(app)
    assert "Set-Cookie" not in response.headers
    assert not list(quick_redis(machine_redis).scan_iter(f"{key_prefix}*"))


def test_an_ordinary_request_still_saves_its_session(tmp_path):
    client = session_app(tmp_path).test_client()
    client.get("/_remember")
    assert client.get("/_recall").json["note"] == "kept"


def test_the_file_store_never_evicts_live_sessions_to_make_room(tmp_path):
    """A size threshold would let a flood of anonymous /login visits evict everyone's sessions."""
    from jira_client.sessions import SessionFileCache

    app = make_app(tmp_path, SESSION_TYPE=None, SESSION_CACHELIB=None)
    cache = app.config["SESSION_CACHELIB"]
    assert isinstance(cache, SessionFileCache) and cache._threshold == 0


def test_the_file_store_sweeps_what_has_expired(tmp_path, monkeypatch):
    from jira_client.sessions import SessionFileCache

    cache = SessionFileCache(str(tmp_path / "sessions"), threshold=0)
    cache.set("session:old", {"x": 1}, timeout=1)
    monkeypatch.setattr(time, "time", lambda: START + 10**6)
    monkeypatch.setattr(SessionFileCache, "SWEEP_EVERY", 1)
    cache.set("session:new", {"x": 2}, timeout=0)
    assert sorted(p.name for p in (tmp_path / "sessions").iterdir() if not p.name.startswith("__")) == [cache._get_filename("session:new").rsplit("/", 1)[1]]
