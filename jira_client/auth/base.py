"""The one interface every auth strategy implements; the rest of the app calls only these methods.

Like requests' ``AuthBase`` or Flask-Dance's ``BaseStorage``: a small base class that names
what a mode must answer, with safe defaults for what only some modes do (signing in, emergency
admin access). A new mode is a subclass here plus its settings in ``settings.py``; nothing
outside ``auth/`` branches on the mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterable

import requests
from flask import Flask
from werkzeug.wrappers import Response

from jira_client.api.errors import AuthError
from jira_client.observability.checks import Check
from jira_client.settings import Settings

SETUP_OPEN, SETUP_LOCKED, SETUP_HIDDEN = "open", "locked", "hidden"


@dataclass(frozen=True)
class Viewer:
    """Who the page header names: the person (or shared account), their site, what they may do."""

    name: str
    site: str = ""
    can_sign_out: bool = False
    has_account_page: bool = False


class AuthStrategy:
    """Where a request's Jira credentials come from, and what signing in means in this mode."""

    mode: ClassVar[str] = ""
    site_variables: ClassVar[tuple[str, ...]] = ()  # what to set to use one's own Jira (the sandbox banner says)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def init_app(self, app: Flask) -> None:
        """Register what the mode needs on ``app`` (pages, stores); nothing by default."""

    # -- every request --

    def is_signed_in(self) -> bool:
        """Return whether this request may call Jira."""
        raise NotImplementedError

    def jira_connection(self) -> tuple[str, requests.auth.AuthBase]:
        """Return (base URL, requests auth) for this request's calls to Jira."""
        raise NotImplementedError

    def cache_scope(self) -> str:
        """Return a key naming whose credentials are in use: cached Jira data never crosses it."""
        raise NotImplementedError

    def viewer(self) -> Viewer | None:
        """Return who the page header names, or None when nobody is signed in."""
        return None

    def account_id(self) -> str:
        """Return the Jira account id behind this request's credentials when known without a call, else ""."""
        return ""

    def spends_app_quota(self) -> bool:
        """Return whether this request's calls spend the OAuth app's hourly points quota (API tokens do not)."""
        return False

    # -- signing in and out --

    def login_redirect(self, next_path: str) -> Response:
        """Return the response that sends a signed-out person to sign in, then back to ``next_path``."""
        raise AuthError("You are not signed in.")

    def handle_auth_error(self, error: AuthError, next_path: str | None = None) -> Response | None:
        """Return a response that renews the sign-in after Jira refused it, or None (show the error page)."""
        return None

    def forget_tokens(self) -> None:
        """End this session's hold on any credentials (its session is ending); nothing by default."""

    # -- OAuth scopes (granted at sign-in; a grant made before the app asked for more lacks them) --

    def missing_scopes(self, needed: Iterable[str]) -> tuple[str, ...]:
        """Return which of ``needed`` OAuth scopes this request's credentials are known to lack, without a call."""
        return ()

    def renew_consent_url(self, next_path: str) -> str | None:
        """Return where a person signs in again to grant the app what it now asks for, or None (no such way)."""
        return None

    # -- /setup --

    def setup_access(self) -> str:
        """Return whether /setup is open to this request, locked behind ADMIN_TOKEN, or hidden (404)."""
        return SETUP_HIDDEN

    def unlock_setup(self, offered: str) -> bool:
        """Start an emergency admin session when ``offered`` is the admin token; return whether it was."""
        return False

    # -- operations --

    def reachability_target(self) -> tuple[str, str]:
        """Return (name, URL) of the service this mode must reach, for /readyz and the doctor."""
        raise NotImplementedError

    def doctor_checks(self, transport: requests.Session) -> list[Check]:
        """Return the mode's credential checks for ``flask doctor``."""
        return []

    def local_entry(self, served_at: str, sandbox_people: str = "") -> tuple[str, str]:
        """Return (URL to open, who one acts as) for the local server's start-up message.

        ``sandbox_people`` names the sandbox's demo users when the sandbox stands in for Jira.
        """
        return served_at, self.mode
