"""Talking to Atlassian's identity service: the token endpoint, the site list, bearer auth.

The token endpoint gets the client credentials in the body as JSON (``client_secret_json``):
Atlassian documents a JSON body for ``/oauth/token`` and leaves form encoding undocumented, so
JSON is the format that is promised to keep working. Every token-endpoint answer is checked
(status 200, a JSON object with a non-empty ``access_token``) before it is believed; Authlib
alone would accept a JSON 429 as a "token". Authlib's ``OAuthError`` and requests' exceptions
become ``JiraError``s here, at the boundary.

A refresh gets its own, longer read timeout (``REFRESH_TIMEOUT``): when Atlassian answers after
the client gave up, it has already rotated the refresh token, and the app would be left holding
the old one (reused after the 10-minute grace, it revokes the whole grant). If the request still
times out, it is sent once more at once, with the same refresh token: the caller holds the
record's refresh lock all along, and Atlassian answers a reuse inside the grace with a fresh pair.

Jira calls carry ``BearerAuth``: it asks the ``TokenKeeper`` for a fresh access token, and on a
401 refreshes once (single-flight, see ``tokens.py``) and sends the call once more; a write is
safe to re-send then, because a 401 means Jira did nothing. A second 401 ends the sign-in.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import url_decode
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask
from msgspec import structs
from requests.auth import AuthBase

from jira_client.api import json_body
from jira_client.api.errors import AuthError, BadResponse, JiraError, RateLimited, TransportError
from jira_client.api.models import Site
from jira_client.api.transport import Network, get_transport
from jira_client.auth.tokens import TokenKeeper
from jira_client.settings import Settings

log = logging.getLogger(__name__)

CLIENT_NAME = "atlassian"
AUDIENCE = "api.atlassian.com"
JSON_AUTH = "client_secret_json"
TIMEOUT = (3.05, 10.0)  # (connect, read) seconds for every call to Atlassian's identity service
REFRESH_TIMEOUT = (3.05, 15.0)  # the refresh's own: a late answer has already rotated the refresh token
REFRESH_ATTEMPTS = 2  # a timed-out refresh is sent once more at once (inside Atlassian's reuse grace)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
CALLBACK_PATH = "/auth/callback"


class TokenEndpointError(OAuthError):
    """The token endpoint said no, or said something that is not a token."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        super().__init__(error=error, description=description)
        self.status = status


def _client_secret_json(client, method, uri, headers, body):
    """Put client_id and client_secret in the body and send the body as JSON (Atlassian's format)."""
    params = dict(url_decode(body or ""))
    params.update(client_id=client.client_id, client_secret=client.client_secret or "")
    encoded = json.dumps(params).encode()
    headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(encoded))
    return uri, headers, encoded


def _checked_token_response(response: requests.Response) -> requests.Response:
    """Return ``response`` if it carries a token; raise TokenEndpointError otherwise."""
    status = response.status_code
    try:
        body = json_body.loads(response.content)
    except ValueError:
        raise TokenEndpointError(status, "invalid_response", f"HTTP {status} without JSON") from None
    if isinstance(body, dict) and body.get("error"):
        raise TokenEndpointError(status, str(body["error"]), str(body.get("error_description") or ""))
    if status != 200 or not isinstance(body, dict) or not body.get("access_token") or not isinstance(body["access_token"], str):
        raise TokenEndpointError(status, "invalid_response", f"HTTP {status} without an access token")
    return response


def _compliance_fix(client: OAuth2Session, network: Network, token_url: str) -> None:
    """Check every token answer; send token requests through the configured network, never the environment's."""
    network.apply(client, token_url)  # its proxy and CA bundle; no .netrc
    client.register_compliance_hook("access_token_response", _checked_token_response)
    client.register_compliance_hook("refresh_token_response", _checked_token_response)


def as_jira_error(exc: Exception) -> JiraError:
    """Return the JiraError for a failed call to the identity service (the Authlib boundary)."""
    if isinstance(exc, requests.Timeout):
        return TransportError("Atlassian's sign-in service did not answer in time.", timed_out=True)
    if isinstance(exc, requests.RequestException):
        return TransportError("Atlassian's sign-in service could not be reached.")
    status, error = getattr(exc, "status", None), getattr(exc, "error", "") or ""
    if status == 429:
        return RateLimited("Atlassian's sign-in service is busy.", status=429)
    if error == "invalid_response" or (status is not None and status >= 500):
        return BadResponse("Atlassian's sign-in service answered something unexpected.", status=status)
    return AuthError("Atlassian did not accept the sign-in.", status=status, details=(error,))  # invalid_grant & co


def register_client(app: Flask, settings: Settings):
    """Return the Authlib client for Atlassian's identity service, registered on ``app``."""
    oauth = OAuth(app)
    return oauth.register(
        CLIENT_NAME,
        client_id=settings.oauth_client_id,
        client_secret=settings.oauth_client_secret,
        authorize_url=f"{settings.atlassian_auth_url}/authorize",
        access_token_url=f"{settings.atlassian_auth_url}/oauth/token",
        authorize_params={"audience": AUDIENCE, "prompt": "consent"},
        client_kwargs=_client_kwargs(settings),
        client_auth_methods=[(JSON_AUTH, _client_secret_json)],
        compliance_fix=lambda client: _compliance_fix(client, settings.network, f"{settings.atlassian_auth_url}/oauth/token"),
    )


def _client_kwargs(settings: Settings) -> dict:
    # PKCE (S256) as defence in depth: Atlassian is reported to ignore it for console apps, and
    # ``state`` stays the CSRF defence; the verifier lives in the session's state data only.
    return {"scope": settings.oauth_scopes, "token_endpoint_auth_method": JSON_AUTH, "default_timeout": TIMEOUT,
            "code_challenge_method": "S256"}


def refresh(
    settings: Settings, refresh_token: str, *, timeout: tuple[float, float] = REFRESH_TIMEOUT,
    attempts: int = REFRESH_ATTEMPTS, on_retry: Callable[[], None] = lambda: None,
) -> Mapping:
    """Return the token endpoint's answer to a refresh; raise AuthError when the grant is over.

    A request that times out or loses its connection is sent again at once with the same refresh
    token (``attempts`` in all): the answer that never arrived may have rotated it already.
    """
    client = OAuth2Session(
        client_id=settings.oauth_client_id, client_secret=settings.oauth_client_secret,
        token_endpoint=f"{settings.atlassian_auth_url}/oauth/token", **{**_client_kwargs(settings), "default_timeout": timeout},
    )
    client.register_client_auth_method((JSON_AUTH, _client_secret_json))
    _compliance_fix(client, settings.network, f"{settings.atlassian_auth_url}/oauth/token")
    with client:
        for attempt in range(1, attempts + 1):
            try:
                return dict(client.refresh_token(refresh_token=refresh_token))
            except (requests.Timeout, requests.ConnectionError) as exc:
                if attempt < attempts:
                    log.warning("Token refresh got no answer (%s); sending it again at once", type(exc).__name__)
                    on_retry()
                    continue
                failure: Exception = exc
            except (AuthlibBaseError, requests.RequestException) as exc:
                failure = exc
            error = as_jira_error(failure)
            log.warning("Token refresh failed: %s (%s)", type(error).__name__, error.status)
            raise error from failure
    raise AssertionError("unreachable")


def accessible_resources(api_url: str, access_token: str, network: Network) -> list[Site]:
    """Return the sites a grant reaches; raise JiraError on failure."""
    url = f"{api_url}/oauth/token/accessible-resources"
    try:
        response = get_transport(network).get(url, auth=StaticBearer(access_token), timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise as_jira_error(exc) from exc
    if response.status_code == 401:
        raise AuthError("Atlassian did not accept the new sign-in.", status=401)
    try:
        payload = json_body.loads(response.content) if response.ok else None
    except ValueError:
        payload = None
    if not isinstance(payload, list):
        raise BadResponse("Atlassian's list of sites could not be read.", status=response.status_code)
    sites = [Site.from_api(entry) for entry in payload]
    return [structs.replace(site, name=site.name or site.id) for site in sites if site.id]


def redirect_uri_problem(uri: str) -> str | None:
    """Return what is wrong with an OAuth redirect URI, or None when it is absolute, https and ends right."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"JIRA_OAUTH_REDIRECT_URI {uri!r} is not an absolute http(s) URL"
    if parts.scheme != "https" and parts.hostname not in LOCAL_HOSTS:
        return f"JIRA_OAUTH_REDIRECT_URI {uri!r} must use https (http is allowed only for localhost)"
    if not parts.path.endswith(CALLBACK_PATH):
        return f"JIRA_OAUTH_REDIRECT_URI {uri!r} must end with {CALLBACK_PATH}"
    if parts.query or parts.fragment:
        return f"JIRA_OAUTH_REDIRECT_URI {uri!r} must not have a query or fragment"
    return None


class BearerAuth(AuthBase):
    """requests auth: the record's fresh access token; on a 401, one refresh and one re-send."""

    def __init__(self, keeper: TokenKeeper, record_id: str) -> None:
        self.keeper, self.record_id = keeper, record_id

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        record = self.keeper.fresh(self.record_id)
        prepared.headers["Authorization"] = f"Bearer {record.access_token}"
        prepared.register_hook("response", self._retry_after_refresh)
        return prepared

    def _retry_after_refresh(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or getattr(response.request, "refreshed", False):
            return response
        rejected = response.request.headers.get("Authorization", "").removeprefix("Bearer ")
        record = self.keeper.fresh(self.record_id, rejected=rejected)
        response.content  # noqa: B018 - read the (small) body so the connection goes back to the pool
        response.close()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"Bearer {record.access_token}"
        retry.refreshed = True
        again = response.connection.send(retry, **kwargs)
        again.history.append(response)
        again.request = retry
        return again

    def __repr__(self) -> str:
        return "<BearerAuth>"


class StaticBearer(AuthBase):
    """requests auth with one access token, for the calls made during sign-in."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        prepared.headers["Authorization"] = f"Bearer {self.token}"
        return prepared

    def __repr__(self) -> str:
        return "<StaticBearer>"
