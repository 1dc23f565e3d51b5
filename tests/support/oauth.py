"""multi_user: an app whose Atlassian is the sandbox, signing in through it, and the token records it keeps.

Signing in drives the real flow: the app's ``/login/start`` redirect is followed with ``requests``
and the sandbox's ``login_hint=<user>&sandbox_auto_approve=1`` shortcut (no consent page), and the
callback URL the sandbox redirects to is handed back to the app's test client. Token records are
read and planted through the app's token store, never through the session.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import requests

from jira_client.state import app_state
from tests.support.apps import make_app
from tests.support.sandbox import sandbox_info

REDIRECT_URI = "http://localhost:5000/auth/callback"  # registered for the sandbox's client


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
        sites = sandbox_info(app_state(client.application).settings.atlassian_auth_url)["sites"]
        cloud_id = next(s["id"] for s in sites if s["name"] == site)
        response = client.post("/sites", data={"site": cloud_id, "next": next_path})
    return response


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
