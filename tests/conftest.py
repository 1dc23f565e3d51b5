"""Fixtures shared by the whole suite: the app, HTTP stubs, a live sandbox, recorded fixtures."""

from __future__ import annotations

import json
import os
import re
from html import unescape
from pathlib import Path

import pytest
import responses
from cachelib import SimpleCache

from web_app import create_app

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "jira-fixtures"
IN_CI = os.environ.get("CI") == "true"

TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "SESSION_TYPE": "cachelib",
    "WTF_CSRF_ENABLED": False,
    "APP_MODE": "single_user",
    "JIRA_BASE_URL": "https://jira.test",
    "JIRA_EMAIL": "robot@example.test",
    "JIRA_API_TOKEN": "test-api-token-9f8e7d",
    "JIRA_RETRY_BACKOFF": 0,
}


def shared_path(*parts: str) -> Path:
    """Return a path in ../shared/jira-fixtures; skip the test when it is absent (fail in CI)."""
    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing: CI must run the conformance tests")
        pytest.skip(f"recorded fixtures not found at {SHARED_FIXTURES}")
    return path


def shared_fixture(*parts: str):
    """Return a recorded fixture's parsed JSON; skip (fail in CI) when ../shared is absent."""
    return json.loads(shared_path(*parts).read_text())


def recorded_body(name: str):
    """Return the response body of a Nango recording in responses/nango-cloud-2026-04/."""
    return shared_fixture("responses", "nango-cloud-2026-04", name)["body"]


def form_token(html: str, action: str) -> str:
    """Return the one-time token of the form that posts to ``action`` in ``html``."""
    pattern = r'action="%s"[^>]*>.*?name="once" value="([^"]+)"' % re.escape(action.replace("&", "&amp;"))
    found = re.search(pattern, html, re.S)
    assert found, f"no form posting to {action}"
    return unescape(found.group(1))


def once_token(app, action: str) -> str:
    """Return a fresh one-time token for a form posting to ``action`` (as its page would)."""
    from jira_client.web.forms import once

    with app.test_request_context("/"):
        return once.token(action)


def comment_form(client, key: str) -> dict:
    """Open an issue page and return the add-comment form's hidden fields (its one-time token)."""
    html = client.get(f"/issues/{key}").get_data(as_text=True)
    return {"once": form_token(html, f"/issues/{key}/comments")}


def make_app(tmp_path, **overrides):
    """Return an app with the test settings plus ``overrides``, sessions in memory."""
    settings = {**TEST_SETTINGS, "SESSION_CACHELIB": SimpleCache(), "INSTANCE_PATH": str(tmp_path)}
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def jira_http():
    """Stubbed HTTP: unregistered calls fail, unused stubs fail the test."""
    with responses.RequestsMock() as mock:
        yield mock


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
    import requests

    requests.post(f"{sandbox_server.url}/_sandbox/reset", timeout=10).raise_for_status()
    return sandbox_server
