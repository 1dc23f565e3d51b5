"""A page that changes nothing in the session does not write it back (a file-store write costs milliseconds)."""

from __future__ import annotations

import pytest
from cachelib import SimpleCache
from flask import session

from jira_client import security
from tests.support.apps import make_app
from tests.support.clock import FakeClock

START = 1_800_000_000


class CountingCache(SimpleCache):
    """An in-memory session store that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def set(self, key, value, timeout=None):
        self.writes += 1
        return super().set(key, value, timeout)


@pytest.fixture
def clock(monkeypatch):
    clock = FakeClock(START)
    monkeypatch.setattr(security, "_now", clock)
    return clock


@pytest.fixture
def store():
    return CountingCache()


@pytest.fixture
def client(tmp_path, store):
    app = make_app(tmp_path, SESSION_CACHELIB=store)

    @app.get("/_remember")
    def remember():
        session["note"] = "kept"  # an assignment marks the session changed, even to the same value
        return "ok"

    @app.get("/_read")
    def read():
        return {"note": session.get("note"), "last_seen": session.get("last_seen")}

    return app.test_client()


def test_reading_a_session_does_not_write_it_or_resend_its_cookie(client, store, clock):
    client.get("/_remember")
    writes = store.writes
    clock.now += 59
    response = client.get("/_read")

    assert response.json == {"note": "kept", "last_seen": START}
    assert store.writes == writes and "Set-Cookie" not in response.headers


def test_last_seen_is_renewed_once_a_minute_with_the_cookie(client, store, clock):
    client.get("/_remember")
    writes = store.writes
    clock.now += security.LAST_SEEN_EVERY
    response = client.get("/_read")

    assert store.writes == writes + 1 and "Set-Cookie" in response.headers
    assert client.get("/_read").json["last_seen"] == START + security.LAST_SEEN_EVERY


def test_a_changed_session_is_written_at_once(client, store, clock):
    client.get("/_read")
    client.get("/_remember")
    writes = store.writes
    clock.now += 1
    client.get("/_remember")

    assert store.writes == writes + 1
    assert client.get("/_read").json == {"note": "kept", "last_seen": START}
