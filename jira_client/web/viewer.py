"""Who the current person is in Jira (their account id), known without an extra call when possible.

The issue page must stay one call to Jira, so it only uses an id already known: from the auth
strategy's ``account_id()`` (multi_user knows it since sign-in), or from the app's cache
(``AppState.viewer_accounts``) keyed by ``cache_scope()``, which names whose credentials are in use (single_user: the one
shared account, so what one request learns serves every session of the process). The cache is
filled for free when a write returns its author (a new comment), and by one ``myself`` call from
pages that call Jira anyway (the write forms) or that need the id (assign to me).
"""

from __future__ import annotations

from jira_client.api.errors import JiraError
from jira_client.api.models import User
from jira_client.state import app_state, current_strategy
from jira_client.web.jira import get_jira

MAX_KNOWN = 10_000


def known_account_id() -> str:
    """Return the person's account id if it is known without calling Jira, else ""."""
    strategy = current_strategy()
    return strategy.account_id() or _known().get(strategy.cache_scope(), "")


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
    """Cache ``user`` as the person behind the current credentials."""
    if user is not None and user.account_id:
        known = _known()
        if len(known) >= MAX_KNOWN:
            known.clear()  # a crude bound: the ids are cheap to learn again
        known[current_strategy().cache_scope()] = user.account_id


def _known() -> dict[str, str]:
    """Return this app's cache: credentials scope -> account id."""
    return app_state().viewer_accounts
