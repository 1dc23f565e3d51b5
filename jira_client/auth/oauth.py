"""multi_user mode: "Sign in with Atlassian" (OAuth 2.0 3LO, authorization-code grant) with Authlib.

This module holds the strategy; the identity-service plumbing is in ``atlassian.py``, the pages
that drive the sign-in in ``oauth_views.py``, emergency admin access in ``emergency.py``. The
sign-in:

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
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Iterable, Mapping
from urllib.parse import urlsplit

import requests
from flask import Flask, flash, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from jira_client.api.client import JiraClient
from jira_client.api.errors import AuthError, BadResponse
from jira_client.api.models import Site
from jira_client.api.transport import get_transport
from jira_client.auth import atlassian
from jira_client.auth.atlassian import BearerAuth
from jira_client.auth.base import SETUP_HIDDEN, SETUP_LOCKED, SETUP_OPEN, AuthStrategy, Viewer
from jira_client.auth.emergency import EmergencyAdmin
from jira_client.auth.oauth_views import bp
from jira_client.auth.session_data import AUTH_KEY, OWNER_KEY, PER_PERSON_SESSION_KEYS, PER_SITE_SESSION_KEYS, safe_next
from jira_client.auth.tokens import RENEW_EVERY_SECONDS, TokenCipher, TokenKeeper, TokenRecord, TokenStore, store_for
from jira_client.observability import events
from jira_client.observability.checks import Check, check_reachable
from jira_client.sessions import STORE_ERRORS
from jira_client.settings import Settings
from jira_client.state import app_state

log = logging.getLogger(__name__)

SIGNED_OUT_MESSAGE = "Your Atlassian sign-in has ended. Sign in again to continue; what you were writing is kept."


class OAuthStrategy(AuthStrategy):
    """multi_user: every request acts with the signed-in person's own token on their chosen site."""

    mode = "multi_user"
    site_variables = ("JIRA_OAUTH_CLIENT_ID", "JIRA_OAUTH_CLIENT_SECRET", "JIRA_OAUTH_REDIRECT_URI")

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.api_url = settings.atlassian_api_url
        self.admin = EmergencyAdmin(settings)
        self.refresh_timeout = atlassian.REFRESH_TIMEOUT  # (connect, read) of a token refresh; tests shorten it
        self.store: TokenStore | None = None
        self.keeper: TokenKeeper | None = None
        self.client = None
        self.clock = time.time  # when a record's expiry was last renewed (tests move it)

    def init_app(self, app: Flask) -> None:
        """Register the Authlib client, the token store (next to the sessions) and the sign-in pages."""
        cipher = TokenCipher(self.settings.token_encryption_key or app.config["SECRET_KEY"])
        self.store = store_for(app.config, cipher, app.instance_path)
        self.keeper = TokenKeeper(self.store, self.refresh, on_refresh=events.token_refreshed)
        self.client = atlassian.register_client(app, self.settings)
        app_state(app).token_store = self.store
        app.after_request(self._renew_record)
        app.register_blueprint(bp)
        app.add_template_filter(_epoch, "epoch")

    # -- who is signed in --

    def viewer(self) -> Viewer | None:
        """Return the signed-in person and site for the header (or the emergency admin)."""
        if self.admin.active():
            return Viewer("Emergency admin", "shared API token", can_sign_out=True)
        info = self._signed_in()
        if info is None:
            return None
        return Viewer(info["name"], info["site"]["name"], can_sign_out=True, has_account_page=True)

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
        return self.admin.active() or self._signed_in() is not None

    def jira_connection(self) -> tuple[str, requests.auth.AuthBase]:
        """Return (gateway URL of the chosen site, this person's bearer auth)."""
        if self.admin.active():
            log.warning("Emergency admin session calls Jira with the shared API token: %s %s", request.method, request.path)
            return self.admin.shared.jira_connection()
        info = self._signed_in()
        if info is None:
            raise AuthError("You are not signed in.")
        return f"{self.api_url}/ex/jira/{info['site']['id']}", BearerAuth(self.keeper, info["record"])

    def account_id(self) -> str:
        """Return the signed-in person's Jira account id (known since sign-in), or ""."""
        if self.admin.active():
            return ""
        return (self._signed_in() or {}).get("account_id", "")

    def spends_app_quota(self) -> bool:
        """Return True: every 3LO call spends the app's hourly quota (the emergency admin's API token does not)."""
        return not self.admin.active()

    def cache_scope(self) -> str:
        """Return account id and site: cached Jira data is never shared across people or sites."""
        if self.admin.active():
            return "shared"
        info = self._signed_in() or {}
        return f"{info.get('account_id', 'anonymous')}@{(info.get('site') or {}).get('id', '')}"

    # -- sending people to sign in --

    def login_redirect(self, next_path: str) -> Response:
        """Redirect to the site choice (signed in, no site yet) or to /login, then back to ``next_path``."""
        info = session.get(AUTH_KEY)
        if isinstance(info, dict) and info.get("record") and not info.get("site") and self.current_record():
            return redirect(url_for("auth.sites", next=safe_next(next_path)))
        return redirect(url_for("auth.login", next=safe_next(next_path)))

    def handle_auth_error(self, error: AuthError, next_path: str | None = None) -> Response | None:
        """Purge the tokens and send the person to sign in, back to ``next_path`` (or this page) after."""
        if self.admin.active():
            return None  # the shared token failed: the ordinary error page explains it
        log.info("Sign-in ended (%s); sending the person to sign in again", error.message)
        self.forget_tokens()
        flash(SIGNED_OUT_MESSAGE, "error")
        if next_path is None and request.method == "GET":
            next_path = request.full_path if request.query_string else request.path
        return redirect(url_for("auth.login", next=safe_next(next_path)))

    def missing_scopes(self, needed: Iterable[str]) -> tuple[str, ...]:
        """Return the ``needed`` scopes the session's grant lacks (the token record keeps what was granted)."""
        if self.admin.active():
            return ()
        record = self.current_record()
        granted = set(record.scope.split()) if record is not None else set()
        return tuple(scope for scope in needed if scope not in granted) if granted else ()

    def renew_consent_url(self, next_path: str) -> str | None:
        """Return the sign-in page (it asks Atlassian for today's scopes), back to ``next_path`` after."""
        return None if self.admin.active() else url_for("auth.login", next=safe_next(next_path))

    def forget_tokens(self) -> None:
        """Delete this session's token record and sign-in data (drafts and the rest stay)."""
        info = session.pop(AUTH_KEY, None)
        if isinstance(info, dict) and info.get("record"):
            self.store.delete(info["record"])
        g.pop("oauth_record", None)

    def _renew_record(self, response: Response) -> Response:
        """Renew the token record's expiry along with the session's (at most once a minute): they end together."""
        info = session.get(AUTH_KEY)
        if not isinstance(info, dict) or not info.get("record"):
            return response
        now = int(self.clock())
        if now - int(info.get("renewed") or 0) < RENEW_EVERY_SECONDS:
            return response
        try:
            self.store.touch(info["record"])
        except STORE_ERRORS as exc:  # the session is not saved either then; the next request tries again
            log.warning("Could not renew a token record's expiry: %s", type(exc).__name__)
            return response
        session[AUTH_KEY] = {**info, "renewed": now}
        return response

    # -- the identity service --

    def refresh(self, refresh_token: str) -> Mapping:
        """Return the token endpoint's answer to a refresh; raise AuthError when the grant is over."""
        return atlassian.refresh(self.settings, refresh_token, timeout=self.refresh_timeout,
                                 on_retry=lambda: events.token_refreshed("retried"))

    def accessible_resources(self, access_token: str) -> list[Site]:
        """Return the sites this grant reaches; raise JiraError on failure."""
        return atlassian.accessible_resources(self.api_url, access_token, self.settings.network)

    def use_site(self, site: Site) -> bool:
        """Make ``site`` (one of the grant's) the session's site and load who the person is there.

        Return whether the session changed hands: another account was the last signed in on it, so
        the page it was to return to is not this person's (the caller goes home instead).
        """
        info = session[AUTH_KEY]
        record = self.current_record()
        if record is None:
            raise AuthError("Your Atlassian sign-in has ended.")
        base_url = f"{self.api_url}/ex/jira/{site.id}"
        auth = BearerAuth(self.keeper, info["record"])
        me = JiraClient(get_transport(self.settings.network), base_url, auth, timeout=atlassian.TIMEOUT).myself()
        if me is None:
            raise BadResponse("Jira did not say who you are.")
        for key in PER_SITE_SESSION_KEYS:
            session.pop(key, None)
        session[AUTH_KEY] = {**info, "site": site.as_dict(), "account_id": me.account_id, "name": me.display_name}
        events.signed_in(me.account_id, site.url)
        return self._hand_over(me.account_id, self.cache_scope())

    def _hand_over(self, account_id: str, scope: str) -> bool:
        """Make the session this person's: drop what another account, or this one on another site, left.

        Return whether another account had it. A session nobody was known on (a fresh browser, a
        post made signed out) keeps its drafts: they were typed by whoever is signing in now.
        """
        previous = session.get(OWNER_KEY)
        session[OWNER_KEY] = {"account_id": account_id, "scope": scope}
        if not isinstance(previous, dict):
            return False
        if previous.get("scope") != scope:
            for key in PER_PERSON_SESSION_KEYS:
                session.pop(key, None)
        return previous.get("account_id") != account_id

    # -- /setup: emergency admin access --

    def setup_access(self) -> str:
        """Return "hidden" without ADMIN_TOKEN, "locked" until it is given, "open" in an admin session."""
        if not self.admin.available():
            return SETUP_HIDDEN
        return SETUP_OPEN if self.admin.active() else SETUP_LOCKED

    def unlock_setup(self, offered: str) -> bool:
        """Turn this session into an emergency admin session when ``offered`` is ADMIN_TOKEN."""
        if not self.admin.accepts(offered):
            return False
        self.forget_tokens()
        self._hand_over("", "shared")  # the emergency admin is nobody's account: a person's drafts stay theirs
        self.admin.start()
        return True

    def admin_session_active(self) -> bool:
        """Return whether this session is an emergency admin session (for the sign-in pages)."""
        return self.admin.active()

    # -- operations --

    def reachability_target(self) -> tuple[str, str]:
        return "Atlassian sign-in", self.settings.atlassian_auth_url

    def doctor_checks(self, transport: requests.Session) -> list[Check]:
        """Return whether the API gateway answers (through the configured network), the OAuth client is set, the redirect URI consistent."""
        settings = self.settings
        present = settings.oauth_client_id and settings.oauth_client_secret
        checks = [Check(
            "OAuth client", bool(present),
            "JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET are set" if present
            else "JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET must both be set",
        )]
        problem = atlassian.redirect_uri_problem(settings.oauth_redirect_uri)
        checks.append(Check("redirect URI", problem is None, problem or f"{settings.oauth_redirect_uri} is consistent"))
        return [check_reachable(self.api_url, transport, "Atlassian API gateway"), *checks]

    def local_entry(self, served_at: str, sandbox_people: str = "") -> tuple[str, str]:
        """Return the registered callback's origin (sign-in works only there) and how to sign in."""
        parts = urlsplit(self.settings.oauth_redirect_uri)
        offered = f" (the sandbox's consent page offers {sandbox_people})" if sandbox_people else ""
        return f"{parts.scheme}://{parts.netloc}", f"multi_user: sign in with Atlassian{offered}"


def _epoch(value: float) -> str:
    """Return an epoch time as a readable UTC date and time."""
    return datetime.fromtimestamp(float(value), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
