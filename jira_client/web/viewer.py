"""Who the current person is in Jira (their account id), known without an extra call when possible.

The issue page must stay one call to Jira, so it only uses an id already known: from the auth
strategy when it offers ``account_id()``, or from this session's cache. The cache is filled for
free when a write returns its author (a new comment), and by one ``myself`` call from pages that
call Jira anyway (the write forms) or that need the id (assign to me).
"""

from __future__ import annotations

from flask import session

from jira_client.api.errors import JiraError
from jira_client.api.models import User
from jira_client.web.jira import current_strategy, get_jira

SESSION_KEY = "viewer_account"


def known_account_id() -> str:
    """Return the person's account id if it is known without calling Jira, else ""."""
    strategy = current_strategy()
    from_strategy = getattr(strategy, "account_id", None)
    if callable(from_strategy) and from_strategy():
        return from_strategy()
    scope, account_id = session.get(SESSION_KEY) or ("", "")
    return account_id if scope == strategy.cache_scope() else ""


def account_id() -> str:
    """Return the person's account id, asking Jira (``myself``) once per session when unknown."""
    known = known_account_id()
    if not known:
        remember(get_jira().myself())
        known = known_account_id()
    return known


def learn() -> None:
    """Find out who is here if not yet known, for pages that call Jira anyway; a failure is ignored."""
    try:
        account_id()
    except JiraError:
        pass  # the page itself does not need it; the issue page will just offer fewer controls


def remember(user: User | None) -> None:
    """Cache ``user`` as the current person for this session and sign-in."""
    if user is not None and user.account_id:
        session[SESSION_KEY] = (current_strategy().cache_scope(), user.account_id)
