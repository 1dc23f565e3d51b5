"""multi_user mode: "Sign in with Atlassian" (OAuth 2.0 3LO, authorization-code grant) with Authlib.

This module holds the strategy, the token-endpoint plumbing and ``BearerAuth``; the pages that
drive the sign-in live in ``views.py``. The sign-in:

1. ``POST /login/start`` (a CSRF-protected button on ``/login``) remembers where to go back to
   and redirects to ``ATLASSIAN_AUTH_URL/authorize`` with ``audience=api.atlassian.com``,
   ``prompt=consent``, the configured scopes, a single-use ``state`` that Authlib binds to this
   browser's session, and exactly ``JIRA_OAUTH_REDIRECT_URI`` (never built from the Host header).
2. ``GET /auth/callback`` checks ``error`` first, then lets Authlib consume the state (a missing,
   foreign or replayed state is a 400 before any token request), exchanges the code, reads
   accessible-resources, stores the tokens as an encrypted record (``tokens.py``) and only then
   gives the session a new id (no fixation; regenerating earlier would lose the state).
3. One site is used at once; several go through ``/sites``, checked against accessible-resources.
   Identity comes from the site's ``/rest/api/3/myself``.

The token endpoint gets the client credentials in the body as JSON (``client_secret_json``):
Atlassian documents a JSON body for ``/oauth/token`` and leaves form encoding undocumented, so
JSON is the format that is promised to keep working. Every token-endpoint answer is checked
(status 200, a JSON object with a non-empty ``access_token``) before it is believed; Authlib
alone would accept a JSON 429 as a "token". Authlib's ``OAuthError`` and requests' exceptions
become ``JiraError``s here, at the boundary.

Jira calls carry ``BearerAuth``: it asks the ``TokenKeeper`` for a fresh access token, and on a
401 refreshes once (single-flight, see ``tokens.py``) and sends the call once more; a write is
safe to re-send then, because a 401 means Jira did nothing. A second 401 ends the sign-in.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from datetime import datetime, timezone
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

import requests
from authlib.common.urls import url_decode
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from requests.auth import AuthBase

from jira_client.api.client import JiraClient
from jira_client.api.errors import AuthError, BadResponse, JiraError, RateLimited, TransportError
from jira_client.api.transport import get_transport
from jira_client.auth.api_token import ApiTokenStrategy
from jira_client.auth.tokens import TokenCipher, TokenKeeper, TokenRecord, TokenStore, store_for
from jira_client.observability import events
from jira_client.sessions import STORE_ERRORS
from jira_client.settings import Settings

log = logging.getLogger(__name__)

CLIENT_NAME = "atlassian"
AUDIENCE = "api.atlassian.com"
JSON_AUTH = "client_secret_json"
TIMEOUT = (3.05, 10.0)  # (connect, read) seconds for every call to Atlassian's identity service
AUTH_KEY = "auth"  # session: {"record", "sites", "site", "account_id", "name"}; never a token
NEXT_KEY = "login_next"
ADMIN_KEY = "admin_session"
ADMIN_SESSION_SECONDS = 3600
PER_SITE_SESSION_KEYS = ("page_tokens", "counts")  # listing caches that belong to one site
SIGNED_OUT_MESSAGE = "Your Atlassian sign-in has ended. Sign in again to continue; what you were writing is kept."

# --- the token endpoint -----------------------------------------------------------------------


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
        body = response.json()
    except ValueError:
        raise TokenEndpointError(status, "invalid_response", f"HTTP {status} without JSON") from None
    if isinstance(body, dict) and body.get("error"):
        raise TokenEndpointError(status, str(body["error"]), str(body.get("error_description") or ""))
    if status != 200 or not isinstance(body, dict) or not body.get("access_token") or not isinstance(body["access_token"], str):
        raise TokenEndpointError(status, "invalid_response", f"HTTP {status} without an access token")
    return response


def _compliance_fix(client: OAuth2Session) -> None:
    """Check every token answer, and keep the environment's proxies out of token requests."""
    client.trust_env = False
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


def _register_client(app: Flask, settings: Settings):
    """Return the Authlib client for Atlassian's identity service."""
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
        compliance_fix=_compliance_fix,
    )


def _client_kwargs(settings: Settings) -> dict:
    # PKCE (S256) as defence in depth: Atlassian is reported to ignore it for console apps, and
    # ``state`` stays the CSRF defence; the verifier lives in the session's state data only.
    return {"scope": settings.oauth_scopes, "token_endpoint_auth_method": JSON_AUTH, "default_timeout": TIMEOUT,
            "code_challenge_method": "S256"}


# --- Jira calls with the person's token -------------------------------------------------------


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


class _StaticBearer(AuthBase):
    """requests auth with one access token, for the calls made during sign-in."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        prepared.headers["Authorization"] = f"Bearer {self.token}"
        return prepared

    def __repr__(self) -> str:
        return "<StaticBearer>"


# --- the strategy -----------------------------------------------------------------------------


class OAuthStrategy:
    """multi_user: every request acts with the signed-in person's own token on their chosen site."""

    mode = "multi_user"
    needs_admin_token = True  # /setup is off unless ADMIN_TOKEN is set

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.api_url = settings.atlassian_api_url
        self.shared = ApiTokenStrategy(settings) if settings.jira_api_token else None
        self.store: TokenStore | None = None
        self.keeper: TokenKeeper | None = None
        self.client = None

    def init_app(self, app: Flask) -> None:
        """Register the Authlib client, the token store (next to the sessions) and the auth pages."""
        cipher = TokenCipher(self.settings.token_encryption_key or app.config["SECRET_KEY"])
        self.store = store_for(app.config, cipher, app.instance_path)
        self.keeper = TokenKeeper(self.store, self.refresh, on_refresh=events.token_refreshed)
        self.client = _register_client(app, self.settings)
        app.extensions["token_store"] = self.store
        from jira_client.auth.views import bp  # the pages need this module: imported once it is loaded

        app.register_blueprint(bp)
        app.context_processor(lambda: {"oauth_viewer": self.viewer})
        app.add_template_filter(_epoch, "epoch")

    # -- who is signed in --

    def viewer(self) -> dict | None:
        """Return the signed-in person's display data (name, site, admin flag) for the header."""
        if self.admin_session_active():
            return {"name": "Emergency admin", "site": "shared API token", "admin": True}
        info = self._signed_in()
        if info is None:
            return None
        return {"name": info["name"], "site": info["site"]["name"], "admin": False}

    def _signed_in(self) -> dict | None:
        """Return the session's auth data if it points at a live token record and a chosen site."""
        info = session.get(AUTH_KEY)
        if not isinstance(info, dict) or not info.get("site") or not info.get("account_id"):
            return None
        return info if self.current_record() is not None else None

    def current_record(self) -> TokenRecord | None:
        """Return this session's token record (read once per request), or None."""
        if "oauth_record" not in g:
            info = session.get(AUTH_KEY)
            record_id = info.get("record") if isinstance(info, dict) else None
            try:
                g.oauth_record = self.store.load(record_id) if record_id else None
            except STORE_ERRORS:
                g.oauth_record = None  # the 503 page that follows renders as signed out, not as a 500
                raise
        return g.oauth_record

    def is_signed_in(self) -> bool:
        """Return whether this session may call Jira (a live token record and a site, or admin)."""
        return self.admin_session_active() or self._signed_in() is not None

    def jira_connection(self) -> tuple[str, object]:
        """Return (gateway URL of the chosen site, this person's bearer auth)."""
        if self.admin_session_active():
            log.warning("Emergency admin session calls Jira with the shared API token: %s %s", request.method, request.path)
            return self.shared.jira_connection()
        info = self._signed_in()
        if info is None:
            raise AuthError("You are not signed in.")
        return f"{self.api_url}/ex/jira/{info['site']['id']}", BearerAuth(self.keeper, info["record"])

    def viewer_label(self) -> str:
        """Return "name · site" for the page header."""
        viewer = self.viewer()
        return f"{viewer['name']} · {viewer['site']}" if viewer else ""

    def account_id(self) -> str:
        """Return the signed-in person's Jira account id (known since sign-in), or ""."""
        if self.admin_session_active():
            return ""
        return (self._signed_in() or {}).get("account_id", "")

    def cache_scope(self) -> str:
        """Return account id and site: cached Jira data is never shared across people or sites."""
        if self.admin_session_active():
            return "shared"
        info = self._signed_in() or {}
        return f"{info.get('account_id', 'anonymous')}@{(info.get('site') or {}).get('id', '')}"

    # -- sending people to sign in --

    def login_redirect(self, next_path: str):
        """Redirect to the site choice (signed in, no site yet) or to /login, then back to ``next_path``."""
        info = session.get(AUTH_KEY)
        if isinstance(info, dict) and info.get("record") and not info.get("site") and self.current_record():
            return redirect(url_for("auth.sites", next=safe_next(next_path)))
        return redirect(url_for("auth.login", next=safe_next(next_path)))

    def handle_auth_error(self, error: AuthError, next_path: str | None = None):
        """Purge the tokens and send the person to sign in, back to ``next_path`` (or this page) after."""
        if self.admin_session_active():
            return None  # the shared token failed: the ordinary error page explains it
        log.info("Sign-in ended (%s); sending the person to sign in again", error.message)
        self.forget_tokens()
        flash(SIGNED_OUT_MESSAGE, "error")
        if next_path is None and request.method == "GET":
            next_path = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=safe_next(next_path)))

    def forget_tokens(self) -> None:
        """Delete this session's token record and sign-in data (drafts and the rest stay)."""
        info = session.pop(AUTH_KEY, None)
        if isinstance(info, dict) and info.get("record"):
            self.store.delete(info["record"])
        g.pop("oauth_record", None)

    # -- the token endpoint --

    def refresh(self, refresh_token: str) -> Mapping:
        """Return the token endpoint's answer to a refresh; raise AuthError when the grant is over."""
        client = OAuth2Session(
            client_id=self.settings.oauth_client_id, client_secret=self.settings.oauth_client_secret,
            token_endpoint=f"{self.settings.atlassian_auth_url}/oauth/token", **_client_kwargs(self.settings),
        )
        client.register_client_auth_method((JSON_AUTH, _client_secret_json))
        _compliance_fix(client)
        with client:
            try:
                return dict(client.refresh_token(refresh_token=refresh_token))
            except (AuthlibBaseError, requests.RequestException) as exc:
                error = as_jira_error(exc)
                log.warning("Token refresh failed: %s (%s)", type(error).__name__, error.status)
                raise error from exc

    def accessible_resources(self, access_token: str) -> list[dict]:
        """Return the sites this grant reaches, as {"id", "name", "url"}; raise JiraError on failure."""
        url = f"{self.api_url}/oauth/token/accessible-resources"
        try:
            response = get_transport().get(url, auth=_StaticBearer(access_token), timeout=TIMEOUT, allow_redirects=False)
        except requests.RequestException as exc:
            raise as_jira_error(exc) from exc
        if response.status_code == 401:
            raise AuthError("Atlassian did not accept the new sign-in.", status=401)
        try:
            payload = response.json() if response.ok else None
        except ValueError:
            payload = None
        if not isinstance(payload, list):
            raise BadResponse("Atlassian's list of sites could not be read.", status=response.status_code)
        return [
            {"id": str(site["id"]), "name": str(site.get("name") or site["id"]), "url": str(site.get("url") or "")}
            for site in payload if isinstance(site, dict) and site.get("id")
        ]

    def use_site(self, site: dict) -> None:
        """Make ``site`` (one of the grant's) the session's site and load who the person is there."""
        info = session[AUTH_KEY]
        record = self.current_record()
        if record is None:
            raise AuthError("Your Atlassian sign-in has ended.")
        base_url = f"{self.api_url}/ex/jira/{site['id']}"
        me = JiraClient(get_transport(), base_url, BearerAuth(self.keeper, info["record"]), timeout=TIMEOUT).myself()
        if me is None:
            raise BadResponse("Jira did not say who you are.")
        for key in PER_SITE_SESSION_KEYS:
            session.pop(key, None)
        session[AUTH_KEY] = {**info, "site": site, "account_id": me.account_id, "name": me.display_name}
        events.signed_in(me.account_id, site.get("url"))

    # -- emergency admin access (/setup) --

    def admin_available(self) -> bool:
        """Return whether /setup may grant an admin session (ADMIN_TOKEN and a shared token are set)."""
        return bool(self.settings.admin_token and self.shared)

    def check_admin_token(self, offered: str) -> bool:
        """Return whether ``offered`` is the ADMIN_TOKEN (compared in constant time)."""
        return self.admin_available() and hmac.compare_digest(offered.encode(), self.settings.admin_token.encode())

    def start_admin_session(self) -> None:
        """Turn this session into an emergency admin session on the shared API token (new session id)."""
        self.forget_tokens()
        session.pop("csrf_token", None)
        session[ADMIN_KEY] = {"since": time.time()}
        current_app.session_interface.regenerate(session)

    def admin_session_active(self) -> bool:
        """Return whether this session is a (not yet expired) emergency admin session."""
        admin = session.get(ADMIN_KEY)
        return isinstance(admin, dict) and self.admin_available() and time.time() - float(admin.get("since", 0)) < ADMIN_SESSION_SECONDS


def safe_next(value: str | None) -> str:
    """Return ``value`` if it is a relative path on this app, else the projects page."""
    default = "/"
    if not value or len(value) > 2000:
        return default
    for form in (value, unquote(value)):  # also as a lenient server or browser might decode it
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return default
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in form):
            return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/auth/", "/logout")):
        return default
    return value


def _epoch(value: float) -> str:
    """Return an epoch time as a readable UTC date and time."""
    return datetime.fromtimestamp(float(value), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
