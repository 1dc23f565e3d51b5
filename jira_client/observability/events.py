"""Event lines and counters for what operators ask about: sign-ins, refreshes, logouts, limits.

Each function moves its metric and writes one log line (``event`` names it). Callers pass
account ids in the clear; only their pseudonym (see ``logs.pseudonym``) is logged, and no
function takes a token. Reasons and outcomes come from the fixed vocabularies in ``metrics``;
anything else is counted as "other" but logged as given (cleaned), so nothing is lost.

Called from the OAuth code (sign-in, refresh, logout, auth failures), the admin setup view and
the Jira call observer (rate limiting). Outside an app context they still count and log, but
pseudonymise with an empty key.
"""

from __future__ import annotations

import logging

from flask import current_app, g, has_app_context, has_request_context

from jira_client.observability import metrics
from jira_client.observability.logs import LOGGER_NAME, pseudonym
from jira_client.observability.ratelimits import RateLimitSnapshot
from jira_client.state import app_state

log = logging.getLogger(f"{LOGGER_NAME}.events")


def user_id(account_id: str | None) -> str | None:
    """Return the pseudonymous id logged for this request's person, keyed by SECRET_KEY.

    Inside a request with someone signed in, that is their cache scope, the same identity the
    request lines pseudonymise, so an event and the requests around it name one person alike;
    otherwise ``account_id`` (or a scope) as given.
    """
    secret = (current_app.config.get("SECRET_KEY") or "") if has_app_context() else ""
    return pseudonym(secret, _signed_in_scope() or account_id)


def _signed_in_scope() -> str | None:
    """Return the signed-in person's cache scope, or None outside a request or when signed out."""
    if not has_request_context():
        return None
    strategy = app_state().strategy
    return strategy.cache_scope() if strategy.is_signed_in() else None


def signed_in(account_id: str, site: str | None = None) -> None:
    """Record a completed sign-in."""
    metrics.sign_ins.inc()
    _emit(logging.INFO, "sign_in", user=user_id(account_id), site=site)


def sign_in_failed(reason: str, account_id: str | None = None) -> None:
    """Record a sign-in or credential failure (``reason`` from metrics.AUTH_FAILURE_REASONS)."""
    metrics.auth_failures.labels(reason=metrics.bounded(reason, metrics.AUTH_FAILURE_REASONS)).inc()
    _emit(logging.WARNING, "auth_failure", reason=reason, user=user_id(account_id))


def token_refreshed(outcome: str, account_id: str | None = None, reason: str | None = None) -> None:
    """Record a token refresh: "success", or a failure outcome ("failure", "invalid_grant", ...)."""
    metrics.token_refreshes.labels(outcome=metrics.bounded(outcome, metrics.REFRESH_OUTCOMES)).inc()
    failed = outcome not in ("success", "waited")
    _emit(
        logging.WARNING if failed else logging.INFO, "refresh_failure" if failed else "refresh",
        outcome=outcome, reason=reason, user=user_id(account_id),
    )


def signed_out(account_id: str | None = None) -> None:
    """Record a sign-out."""
    metrics.sign_outs.inc()
    _emit(logging.INFO, "logout", user=user_id(account_id))


def setup_used(action: str, account_id: str | None = None) -> None:
    """Record a use of the admin /setup page (``action`` from metrics.SETUP_ACTIONS)."""
    metrics.admin_setup.labels(action=metrics.bounded(action, metrics.SETUP_ACTIONS)).inc()
    _emit(logging.WARNING, "admin_setup", action=action, user=user_id(account_id))


def rate_limit_seen(snapshot: RateLimitSnapshot, scope: str | None, site: str | None) -> None:
    """Count a 429 and log a warning when Jira says the user is over or near the limit."""
    if snapshot.limited:
        reason = snapshot.headers.get("reason") or snapshot.headers.get("beta_reason") or "unknown"
        metrics.jira_rate_limited.labels(
            operation=snapshot.operation, reason=metrics.bounded(reason, metrics.RATE_LIMIT_REASONS),
        ).inc()
    if snapshot.limited or snapshot.near_limit:
        _emit(
            logging.WARNING, "rate_limited" if snapshot.limited else "rate_limit_near",
            user=user_id(scope), site=site, operation=snapshot.operation, status=snapshot.status,
            **{f"ratelimit_{name}": value for name, value in snapshot.headers.items()},
        )


def _emit(level: int, event: str, **fields: object) -> None:
    if has_request_context() and g.get("request_id"):
        fields = {"request_id": g.request_id, **fields}  # ties the event to its request line
    log.log(level, event, extra={"fields": fields})
