"""Deleting an attachment: a confirmation page naming the file, then one delete under a one-time token.

The issue the file hangs on travels with the form (``?issue=KEY``, checked like any key) so the
person lands back on it; Jira alone decides whether this person may delete the file (its own,
or anyone's), and a refusal comes back on the confirmation page with Jira's status.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from jira_client.api import keys
from jira_client.api.attachments import AttachmentsApi
from jira_client.api.errors import JiraError
from jira_client.web.forms import once
from jira_client.web.forms.screens import ConfirmForm
from jira_client.web.jira import get_jira, login_required


@login_required
def delete(attachment_id: str):
    """Confirm (GET), then delete (POST) an attachment, and go back to its issue."""
    key = _issue_key()
    api = AttachmentsApi(get_jira())
    form = ConfirmForm()
    if request.method == "GET":
        return _page(key, attachment_id, api.get(attachment_id).filename, form)
    back = url_for("issues.show", key=key, _anchor="attachments")
    try:
        outcome = once.submit_once(lambda: api.delete(attachment_id), back)
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return _page(key, attachment_id, request.form.get("name", ""), form, page, page.status)
    if not outcome.repeated:
        flash("The attachment was deleted.", "success")
    return redirect(outcome.url)


def _issue_key() -> str:
    """Return the issue the form came from, or answer 404 for one that cannot be a key."""
    try:
        return keys.issue_key(request.values.get("issue", ""))
    except keys.InvalidKey:
        abort(404)


def _page(key: str, attachment_id: str, name: str, form: ConfirmForm, error=None, status: int = 200):
    return render_template("attachments/delete.html", key=key, attachment_id=attachment_id, name=name,
                           form=form, error=error), status
