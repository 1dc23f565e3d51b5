"""How a board's writes end when Jira says no: back to the page, saying why, or on to sign in again."""

from __future__ import annotations

from flask import flash, redirect

from jira_client.api.agile import lacks_scope
from jira_client.api.errors import AuthError, JiraError
from jira_client.state import current_strategy
from jira_client.web.forms import once


def refused(key: str, error: JiraError | once.Refused, back: str):
    """Go back to ``back``, saying why Jira did not move ``key`` (and whether it might have after all)."""
    page = once.failure_page(error)
    said = " ".join(page.details) or page.message
    flash(f"{key} was not moved. {page.title}: {said} {page.hint}".strip(), "error")
    return redirect(back, 303)


def renew_sign_in(error: AuthError, back: str):
    """Return the strategy's "sign in again" answer (back to ``back`` after); a missing scope goes to the scope page."""
    if lacks_scope(error):
        raise error  # needs_scopes explains it
    response = current_strategy().handle_auth_error(error, next_path=back)
    if response is None:
        raise error  # no sign-in to renew (single_user): the error page explains it
    return response
