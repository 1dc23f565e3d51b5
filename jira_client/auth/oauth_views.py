"""The sign-in pages of multi_user mode: /login, /auth/callback, /sites, /logout, /account.

The flow and its reasons are described in ``oauth.py``; these views only drive it and explain
failures in plain words. Each failure is counted by reason (``observability.events``). The
strategy registers this blueprint; the views reach it through ``current_strategy()``.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Mapping
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from jira_client.anonymous_forms import sessionless_csrf
from jira_client.api.errors import AuthError, JiraError
from jira_client.api.models import Site
from jira_client.auth.atlassian import as_jira_error
from jira_client.auth.session_data import ADMIN_KEY, AUTH_KEY, NEXT_KEY, safe_next
from jira_client.auth.tokens import TokenRecord
from jira_client.observability import events
from jira_client.state import current_strategy

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)
MOVED = "moved"  # query flag: /login was sent to the callback's host once already


def _callback_origin(strategy) -> str:
    """Return the scheme and host of the registered callback (JIRA_OAUTH_REDIRECT_URI)."""
    parts = urlsplit(strategy.settings.oauth_redirect_uri)
    return f"{parts.scheme}://{parts.netloc}"


def _error_code(value: str) -> str:
    """Return an OAuth error code fit to show (RFC 6749 codes are short snake_case), else ""."""
    return value if re.fullmatch(r"[a-z_]{1,40}", value) else ""


class SignInForm(FlaskForm):
    """The "Sign in with Atlassian" button: where to go back to (CSRF comes from ``csrf_field()``)."""

    class Meta:
        csrf = False  # CSRFProtect checks every post; templates emit the token with ``csrf_field()``

    next = HiddenField()


class SiteForm(SignInForm):
    """Choose one of the grant's sites (each site is a submit button named ``site``, never an input)."""

    site = StringField()


def _failure(status: int, title: str, message: str, detail: str = "", reason: str = "other"):
    """Return the sign-in failure page (nothing signed in, a way to start again), counting ``reason``."""
    events.sign_in_failed(reason)
    return render_template("auth/error.html", title=title, message=message, detail=detail), status


@bp.get("/login")
def login():
    """The "Sign in with Atlassian" button (also the way to reconnect when signed in).

    Opened at another host name than the registered callback's (127.0.0.1 for localhost), it first
    moves to that host: the browser keeps the sign-in's state per host name, so a sign-in
    started elsewhere could never be finished. Once only: a proxy that rewrites the host cannot
    make it loop. Showing it stores no session: its CSRF token is a signed cookie (``anonymous_forms``).
    """
    strategy = current_strategy()
    callback_host = urlsplit(strategy.settings.oauth_redirect_uri).hostname
    if urlsplit(request.host_url).hostname != callback_host and not request.args.get(MOVED):  # cookies ignore ports
        return redirect(f"{_callback_origin(strategy)}{url_for('auth.login', next=request.args.get('next'), **{MOVED: 1})}")
    form = SignInForm(data={"next": safe_next(request.args.get("next"))})
    return render_template(
        "auth/login.html", form=form, viewer=strategy.viewer(), signed_out=request.args.get("signed_out") == "1",
    )


@bp.post("/login/start")
@sessionless_csrf
def start():
    """Remember where to go back to and send the browser to Atlassian's consent page."""
    form = SignInForm()
    session[NEXT_KEY] = safe_next(form.next.data)
    strategy = current_strategy()
    return strategy.client.authorize_redirect(redirect_uri=strategy.settings.oauth_redirect_uri)


@bp.get("/auth/callback")
def callback():
    """Finish sign-in: error param first, then state, code exchange, sites, a new session id."""
    strategy = current_strategy()
    if request.args.get("error"):
        strategy.client.framework.clear_state_data(session, request.args.get("state"))
        cancelled = request.args["error"] == "access_denied"
        return _failure(
            400 if cancelled else 502,
            "Sign-in cancelled" if cancelled else "Atlassian refused the sign-in",
            "You did not allow access, so you are not signed in." if cancelled else "Atlassian could not sign you in.",
            detail=_error_code(request.args["error"]),  # never the free-text description: anyone can craft it
            reason="access_denied" if cancelled else "code_exchange",
        )
    issuer = request.args.get("iss")
    if issuer is not None and issuer.rstrip("/") != strategy.settings.atlassian_auth_url:  # RFC 9207 mix-up defence
        strategy.client.framework.clear_state_data(session, request.args.get("state"))
        return _failure(400, "Sign-in did not complete", "The answer did not come from Atlassian's sign-in service. Start again.",
                        reason="state_mismatch")
    try:
        token = strategy.client.authorize_access_token()
    except MismatchingStateError:
        log.info("Sign-in callback with a missing, foreign or used state")
        if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            return _failure(400, "This sign-in started at another address",
                            f"Your browser brought no session to {request.host}: sign-in must start and end at the same "
                            f"address. Open {_callback_origin(strategy)} and sign in there.", reason="state_mismatch")
        return _failure(400, "This sign-in link is no longer valid", "Sign-in links work once, in the browser that started them. Start again.",
                        reason="state_mismatch")
    except (AuthlibBaseError, requests.RequestException) as exc:  # OAuthError, and a missing code too
        error = as_jira_error(exc)
        log.warning("Code exchange failed: %s (%s)", type(error).__name__, error.status)
        status = 400 if isinstance(error, AuthError) else 502
        return _failure(status, "Sign-in did not complete", "Atlassian did not hand over your sign-in. Start again.",
                        reason="code_exchange")
    try:
        sites = strategy.accessible_resources(token["access_token"])
    except JiraError as error:
        log.warning("Reading accessible-resources failed: %s", type(error).__name__)
        return _failure(502, "Sign-in did not complete", "Atlassian did not list your sites. Start again.",
                        reason="no_sites")
    if not sites:
        return _failure(403, "No Jira site", "Your Atlassian account gave this app access to no Jira site.",
                        reason="no_sites")
    return _complete_sign_in(strategy, token, sites)


def _complete_sign_in(strategy, token: Mapping, sites: list[Site]):
    """Store the record, give the session a new id, then pick the site (or ask which)."""
    next_path = safe_next(session.pop(NEXT_KEY, None))
    strategy.forget_tokens()
    session.pop(ADMIN_KEY, None)
    session.pop("csrf_token", None)  # a new CSRF token for the signed-in session
    record_id = strategy.store.create(TokenRecord.from_token(token, time.time()))
    session[AUTH_KEY] = {"record": record_id, "sites": [site.as_dict() for site in sites], "site": None}
    current_app.session_interface.regenerate(session)  # after the state was consumed: no fixation
    if len(sites) > 1:
        return redirect(url_for("auth.sites", next=next_path))
    try:
        changed_hands = strategy.use_site(sites[0])
    except JiraError as error:
        strategy.forget_tokens()
        log.warning("Reading the signed-in person failed: %s", type(error).__name__)
        return _failure(502, "Sign-in did not complete", "Jira did not say who you are. Start again.")
    return redirect("/" if changed_hands else next_path)  # another's page to return to is not theirs


@bp.route("/sites", methods=["GET", "POST"])
def sites():
    """Choose the Jira site to work on, among those the grant reaches."""
    strategy = current_strategy()
    info = session.get(AUTH_KEY)
    form = SiteForm(formdata=request.form if request.method == "POST" else None,
                    data={"next": request.args.get("next")})
    next_path = safe_next(form.next.data)
    form.next.data = next_path
    if not isinstance(info, dict) or strategy.current_record() is None:
        return strategy.login_redirect(next_path)
    grant_sites = [Site.from_api(site) for site in info["sites"]]
    page = {"form": form, "sites": grant_sites, "current": info.get("site")}
    if request.method == "POST":
        chosen = next((site for site in grant_sites if site.id == form.site.data), None)
        if chosen is None:
            return render_template("auth/sites.html", error="Choose one of your sites.", **page), 400
        changed_hands = strategy.use_site(chosen)
        return redirect("/" if changed_hands else next_path)
    return render_template("auth/sites.html", error=None, **page)


@bp.post("/logout")
def logout():
    """Delete the token record and the server-side session; the old cookie is anonymous after."""
    strategy = current_strategy()
    if strategy.admin_session_active():
        log.warning("Emergency admin session ended")
    events.signed_out((session.get(AUTH_KEY) or {}).get("account_id"))
    strategy.forget_tokens()
    session.clear()  # an empty session is deleted from the store and its cookie removed
    return redirect(url_for("auth.login", signed_out=1))


@bp.get("/account")
def account():
    """Who you are, which site, the scopes granted, and when the tokens and the grant run out."""
    strategy = current_strategy()
    if not strategy.is_signed_in() or strategy.admin_session_active():
        return strategy.login_redirect(request.path)
    return render_template("auth/account.html", info=session[AUTH_KEY], record=strategy.current_record())
