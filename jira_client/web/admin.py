"""``/setup``: the configuration (secrets masked) and a connectivity check, plus emergency access.

What /setup offers is the auth strategy's answer (``setup_access``): single_user shows it to
anyone (they already act as the shared account); multi_user hides it (404) unless
``ADMIN_TOKEN`` is set, and then asks for that token (a CSRF-protected POST, compared in
constant time) before an hour-long admin session on the shared API token. Every use is logged,
never the token itself. Wrong tokens are slowed down, then locked out, per client address and
for everyone (``guesses.py``); refused attempts answer 429 with ``Retry-After``.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, redirect, render_template, request, url_for

from jira_client.anonymous_forms import sessionless_csrf
from jira_client.api.errors import JiraError
from jira_client.auth.base import SETUP_HIDDEN, SETUP_LOCKED
from jira_client.observability import events
from jira_client.settings import VARIABLES
from jira_client.state import app_state, current_strategy
from jira_client.web.errors import describe
from jira_client.web.guesses import throttle_for
from jira_client.web.forms.screens import AdminTokenForm
from jira_client.web.jira import get_jira

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)


def init_app(app: Flask) -> None:
    """Give the app its count of guesses at ADMIN_TOKEN (in Redis when the sessions are)."""
    app_state(app).setup_guesses = throttle_for(app.config)


def configuration() -> list[tuple[str, str]]:
    """Return (variable, value) pairs for the settings page; secrets show only whether they are set."""
    settings = app_state().settings
    rows = []
    for variable in (v for v in VARIABLES if v.on_setup):
        value = str(getattr(settings, variable.attribute) or "")
        shown = ("set (hidden)" if value else "(not set)") if variable.secret else (value or "(not set)")
        rows.append((variable.name, shown))
    return rows


@bp.route("/setup", methods=["GET", "POST"])
@sessionless_csrf  # the gate is shown to people without a session: no session is stored for it
def setup():
    """Show the configuration and whether Jira answers; in multi_user, ask for ADMIN_TOKEN first."""
    access = current_strategy().setup_access()
    if access == SETUP_HIDDEN:
        abort(404)
    if access == SETUP_LOCKED:
        return _admin_gate()
    log.warning("/setup used (%s) from %s", request.method, request.remote_addr)
    events.setup_used("view")
    try:
        me, problem = get_jira().myself(), None
    except JiraError as error:
        me, problem = None, describe(error)
    return render_template("admin/setup.html", rows=configuration(), me=me, problem=problem, gate=False, refused=False)


def _admin_gate():
    """Ask for ADMIN_TOKEN; the right one turns this session into an emergency admin session."""
    form = AdminTokenForm()
    if request.method == "GET":
        return render_template("admin/setup.html", form=form, gate=True, refused=False)
    guesses, address = app_state().setup_guesses, request.remote_addr or ""
    verdict = guesses.attempt(address)
    if not verdict.allowed:
        log.warning("Emergency admin token not checked for %s: %s for %d s", address, verdict.reason, verdict.retry_after)
        events.setup_used("throttled")
        page = render_template("admin/setup.html", form=form, gate=True, refused=False, wait=verdict)
        return page, 429, {"Retry-After": str(verdict.retry_after)}
    if current_strategy().unlock_setup(form.admin_token.data or ""):
        guesses.succeeded(address)
        log.warning("Emergency admin session granted to %s", address)
        events.setup_used("sign_in")
        return redirect(url_for("admin.setup"))
    log.warning("Emergency admin session refused (wrong token) for %s", address)
    events.setup_used("denied")
    if verdict.locks_out:
        log.warning("Emergency admin access locked after repeated wrong tokens (last from %s)", address)
        events.setup_used("locked")
    return render_template("admin/setup.html", form=form, gate=True, refused=True), 403
