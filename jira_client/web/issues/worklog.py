"""The work log: log work, and change or delete one's own entries.

Time is typed in Jira's notation (``1w 2d 3h 30m``) and checked here before anything is sent
(``api.durations``), then sent as typed, cleaned, so the site's own hours per day count. The
start is a date and a time in UTC; the comment is Markdown, sent as ADF as comments are. The
remaining estimate moves as Jira offers: automatically, set to a value, reduced (or, when
deleting, increased) by an amount, or left alone. Every submit is one-time; a refused one comes
back with what was typed and Jira's reasons next to the fields.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import adf, durations
from jira_client.api.errors import JiraError
from jira_client.api.models import Worklog
from jira_client.web import viewer
from jira_client.web.forms import drafts, field_form, once
from jira_client.web.forms.screens import WorklogDeleteForm, WorklogEditForm, WorklogForm
from jira_client.web.jira import get_jira, login_required

JIRA_FIELDS = {"timeLogged": "time_spent", "timeSpent": "time_spent", "timeSpentSeconds": "time_spent",
               "started": "started_date", "newEstimate": "new_estimate", "reduceBy": "reduce_by",
               "increaseBy": "increase_by", "comment": "comment"}


@drafts.keeps_form
@login_required
def log_work(key: str):
    """Log work on an issue; the issue page comes back with its time tracking moved."""
    if request.method == "GET":
        now = datetime.now(timezone.utc)
        form = WorklogForm(data={"started_date": now.strftime("%Y-%m-%d"), "started_time": now.strftime("%H:%M"),
                                 **drafts.restore()})
        return _form_page("issues/worklog_new.html", key, form)
    form = WorklogForm()
    if not form.validate_on_submit() or not _started_ok(form):
        return _form_page("issues/worklog_new.html", key, form, status=400)
    entry = {"timeSpent": durations.clean(form.time_spent.data), "started": _started(form), **_comment(form.comment.data)}
    estimate = estimate_params(form.adjust.data, form.new_estimate.data, form.reduce_by.data, "reduceBy")
    try:
        outcome = once.submit_once(lambda: get_jira().add_worklog(key, entry, estimate),
                                   url_for("issues.show", key=key, _anchor="time-tracking"))
    except (JiraError, once.Refused) as error:
        return drafts.sign_in_for(error) or _refused("issues/worklog_new.html", key, form, error)
    if not outcome.repeated:
        viewer.remember(outcome.value.author)
        flash(f"Logged {outcome.value.time_spent or form.time_spent.data} on {key}.", "success")
    return redirect(outcome.url)


@drafts.keeps_form
@login_required
def edit_worklog(key: str, worklog_id: str):
    """Change one's own entry; a comment Markdown cannot carry whole is shown and left as it is."""
    entry = get_jira().get_worklog(key, worklog_id)
    text, lossless = adf.to_markdown(entry.comment) if entry.comment else ("", True)
    if request.method == "GET":
        started = (entry.started or datetime.now(timezone.utc)).astimezone(timezone.utc)
        form = WorklogEditForm(data={"time_spent": entry.time_spent, "started_date": started.strftime("%Y-%m-%d"),
                                     "started_time": started.strftime("%H:%M"), "comment": text, **drafts.restore()})
        return _form_page("issues/worklog_edit.html", key, form, entry=entry, lossless=lossless)
    form = WorklogEditForm()
    if not form.validate_on_submit() or not _started_ok(form):
        return _form_page("issues/worklog_edit.html", key, form, status=400, entry=entry, lossless=lossless)
    changes = {"timeSpent": durations.clean(form.time_spent.data), "started": _started(form)}
    if lossless:
        changes.update(_comment(form.comment.data) or ({"comment": None} if entry.comment else {}))
    estimate = estimate_params(form.adjust.data, form.new_estimate.data, "", "")
    try:
        outcome = once.submit_once(lambda: get_jira().update_worklog(key, worklog_id, changes, estimate),
                                   url_for("issues.show", key=key, tab="worklog", _anchor=f"worklog-{worklog_id}"))
    except (JiraError, once.Refused) as error:
        return drafts.sign_in_for(error) or _refused("issues/worklog_edit.html", key, form, error, entry=entry,
                                                     lossless=lossless)
    if not outcome.repeated:
        flash("Your work log entry was changed.", "success")
    return redirect(outcome.url)


@login_required
def delete_worklog(key: str, worklog_id: str):
    """Confirm, then delete one's own entry, saying what becomes of the remaining estimate."""
    if request.method == "GET":
        entry = get_jira().get_worklog(key, worklog_id)
        return _form_page("issues/worklog_delete.html", key, WorklogDeleteForm(), entry=entry)
    form = WorklogDeleteForm()
    if not form.validate_on_submit():
        return _form_page("issues/worklog_delete.html", key, form, status=400, entry=None, worklog_id=worklog_id)
    estimate = estimate_params(form.adjust.data, form.new_estimate.data, form.increase_by.data, "increaseBy")
    try:
        outcome = once.submit_once(lambda: get_jira().delete_worklog(key, worklog_id, estimate),
                                   url_for("issues.show", key=key, tab="worklog", _anchor="activity"))
    except (JiraError, once.Refused) as error:
        return drafts.sign_in_for(error) or _refused("issues/worklog_delete.html", key, form, error, entry=None,
                                                     worklog_id=worklog_id)
    if not outcome.repeated:
        flash("The work log entry was deleted.", "success")
    return redirect(outcome.url)


def estimate_params(mode: str, new_estimate: str | None, amount: str | None, amount_name: str) -> dict:
    """Return Jira's query parameters for what happens to the remaining estimate."""
    params = {"adjustEstimate": mode}
    if mode == "new":
        params["newEstimate"] = durations.clean(new_estimate)
    elif mode == "manual":
        params[amount_name] = durations.clean(amount)
    return params


def is_mine(entry: Worklog) -> bool:
    """Return whether the entry is the current person's (known without asking Jira)."""
    me = viewer.known_account_id()
    return bool(me and entry.author and entry.author.account_id == me)


def _started_ok(form: WorklogForm) -> bool:
    """Check the start's shape; put a message on the field that is wrong."""
    for field, pattern, message in ((form.started_date, "%Y-%m-%d", "Enter the date as YYYY-MM-DD."),
                                    (form.started_time, "%H:%M", "Enter the time as HH:MM (UTC).")):
        try:
            datetime.strptime((field.data or "").strip(), pattern)
        except ValueError:
            field.errors = [*field.errors, message]
            return False
    return True


def _started(form: WorklogForm) -> str:
    """Return the start as Jira takes it: ``2026-11-20T09:30:00.000+0000``."""
    return f"{form.started_date.data.strip()}T{form.started_time.data.strip()}:00.000+0000"


def _comment(text: str | None) -> dict:
    """Return the entry's comment as ADF, or nothing when none was written."""
    return {"comment": adf.from_markdown(text)} if (text or "").strip() else {}


def _refused(template: str, key: str, form, error, **page):
    """Show the form again with Jira's reasons, field by field where Jira named the field."""
    if isinstance(error, JiraError):
        error.field_errors = {JIRA_FIELDS.get(name, name): text for name, text in error.field_errors.items()}
    status, box = field_form.explain(form, error)
    return _form_page(template, key, form, status=status, error=box, **page)


def _form_page(template: str, key: str, form, status: int = 200, error=None, **page):
    return render_template(template, key=key, form=form, error=error, **page), status
