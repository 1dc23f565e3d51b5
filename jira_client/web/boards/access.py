"""What every board page needs first: this request's ``AgileApi``, and the OAuth scopes Jira Software wants.

Jira Software takes granular scopes only, and a person who signed in before the app asked for
them holds a grant without them. ``needs_scopes`` checks the grant before any call (the auth
strategy knows what was granted) and, should Jira still answer "scope does not match", explains
the same way: a page that names what is missing and offers to sign in again, never a 500, an
empty board or a silent sign-out.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, render_template, request

from jira_client.api import agile
from jira_client.api.agile import AgileApi
from jira_client.api.errors import AuthError
from jira_client.state import current_strategy
from jira_client.web.jira import get_jira


def get_agile() -> AgileApi:
    """Return this request's Jira Software calls, on the request's JiraClient."""
    if "agile" not in g:
        g.agile = AgileApi(get_jira())
    return g.agile


def needs_scopes(*calls: str, page_of: Callable[..., str] | None = None):
    """Decorate a view (below ``login_required``) that makes the named ``AgileApi`` calls.

    ``page_of(**kwargs)`` names the page to come back to after signing in again, for a view that
    answers posts (default: the page itself).
    """
    needed = agile.scopes_for(*calls)

    def decorate(view):
        @wraps(view)
        def wrapped(**kwargs):
            here = page_of(**kwargs) if page_of else request.full_path.rstrip("?")
            missing = current_strategy().missing_scopes(needed)
            if missing:
                return scopes_page(missing, here)
            try:
                return view(**kwargs)
            except AuthError as error:
                if not agile.lacks_scope(error):
                    raise  # the sign-in itself ended: the strategy answers that
                return scopes_page(needed, here, known=False)

        return wrapped

    return decorate


def scopes_page(missing: tuple[str, ...], here: str, *, known: bool = True):
    """Return the page that explains missing scopes and offers to sign in again, back to ``here`` (403)."""
    renew = current_strategy().renew_consent_url(here)
    return render_template("boards/scopes.html", missing=missing, known=known, renew=renew), 403
