"""What someone was typing, kept across a forced re-sign-in or a moment when Jira is unavailable.

When a multi_user sign-in ends mid-post (the grant was revoked, the refresh token expired), or
the reads a form needs before its write find Jira unavailable, the whole posted form is saved in
the person's session (never in the token store: a draft is not a credential) under the page it
belongs to (by default the form posts to its own URL), and that page fills the form in again
when it is next shown. Drafts survive the session id change at sign-in because Flask-Session
keeps the session's data when it regenerates the id. Several values of one field (checkboxes)
are kept joined by ``SEPARATOR``. A draft belongs to the account and site that typed it: when
another account signs in on the same session, or the same one on another site, the auth strategy
drops the drafts (and the page to return to) before anything is shown (``auth/session_data.py``).
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import flash, redirect, request, session

from jira_client.api.errors import AuthError, RateLimited, ServerError, TransportError
from jira_client.state import current_strategy

DRAFTS_KEY = "drafts"
MAX_DRAFTS = 5
MAX_DRAFT_CHARS = 64_000
SEPARATOR = "\x1f"
NOT_KEPT = ("csrf_token", "once", "search")
# Failures that say nothing about the form: Jira may answer in a moment (NotFound and the like are real answers).
UNAVAILABLE = (TransportError, ServerError, RateLimited)
KEPT_MESSAGE = "Jira was unavailable just now, so nothing was saved. What you typed was kept: send it again."


def save_draft(path: str, fields: dict[str, str]) -> None:
    """Keep ``fields`` for the page at ``path`` (the newest few drafts are kept)."""
    drafts = {k: v for k, v in (session.get(DRAFTS_KEY) or {}).items() if k != path}
    drafts[path] = {name: str(value)[:MAX_DRAFT_CHARS] for name, value in fields.items()}
    session[DRAFTS_KEY] = dict(list(drafts.items())[-MAX_DRAFTS:])


def take_draft(path: str) -> dict[str, str] | None:
    """Return and forget the draft saved for the page at ``path``, if any."""
    drafts = session.get(DRAFTS_KEY) or {}
    if path not in drafts:
        return None
    remaining = {k: v for k, v in drafts.items() if k != path}
    if remaining:
        session[DRAFTS_KEY] = remaining
    else:
        session.pop(DRAFTS_KEY)
    return drafts[path]


def page() -> str:
    """Return the path (and query) of the form's page, under which its draft is kept."""
    return request.full_path.rstrip("?")


def posted() -> dict[str, str]:
    """Return what was posted, as a draft holds it."""
    return {name: SEPARATOR.join(values) for name, values in request.form.lists() if name not in NOT_KEPT}


def keeps_form(view=None, *, page_of: Callable[..., str] | None = None):
    """Decorate a form view (above ``login_required``) so a post is never lost to a failed read.

    A post made signed out, or whose sign-in ends during the reads before its write, is kept and
    the person is sent to sign in again; one whose reads find Jira unavailable is kept and the
    person is sent back to the form. ``page_of(**kwargs)`` names the page the form is on when it
    does not post to its own URL. Use as ``@keeps_form`` or ``@keeps_form(page_of=...)``.
    """
    if view is None:
        return lambda later: keeps_form(later, page_of=page_of)

    @wraps(view)
    def wrapped(**kwargs):
        if request.method != "POST":
            return view(**kwargs)
        here = page_of(**kwargs) if page_of else page()
        strategy = current_strategy()
        if not strategy.is_signed_in():
            save_draft(here, posted())
            return strategy.login_redirect(here)
        try:
            return view(**kwargs)
        except AuthError as error:
            signing_in = sign_in_for(error, here)
            if signing_in is None:
                raise
            return signing_in
        except UNAVAILABLE:  # a read before the write failed: nothing was written
            save_draft(here, posted())
            flash(KEPT_MESSAGE, "error")
            return redirect(here)

    return wrapped


def sign_in_for(error: Exception, here: str | None = None):
    """Return the "sign in again" redirect that keeps the posted form, or None (not an expired sign-in).

    None also means the mode has no sign-in to renew (single_user): the view shows the error itself.
    """
    if not isinstance(error, AuthError):
        return None
    here = here or page()
    response = current_strategy().handle_auth_error(error, next_path=here)
    if response is not None:
        save_draft(here, posted())
    return response


def restore(lists: tuple[str, ...] = ()) -> dict[str, object]:
    """Return and forget this page's draft, as form data (fields named in ``lists`` hold lists)."""
    draft = take_draft(page()) or {}
    return {name: [v for v in value.split(SEPARATOR) if v] if name in lists else value for name, value in draft.items()}
