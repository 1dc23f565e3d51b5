"""What someone was typing, kept across a forced re-sign-in (or a moment when Jira is unavailable).

When a multi_user sign-in ends mid-post (the grant was revoked, or the refresh token expired),
the person is sent to Atlassian and back. The form they were submitting is saved in their
session (never in the token store: a draft is not a credential) under the page it belongs to,
and that page fills the form in again when it is next shown. Drafts survive the session id
change at sign-in because Flask-Session keeps the session's data when it regenerates the id.
"""

from __future__ import annotations

from flask import session

from jira_client.api.errors import AuthError
from jira_client.web.jira import current_strategy

DRAFTS_KEY = "drafts"
MAX_DRAFTS = 5
MAX_DRAFT_CHARS = 64_000


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


def sign_in_again(error: AuthError, page: str, fields: dict[str, str]):
    """Return the strategy's "sign in again" redirect with ``fields`` saved for ``page``, or None.

    None means the mode has no sign-in to renew (single_user): the view shows the error itself.
    """
    handler = getattr(current_strategy(), "handle_auth_error", None)
    response = handler(error, next_path=page) if handler is not None else None
    if response is not None:
        save_draft(page, fields)
    return response
