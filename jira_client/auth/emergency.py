"""Emergency admin access in multi_user mode: ``ADMIN_TOKEN`` opens an hour on the shared API token.

For when OAuth itself is broken (a rotated client secret, Atlassian's sign-in down): whoever
presents ``ADMIN_TOKEN`` on ``/setup`` (compared in constant time) gets a session that calls
Jira with ``JIRA_EMAIL``/``JIRA_API_TOKEN`` for an hour, with a new session id. Off unless both
the admin token and a shared API token are configured.
"""

from __future__ import annotations

import hmac
import time
from typing import Callable

from flask import current_app, session

from jira_client.auth.api_token import ApiTokenStrategy
from jira_client.auth.session_data import ADMIN_KEY
from jira_client.settings import Settings

ADMIN_SESSION_SECONDS = 3600


class EmergencyAdmin:
    """The admin session's checks and its start; ``shared`` is the API-token strategy it acts with."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.admin_token = settings.admin_token
        self.shared = ApiTokenStrategy(settings) if settings.jira_api_token else None
        self.clock = clock

    def available(self) -> bool:
        """Return whether /setup may grant an admin session (ADMIN_TOKEN and a shared token are set)."""
        return bool(self.admin_token and self.shared)

    def accepts(self, offered: str) -> bool:
        """Return whether ``offered`` is the ADMIN_TOKEN (compared in constant time)."""
        return self.available() and hmac.compare_digest(offered.encode(), self.admin_token.encode())

    def start(self) -> None:
        """Turn this session into an admin session (the caller has dropped any sign-in first)."""
        session.pop("csrf_token", None)
        session[ADMIN_KEY] = {"since": self.clock()}
        current_app.session_interface.regenerate(session)

    def active(self) -> bool:
        """Return whether this session is a (not yet expired) emergency admin session."""
        admin = session.get(ADMIN_KEY)
        return (isinstance(admin, dict) and self.available()
                and self.clock() - float(admin.get("since", 0)) < ADMIN_SESSION_SECONDS)
