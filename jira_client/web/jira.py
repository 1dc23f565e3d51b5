"""The per-request link between views and Jira: ``get_jira()`` and ``login_required``."""

from __future__ import annotations

from functools import wraps

from flask import g, request

from jira_client.api.client import JiraClient
from jira_client.api.transport import get_transport
from jira_client.observability import client_options
from jira_client.quota.web import governed
from jira_client.state import app_state, current_strategy


def get_jira() -> JiraClient:
    """Return this request's JiraClient, built on first use and kept on ``g``."""
    if "jira" not in g:
        base_url, auth = current_strategy().jira_connection()
        state = app_state()
        options = governed(client_options(base_url), base_url)  # cache, fair shares, points (jira_client/quota)
        g.jira = JiraClient(get_transport(state.settings.network), base_url, auth, **state.client_options, **options)
    return g.jira


def login_required(view):
    """Send signed-out visitors to sign in, then back to the page they asked for."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        strategy = current_strategy()
        if not strategy.is_signed_in():
            return strategy.login_redirect(request.full_path if request.query_string else request.path)
        return view(*args, **kwargs)

    return wrapped
