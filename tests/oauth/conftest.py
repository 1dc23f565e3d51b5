"""Fixtures for multi_user tests: an app pointed at the live sandbox, and signing in through it.

Signing in drives the real flow: the app's ``/login/start`` redirect is followed with ``requests``
and the sandbox's ``login_hint=<user>&sandbox_auto_approve=1`` shortcut (no consent page), and the
callback URL the sandbox redirects to is handed back to the app's test client.
"""

from __future__ import annotations

import dataclasses

import os
import threading
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from tests.conftest import make_app
from jira_client.state import app_state

REDIRECT_URI = "http://localhost:5000/auth/callback"  # registered for the sandbox's client
IN_CI = os.environ.get("CI") == "true"


def oauth_settings(sandbox_url: str, **overrides) -> dict:
    """Return the settings of a multi_user app whose Atlassian is the sandbox."""
    return {
        "APP_MODE": "multi_user",
        "SECRET_KEY": "oauth-test-secret-key-0123456789abcdef",
        "JIRA_OAUTH_CLIENT_ID": "sandbox-client-id",
        "JIRA_OAUTH_CLIENT_SECRET": "sandbox-client-secret",
        "JIRA_OAUTH_REDIRECT_URI": REDIRECT_URI,
        "ATLASSIAN_AUTH_URL": sandbox_url,
        "ATLASSIAN_API_URL": sandbox_url,
        **overrides,
    }


def make_oauth_app(tmp_path, sandbox_url: str, **overrides):
    """Return a multi_user app against the sandbox (sessions in memory unless overridden)."""
    return make_app(tmp_path, **oauth_settings(sandbox_url, **overrides))


def authorize(location: str, user: str) -> str:
    """Follow an authorize redirect as ``user`` (auto-approved); return the callback path and query."""
    answer = requests.get(f"{location}&login_hint={user}&sandbox_auto_approve=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    callback = urlsplit(answer.headers["Location"])
    return f"{callback.path}?{callback.query}"


def start_sign_in(client, next_path: str = "/projects") -> str:
    """POST the sign-in button; return the authorize URL the app redirects to."""
    started = client.post("/login/start", data={"next": next_path})
    assert started.status_code == 302, started.data[:300]
    return started.headers["Location"]


def sign_in(client, user: str, next_path: str = "/projects", site: str | None = None):
    """Sign ``user`` in through the sandbox; choose ``site`` (by name) when asked; return the last response."""
    response = client.get(authorize(start_sign_in(client, next_path), user))
    if site is not None:
        assert response.status_code == 302 and "/sites" in response.headers["Location"]
        cloud_id = next(s["id"] for s in sandbox_info(client.application)["sites"] if s["name"] == site)
        response = client.post("/sites", data={"site": cloud_id, "next": next_path})
    return response


def sandbox_info(app) -> dict:
    """Return the sandbox's /_sandbox/info for the sandbox ``app`` points at."""
    base = app_state(app).settings.atlassian_auth_url
    return requests.get(f"{base}/_sandbox/info", timeout=10).json()


def oauth_stats(sandbox) -> dict:
    """Return the sandbox's OAuth counters."""
    return requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()["oauth"]


def token_calls(sandbox) -> int:
    """Return how many requests reached the sandbox's token endpoint."""
    rows = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()["requests"]
    return sum(row["count"] for row in rows if row["path"] == "/oauth/token")


def sandbox_fault(sandbox, **body) -> None:
    """POST to /_sandbox/faults (e.g. expire_access_tokens=True, revoke_grant="alice")."""
    requests.post(f"{sandbox.url}/_sandbox/faults", json=body, timeout=10).raise_for_status()


def session_record(app, client):
    """Return (record id, decrypted TokenRecord) of the client's signed-in session."""
    with client.session_transaction() as sess:
        record_id = sess["auth"]["record"]
    return record_id, app_state(app).token_store.load(record_id)


def rewrite_record(app, client, **changes) -> str:
    """Store the session's token record with ``changes`` as its next version; return the record id."""
    record_id, record = session_record(app, client)
    changed = dataclasses.replace(record, **changes, version=record.version + 1)
    assert app_state(app).token_store.replace(record_id, changed, record.version)
    return record_id


@pytest.fixture
def redis_client():
    """A Redis client on 127.0.0.1:6379 with a unique key prefix; keys are removed afterwards."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail("Redis at 127.0.0.1:6379 is required in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test-oauth-{uuid.uuid4().hex[:10]}:"
    client.test_prefix = prefix
    yield client
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


class LiveServer:
    """The app served by a threaded werkzeug server on a free loopback port."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server():
    """Start ``LiveServer``s for apps; stop them all afterwards."""
    started: list[LiveServer] = []

    def serve(app) -> LiveServer:
        started.append(LiveServer(app))
        return started[-1]

    yield serve
    for server in started:
        server.stop()
