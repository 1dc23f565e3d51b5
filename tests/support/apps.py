"""The app under test: built with the test settings, pointed at stubbed HTTP or at the live sandbox, served on a port.

Fixtures (a plugin module): ``app`` and ``client`` (single_user against ``https://jira.test``),
``jira_http`` (stubbed HTTP), ``serve`` (an app on a free loopback port, for browsers and real
HTTP clients).
"""

from __future__ import annotations

import threading

import pytest
import responses
from cachelib import SimpleCache
from werkzeug.serving import make_server

from tests.support.sandbox import sandbox_user
from web_app import create_app

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
    "JIRA_CACHE_SECONDS": 0,  # every view asks Jira; tests of the per-person cache turn it on (tests/quota)
}


def make_app(tmp_path, **overrides):
    """Return an app with the test settings plus ``overrides``, sessions in memory."""
    settings = {**TEST_SETTINGS, "SESSION_CACHELIB": SimpleCache(), "INSTANCE_PATH": str(tmp_path)}
    settings.update(overrides)
    return create_app(settings)


def single_user_app(sandbox, tmp_path, user: str = "admin", **overrides):
    """Return a single_user app acting as ``user`` of the live sandbox (with that user's API token)."""
    person = sandbox_user(sandbox, user)
    return make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=person["email"], JIRA_API_TOKEN=person["api_token"],
                    **overrides)


class LiveServer:
    """An app served by a threaded werkzeug server on a loopback port (a free one by default)."""

    def __init__(self, app, port: int = 0) -> None:
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving, close the socket and wait for the serving thread to end."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


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


@pytest.fixture
def serve():
    """Return a function that serves an app (on ``port``, or a free one) and gives its URL; stopped after the test."""
    servers: list[LiveServer] = []

    def start(app, port: int = 0) -> str:
        servers.append(LiveServer(app, port))
        return servers[-1].url

    yield start
    for server in servers:
        server.stop()
