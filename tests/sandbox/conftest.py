"""Fixtures for the sandbox's own tests: a fresh sandbox app, its test client, a fake clock, a live sandbox of the test's own.

``api`` runs a test once per way of reaching Jira: site style with basic auth, gateway style with
basic auth (scoped API tokens) and gateway style with an OAuth bearer token (from a fake
identity service, so these tests do not depend on the OAuth flow).
"""

import secrets

import pytest

from sandbox import directory, start_sandbox
from sandbox.app import create_sandbox_app
from tests.support.clock import FakeClock
from tests.support.sandbox import HOME_SITE, basic_headers, bearer_headers

ALL_SCOPES = frozenset({"read:jira-work", "write:jira-work", "read:jira-user", "offline_access"})


class FakeIdentity:
    """Stands in for sandbox.identity.Identity: bearer tokens handed out by ``token_for``."""

    def __init__(self) -> None:
        self.tokens: dict[str, tuple[dict, frozenset[str]]] = {}

    def token_for(self, name: str, scopes=ALL_SCOPES) -> str:
        """Return a new access token for the user with ``scopes``."""
        token = secrets.token_urlsafe(16)
        self.tokens[token] = (directory.user_by("name", name), frozenset(scopes))
        return token

    def authenticate_bearer(self, token: str):
        """Return (user, scopes) for a known token, else None."""
        return self.tokens.get(token)


class Api:
    """Calls the sandbox's Jira REST v3 in one style as a named directory user."""

    def __init__(self, client, style: str, identity: FakeIdentity) -> None:
        self.client, self.style, self.identity = client, style, identity

    def url(self, path: str, cloud_id: str = HOME_SITE) -> str:
        """Return the URL of ``path`` (relative to rest/api/3/) in this style."""
        prefix = "/rest/api/3/" if self.style == "site" else f"/ex/jira/{cloud_id}/rest/api/3/"
        return prefix + path.lstrip("/")

    def headers(self, user: str) -> dict:
        """Return the auth headers of ``user`` in this style."""
        if self.style == "gateway-bearer":
            return bearer_headers(self.identity.token_for(user))
        return basic_headers(user)

    def call(self, method: str, path: str, user: str = "alice", **kwargs):
        """Send a request as ``user`` and return the response."""
        return self.client.open(self.url(path), method=method, headers=self.headers(user), **kwargs)

    def get(self, path: str, user: str = "alice", **kwargs):
        """GET ``path`` as ``user``."""
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: str = "alice", **kwargs):
        """POST ``path`` as ``user``."""
        return self.call("POST", path, user, **kwargs)

    def put(self, path: str, user: str = "alice", **kwargs):
        """PUT ``path`` as ``user``."""
        return self.call("PUT", path, user, **kwargs)

    def delete(self, path: str, user: str = "alice", **kwargs):
        """DELETE ``path`` as ``user``."""
        return self.call("DELETE", path, user, **kwargs)


@pytest.fixture
def sandbox_app():
    """A freshly seeded sandbox app."""
    app = create_sandbox_app()
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(sandbox_app):
    """The sandbox app's test client."""
    return sandbox_app.test_client()


@pytest.fixture
def world(sandbox_app):
    """The sandbox app's World."""
    return sandbox_app.extensions["sandbox_world"]


@pytest.fixture
def fake_identity(sandbox_app):
    """A FakeIdentity installed in place of the app's identity service."""
    fake = FakeIdentity()
    sandbox_app.extensions["sandbox_identity"] = fake
    return fake


@pytest.fixture(params=["site", "gateway-basic", "gateway-bearer"])
def api(request, client, fake_identity):
    """An Api in each style: site/basic, gateway/basic and gateway/bearer."""
    return Api(client, request.param, fake_identity)


@pytest.fixture
def clock():
    """A FakeClock for the identity service's token lifetimes."""
    return FakeClock()


@pytest.fixture
def live():
    """A sandbox of this test's own, serving on a free loopback port; stopped after the test."""
    with start_sandbox() as sandbox:
        yield sandbox
