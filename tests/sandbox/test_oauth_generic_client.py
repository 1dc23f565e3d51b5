"""Generic OAuth 2.0 client libraries run the whole 3LO flow against a live sandbox identity service."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from authlib.integrations.requests_client import OAuthError
from flask import Flask
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from requests_oauthlib import OAuth2Session as OAuthlibSession

from sandbox import directory, identity

CLIENT_ID = directory.OAUTH_CLIENT["client_id"]
CLIENT_SECRET = directory.OAUTH_CLIENT["client_secret"]
REDIRECT_URI = directory.OAUTH_CLIENT["redirect_uris"][0]
SCOPE = "read:jira-user read:jira-work write:jira-work offline_access read:me"


class ConsentForm(HTMLParser):
    """Collects the consent page's form action, hidden fields and selectable users."""

    def __init__(self) -> None:
        super().__init__()
        self.action, self.hidden, self.users = None, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = attrs["action"]
        elif tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") == "radio":
            self.users.append(attrs["value"])


@pytest.fixture
def sandbox_url(clock, monkeypatch, serve):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback
    app = Flask(__name__)
    app.extensions["sandbox_identity"] = identity.Identity({}, clock=clock)
    app.register_blueprint(identity.bp)
    return serve(app)


def consent(authorization_url: str, user: str) -> str:
    """Return the callback URL after ``user`` accepts on the consent page, as a browser would."""
    with requests.Session() as browser:
        page = browser.get(authorization_url, timeout=5)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        form = ConsentForm()
        form.feed(page.text)
        assert user in form.users
        answer = browser.post(
            urljoin(page.url, form.action),
            data={**form.hidden, "user": user, "decision": "approve"},
            allow_redirects=False,
            timeout=5,
        )
    assert answer.status_code == 302
    return answer.headers["Location"]


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_authlib_code_grant_refresh_and_reuse_rejection(sandbox_url, clock, auth_method):
    token_url = f"{sandbox_url}/oauth/token"
    session = AuthlibSession(CLIENT_ID, CLIENT_SECRET, scope=SCOPE, redirect_uri=REDIRECT_URI, token_endpoint_auth_method=auth_method)
    url, state = session.create_authorization_url(f"{sandbox_url}/authorize", audience="api.atlassian.com", prompt="consent")
    callback = consent(url, "alice")
    assert callback.startswith(REDIRECT_URI + "?")

    first = session.fetch_token(token_url, authorization_response=callback, state=state)
    assert first["token_type"] == "Bearer" and first["scope"] == SCOPE and first["refresh_token"]
    assert session.get(f"{sandbox_url}/me", timeout=5).json()["email"] == "alice@sandbox.test"
    sites = session.get(f"{sandbox_url}/oauth/token/accessible-resources", timeout=5).json()
    assert {site["id"] for site in sites} == set(directory.SITE_IDS)

    second = session.refresh_token(token_url, refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert session.get(f"{sandbox_url}/me", timeout=5).status_code == 200

    clock.advance(601)
    with pytest.raises(OAuthError) as reused:
        session.refresh_token(token_url, refresh_token=first["refresh_token"])
    assert reused.value.error == "invalid_grant"
    with pytest.raises(OAuthError) as newest:
        session.refresh_token(token_url, refresh_token=second["refresh_token"])
    assert newest.value.error == "invalid_grant"
    assert session.get(f"{sandbox_url}/me", timeout=5).status_code == 401


def test_requests_oauthlib_code_grant_and_refresh_with_auth_in_body(sandbox_url, clock):
    token_url = f"{sandbox_url}/oauth/token"
    session = OAuthlibSession(CLIENT_ID, redirect_uri=REDIRECT_URI, scope=SCOPE.split())
    url, _state = session.authorization_url(f"{sandbox_url}/authorize", audience="api.atlassian.com", prompt="consent")
    callback = consent(url, "bob")

    first = session.fetch_token(token_url, authorization_response=callback, client_secret=CLIENT_SECRET, include_client_id=True)
    assert first["refresh_token"] and first["expires_in"] == 3600
    assert session.get(f"{sandbox_url}/me", timeout=5).json()["nickname"] == "bob"

    second = session.refresh_token(token_url, refresh_token=first["refresh_token"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert second["refresh_token"] != first["refresh_token"]
    assert session.get(f"{sandbox_url}/oauth/token/accessible-resources", timeout=5).json()[0]["id"] == directory.SITE_IDS[0]

    clock.advance(601)
    with pytest.raises(InvalidGrantError):
        session.refresh_token(token_url, refresh_token=first["refresh_token"], client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
