"""Drafts of the write forms (create, edit, transition, comment edit) across a forced re-sign-in.

Built on ``web.drafts``: the whole posted form is saved under the page it came from (the form
posts to its own URL), and that page fills the form in again when it is next shown. Several
values of one field (checkboxes) are kept joined by ``SEPARATOR``.
"""

from __future__ import annotations

from functools import wraps

from flask import request

from jira_client.api.errors import AuthError
from jira_client.web.drafts import save_draft, sign_in_again, take_draft
from jira_client.web.jira import current_strategy

SEPARATOR = "\x1f"
NOT_KEPT = ("csrf_token", "once", "search")


def page() -> str:
    """Return the path (and query) of the form's page, under which its draft is kept."""
    return request.full_path.rstrip("?")


def posted() -> dict[str, str]:
    """Return what was posted, as a draft holds it."""
    return {name: SEPARATOR.join(values) for name, values in request.form.lists() if name not in NOT_KEPT}


def keeps_form(view):
    """Decorate a form view (above ``login_required``): a post made signed out, or whose sign-in
    ends during the reads before its write, is kept and the person is sent to sign in again."""

    @wraps(view)
    def wrapped(**kwargs):
        strategy = current_strategy()
        if request.method != "POST":
            return view(**kwargs)
        if not strategy.is_signed_in():
            save_draft(page(), posted())
            return strategy.login_redirect(page())
        try:
            return view(**kwargs)
        except AuthError as error:
            signing_in = sign_in_for(error)
            if signing_in is None:
                raise
            return signing_in

    return wrapped


def sign_in_for(error: Exception):
    """Return the "sign in again" redirect that keeps the posted form, or None (not an expired sign-in)."""
    return sign_in_again(error, page(), posted()) if isinstance(error, AuthError) else None


def restore(lists: tuple[str, ...] = ()) -> dict[str, object]:
    """Return and forget this page's draft, as form data (fields named in ``lists`` hold lists)."""
    draft = take_draft(page()) or {}
    return {name: [v for v in value.split(SEPARATOR) if v] if name in lists else value for name, value in draft.items()}
