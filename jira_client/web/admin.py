"""``/setup``: the configuration (secrets masked) and a connectivity check, plus emergency access.

single_user: anyone who reaches the app already acts as the shared account, so ``/setup`` simply
shows the settings and calls ``/myself``. multi_user: the page does not exist (404) unless
``ADMIN_TOKEN`` is set; then whoever presents that token (a CSRF-protected POST, compared in
constant time) gets an hour-long admin session that acts on the shared API token, for when OAuth
is broken. Every use is logged, never the token itself.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from jira_client.api.errors import JiraError
from jira_client.observability import events
from jira_client.web.errors import describe
from jira_client.web.jira import current_strategy, get_jira

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)

SHOWN = ("APP_MODE", "JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_CLOUD_ID", "JIRA_OAUTH_CLIENT_ID",
         "JIRA_OAUTH_REDIRECT_URI", "JIRA_OAUTH_SCOPES", "ATLASSIAN_AUTH_URL", "ATLASSIAN_API_URL")
SECRETS = ("SECRET_KEY", "JIRA_API_TOKEN", "JIRA_OAUTH_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY", "ADMIN_TOKEN")
ATTRIBUTES = {"JIRA_OAUTH_CLIENT_ID": "oauth_client_id", "JIRA_OAUTH_CLIENT_SECRET": "oauth_client_secret",
              "JIRA_OAUTH_REDIRECT_URI": "oauth_redirect_uri", "JIRA_OAUTH_SCOPES": "oauth_scopes"}


def configuration() -> list[tuple[str, str]]:
    """Return (variable, value) pairs for the settings page; secrets show only whether they are set."""
    settings = current_app.extensions["settings"]
    value = lambda name: str(getattr(settings, ATTRIBUTES.get(name, name.lower()), "") or "")  # noqa: E731
    rows = [(name, value(name) or "(not set)") for name in SHOWN]
    rows += [(name, "set (hidden)" if value(name) else "(not set)") for name in SECRETS]
    return rows


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    strategy = current_strategy()
    gated = getattr(strategy, "needs_admin_token", False)
    if gated and not strategy.admin_available():
        abort(404)
    if gated and not strategy.admin_session_active():
        return _admin_gate(strategy)
    log.warning("/setup used (%s) from %s", request.method, request.remote_addr)
    events.setup_used("view")
    try:
        me, problem = get_jira().myself(), None
    except JiraError as error:
        me, problem = None, describe(error)
    return render_template("admin/setup.html", rows=configuration(), me=me, problem=problem, gate=False, refused=False)


def _admin_gate(strategy):
    """Ask for ADMIN_TOKEN; the right one turns this session into an emergency admin session."""
    if request.method == "GET":
        return render_template("admin/setup.html", gate=True, refused=False)
    if strategy.check_admin_token(request.form.get("admin_token", "")):
        strategy.start_admin_session()
        log.warning("Emergency admin session granted to %s", request.remote_addr)
        events.setup_used("sign_in")
        return redirect(url_for("admin.setup"))
    log.warning("Emergency admin session refused (wrong token) for %s", request.remote_addr)
    events.setup_used("denied")
    return render_template("admin/setup.html", gate=True, refused=True), 403
