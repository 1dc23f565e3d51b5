"""Error pages: every JiraError, and every HTTP error, becomes a page that says what to do.

``describe`` is the one table from exception class to status code and wording; the handlers use
it for whole pages, and forms use it to explain a failed write next to what was typed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from jira_client.api import errors as jira_errors
from jira_client.sessions import STORE_ERRORS, SessionStoreUnavailable
from jira_client.state import current_strategy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    message: str
    hint: str = ""
    details: tuple[str, ...] = ()
    retry_after: int | None = None


# Exception class -> (status, title, what to do). The most specific class wins (MRO order).
PAGES: dict[type, tuple[int, str, str]] = {
    jira_errors.NotFound: (404, "Not found", "Check the key or link. If someone shared it with you, ask them whether you have access to that project."),
    jira_errors.PermissionDenied: (403, "Not allowed", "Your Jira account lacks the permission for this. Ask a Jira administrator for access."),
    jira_errors.AuthError: (502, "Jira refused the credentials", "The app's Jira credentials were not accepted. An administrator should check JIRA_EMAIL and JIRA_API_TOKEN (tokens expire)."),
    jira_errors.RateLimited: (503, "Jira is busy", "Jira is limiting how fast this app may call it. Wait a moment, then reload."),
    jira_errors.BadRequest: (400, "Jira refused the request", "Check what you entered and try again."),
    jira_errors.Conflict: (409, "Changed elsewhere", "Someone changed this at the same time. Reload to see the latest version."),
    jira_errors.BadResponse: (502, "Unexpected answer from Jira", "Jira sent something the app could not read. Reload in a moment; if it persists, check Jira's status page."),
    jira_errors.TransportError: (503, "Jira did not answer", "Jira could not be reached. Reload in a moment; if it persists, check Jira's status page."),
    jira_errors.ServerError: (502, "Jira had a problem", "Jira could not answer just now. Reload in a moment."),
    jira_errors.JiraError: (502, "Jira had a problem", "Reload in a moment."),
}


def describe(error: jira_errors.JiraError) -> ErrorPage:
    """Return the page content and status code for a Jira failure."""
    cls = next(c for c in type(error).__mro__ if c in PAGES)
    status, title, hint = PAGES[cls]
    if isinstance(error, jira_errors.TransportError) and error.timed_out:
        status, title = 504, "Jira took too long"
    elif type(error) is jira_errors.ServerError and error.status in (503, 504):
        status = 503
    retry_after = getattr(error, "retry_after", None)
    details = error.details + tuple(f"{field}: {text}" for field, text in error.field_errors.items())
    return ErrorPage(
        status=status, title=title, message=error.message, hint=hint, details=details,
        retry_after=int(retry_after + 0.999) if retry_after is not None else None,
    )


def render_error(page: ErrorPage):
    """Return the rendered error page with its status and, when known, Retry-After."""
    response = render_template("errors/error.html", page=page), page.status
    headers = {"Retry-After": str(page.retry_after)} if page.retry_after is not None else {}
    return (*response, headers)


def _jira_error(error: jira_errors.JiraError):
    strategy_response = _strategy_handles(error)
    if strategy_response is not None:
        return strategy_response
    log.warning("Jira call failed: %s %s (%s)", type(error).__name__, error.status, request.endpoint)
    return render_error(describe(error))


def _strategy_handles(error):
    """Let the auth strategy answer an AuthError itself (multi_user sends people to sign in)."""
    if isinstance(error, jira_errors.AuthError):
        return current_strategy().handle_auth_error(error)
    return None


HTTP_HINTS = {
    400: "The request was not understood.",
    404: "There is no page at this address.",
    405: "This page cannot be used that way.",
    413: "What you sent is too large. Shorten it and try again.",
}


def _http_error(error: HTTPException):
    status = error.code or 500
    page = ErrorPage(status=status, title=error.name, message=HTTP_HINTS.get(status, error.name))
    return render_error(page)


def _csrf_error(error: CSRFError):
    page = ErrorPage(
        status=400, title="The form expired",
        message="For your security, forms expire. Go back, reload the page and submit again.",
    )
    return render_error(page)


def _unexpected(error: Exception):
    log.exception("Unhandled error on %s", request.endpoint)
    page = ErrorPage(status=500, title="Something went wrong", message="The app hit an unexpected problem. Try again.")
    return render_error(page)


def _session_store_down(error: Exception):
    """Return a 503 page when the session store (Redis) cannot be reached."""
    page = ErrorPage(
        status=503, title="Temporarily unavailable",
        message="The app cannot reach its session store just now, so it cannot tell who you are.",
        hint="Reload in a minute. If it persists, an administrator should check the Redis server (REDIS_URL).",
    )
    return render_error(page)


def register_error_pages(app: Flask) -> None:
    """Install the handlers: Jira failures, CSRF, HTTP errors, and anything unexpected."""
    app.register_error_handler(jira_errors.JiraError, _jira_error)
    app.register_error_handler(CSRFError, _csrf_error)
    for store_error in (SessionStoreUnavailable, *STORE_ERRORS):
        app.register_error_handler(store_error, _session_store_down)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
