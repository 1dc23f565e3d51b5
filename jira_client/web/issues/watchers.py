"""Watchers: the list (one call when opened), and watching or not watching an issue oneself.

The issue page shows the count and whether the person watches from its one call (the
``watches`` field). Anyone who may browse an issue may watch it, so the buttons are always
offered; Jira judges. Who "oneself" is comes from ``viewer.account_id`` (at most one ``myself``
call per session in single_user).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from jira_client.api.errors import AuthError, JiraError
from jira_client.web import viewer
from jira_client.web.errors import render_error
from jira_client.web.forms import drafts, once
from jira_client.web.jira import get_jira, login_required


@login_required
def watchers(key: str):
    """List who watches an issue, with the button to watch or stop watching."""
    found = get_jira().list_watchers(key)
    return render_template("issues/watchers.html", key=key, watches=found)


@login_required
def watch(key: str):
    """Start (``watch=on``) or stop (``watch=off``) watching an issue; one-time."""
    start = request.form.get("watch") != "off"
    done = url_for("issues.show", key=key, _anchor="watchers")
    try:
        me = viewer.account_id()  # a read (myself, at most once a session): before the one-time write
        outcome = once.submit_once(lambda: get_jira().watch(key, me) if start else get_jira().unwatch(key, me), done)
    except once.Refused as refusal:
        flash(f"{refusal.page.message} {refusal.page.hint}", "error")
        return redirect(done)
    except AuthError as error:
        return drafts.sign_in_for(error, url_for("issues.show", key=key)) or render_error(once.failure_page(error))
    except JiraError as error:
        return render_error(once.failure_page(error))
    if not outcome.repeated:
        flash(f"You are watching {key}." if start else f"You stopped watching {key}.", "success")
    return redirect(outcome.url)
