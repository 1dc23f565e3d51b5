"""The sandbox controller: every test starts, resets, faults, configures and reads the sandbox through these.

A ``sandbox`` argument is a live sandbox (anything with a ``url``, or the URL itself), or, for the
sandbox's own in-process tests, a Flask test client of a sandbox app. The ``/_sandbox`` API is
described in DESIGN.md ("The sandbox contract"). Besides it, the functions here read and change
Jira resources as the sandbox's admin, outside the app under test (what a colleague would see or
do; ``admin_download`` fetches an attachment's bytes), and give the auth headers of the sandbox's
directory users.

Fixtures (a plugin module): ``sandbox_server`` (one live sandbox for the whole run) and
``sandbox`` (that sandbox, restored to its seed with counters at zero).
"""

from __future__ import annotations

import base64

import pytest
import requests
from flask.testing import FlaskClient

from sandbox import directory

TIMEOUT = 10
HOME_SITE = directory.HOME_SITE_ID


def _url(sandbox) -> str:
    return sandbox if isinstance(sandbox, str) else sandbox.url


def _admin_api(sandbox, method: str, path: str, body: dict | None = None) -> dict:
    """Call ``/_sandbox{path}``; fail on an error status; return the JSON answer."""
    if isinstance(sandbox, FlaskClient):
        response = sandbox.open(f"/_sandbox{path}", method=method, json=body)
        assert response.status_code < 400, response.get_data(as_text=True)
        return response.get_json()
    # A connection of its own, closed at once: the sandbox's connection counter sees exactly one.
    response = requests.request(method, f"{_url(sandbox)}/_sandbox{path}", json=body, headers={"Connection": "close"},
                                timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


# --- the /_sandbox API ---------------------------------------------------------------------------

def sandbox_info(sandbox) -> dict:
    """Return ``/_sandbox/info``: the users (with API tokens), the sites, the OAuth client."""
    return _admin_api(sandbox, "GET", "/info")


def sandbox_user(sandbox, name: str) -> dict:
    """Return the sandbox user called ``name``."""
    return next(user for user in sandbox_info(sandbox)["users"] if user["name"] == name)


def sandbox_admin(sandbox) -> dict:
    """Return the sandbox user who serves single_user mode."""
    return next(user for user in sandbox_info(sandbox)["users"] if user["admin"])


def reset_sandbox(sandbox) -> None:
    """Restore the seed, clear the faults and zero the counters."""
    _admin_api(sandbox, "POST", "/reset")


def configure_sandbox(sandbox, **config) -> dict:
    """POST ``/_sandbox/config`` (e.g. ``redirect_uris=[...]``); return the configuration in effect."""
    return _admin_api(sandbox, "POST", "/config", config)


def set_faults(sandbox, *faults, **actions) -> None:
    """Replace the fault list with ``faults`` (none: clear it), and take one-off ``actions`` at once."""
    _admin_api(sandbox, "POST", "/faults", {"faults": list(faults), **actions})


def sandbox_fault(sandbox, **actions) -> None:
    """Take one-off actions, keeping the fault list (e.g. ``expire_access_tokens=True``, ``revoke_grant="alice"``)."""
    _admin_api(sandbox, "POST", "/faults", actions)


def sandbox_stats(sandbox) -> dict:
    """Return the sandbox's counters: requests, oauth, connections."""
    return _admin_api(sandbox, "GET", "/stats")


def reset_stats(sandbox) -> None:
    """Zero the sandbox's counters."""
    _admin_api(sandbox, "POST", "/stats/reset")


def jira_calls(sandbox) -> list[dict]:
    """Return the sandbox's request counters (Jira and identity calls, not /_sandbox ones)."""
    return sandbox_stats(sandbox)["requests"]


def call_count(sandbox) -> int:
    """Return how many Jira and identity calls the sandbox answered."""
    return sum(row["count"] for row in jira_calls(sandbox))


def oauth_stats(sandbox) -> dict:
    """Return the sandbox's OAuth counters: grants, refreshes, reuse_rejections."""
    return sandbox_stats(sandbox)["oauth"]


def token_calls(sandbox) -> int:
    """Return how many requests reached the sandbox's token endpoint."""
    return sum(row["count"] for row in jira_calls(sandbox) if row["path"] == "/oauth/token")


def writes(sandbox, method: str, suffix: str) -> int:
    """Return how many ``method`` calls reached a Jira path ending with ``suffix`` (site or gateway)."""
    return sum(r["count"] for r in jira_calls(sandbox) if r["method"] == method and r["path"].endswith(suffix))


# --- Jira as the sandbox's admin (outside the app under test) ------------------------------------

def _admin_auth(sandbox) -> tuple[str, str]:
    admin = sandbox_admin(sandbox)
    return admin["email"], admin["api_token"]


def admin_get(sandbox, path: str, **params):
    """Return a Jira resource as the sandbox's admin sees it (outside the app)."""
    response = requests.get(f"{sandbox.url}/rest/api/3/{path}", params=params, auth=_admin_auth(sandbox), timeout=5)
    response.raise_for_status()
    return response.json()


def admin_put(sandbox, path: str, body: dict) -> None:
    """Change a Jira resource as the sandbox's admin (a colleague's edit)."""
    requests.put(f"{sandbox.url}/rest/api/3/{path}", json=body, auth=_admin_auth(sandbox), timeout=5).raise_for_status()


def titled(sandbox, project: str, summary: str) -> list[str]:
    """Return the keys of the project's issues whose summary is exactly ``summary``."""
    auth = _admin_auth(sandbox)
    found, body = [], {"jql": f"project = {project}", "maxResults": 100, "fields": ["summary"]}
    while True:
        answer = requests.post(f"{sandbox.url}/rest/api/3/search/jql", json=body, auth=auth, timeout=10).json()
        found += [i["key"] for i in answer["issues"] if i["fields"]["summary"] == summary]
        if not answer.get("nextPageToken"):
            return found
        body["nextPageToken"] = answer["nextPageToken"]


def admin_download(sandbox, attachment_id: str) -> bytes:
    """Return an attachment's bytes as the sandbox's admin gets them (requests follows the media redirect, without credentials)."""
    response = requests.get(f"{sandbox.url}/rest/api/3/attachment/content/{attachment_id}", auth=_admin_auth(sandbox), timeout=10)
    response.raise_for_status()
    return response.content


def media_stats(sandbox) -> dict:
    """Return the media origin's counters: requests, with_authorization, with_cookie, bytes_sent."""
    return sandbox_stats(sandbox)["media"]


def configure_attachments(sandbox, **settings) -> dict:
    """POST ``/_sandbox/attachments`` (``enabled``, ``upload_limit`` in bytes); return the settings in effect."""
    return _admin_api(sandbox, "POST", "/attachments", settings)


# --- the directory's users, for in-process calls -------------------------------------------------

def basic_headers(name: str) -> dict:
    """Return basic-auth headers carrying the directory user's email and API token."""
    user = directory.user_by("name", name)
    raw = f"{user['email']}:{user['api_token']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def bearer_headers(token: str) -> dict:
    """Return headers carrying an OAuth access token."""
    return {"Authorization": f"Bearer {token}"}


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sandbox_server():
    """One live sandbox on a free loopback port for the whole run."""
    from sandbox.server import start_sandbox

    running = start_sandbox(host="127.0.0.1", port=0)
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server):
    """The live sandbox, restored to its seed and with counters at zero."""
    reset_sandbox(sandbox_server)
    return sandbox_server
