"""The app's own state, in one typed object on the Flask app instead of loose ``extensions`` keys.

``create_app`` fills it in as it wires the parts together; code that needs a part asks
``app_state()`` (or ``current_strategy()``) rather than looking a string up. Only types are
imported from the rest of the package, so every module may use this one without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from jira_client.auth.base import AuthStrategy
    from jira_client.auth.tokens import TokenStore
    from jira_client.observability.ratelimits import RateLimitStore
    from jira_client.quota.governor import Quota
    from jira_client.settings import Settings

EXTENSION_KEY = "jira_client"


@dataclass
class AppState:
    """Everything the app keeps between requests, per app (tests build many apps in one process)."""

    settings: Settings
    strategy: AuthStrategy
    client_options: dict[str, Any]  # keyword arguments of every request's JiraClient (timeout, retry, sleep)
    rate_limits: RateLimitStore | None = None
    token_store: TokenStore | None = None  # multi_user: the encrypted token records
    once_store: Any = None  # where one-time form tokens are claimed (web.forms.once)
    viewer_accounts: dict[str, str] = field(default_factory=dict)  # credentials scope -> Jira account id
    probes: dict[str, Any] | None = None  # /readyz's cached probes, made on first use
    personal_store: Any = None  # per-person recent views and list columns (web.personal)
    jql_references: dict[str, Any] = field(default_factory=dict)  # credentials scope -> (expiry, JQL reference data)
    quota: Quota | None = None  # the hourly points quota's ledger and the per-person read cache
    setup_guesses: Any = None  # the count of wrong ADMIN_TOKEN guesses (web.guesses.GuessThrottle)


def init_state(app: Flask, state: AppState) -> AppState:
    """Attach ``state`` to ``app`` and return it."""
    app.extensions[EXTENSION_KEY] = state
    return state


def app_state(app: Flask | None = None) -> AppState:
    """Return the state of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION_KEY]


def current_strategy() -> AuthStrategy:
    """Return the active auth strategy (chosen once, by APP_MODE, in the app factory)."""
    return app_state().strategy
