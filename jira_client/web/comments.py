"""Adding a comment. A failed post brings the form back with what was typed; never sent twice."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from jira_client.api import adf
from jira_client.api.errors import JiraError
from jira_client.web.errors import describe
from jira_client.web.forms import CommentForm
from jira_client.web.issues import render_issue
from jira_client.web.jira import get_jira, login_required

bp = Blueprint("comments", __name__)


@bp.post("/issues/<issue_key:key>/comments")
@login_required
def create(key: str):
    form = CommentForm()
    if not form.validate_on_submit():
        return _form_again(key, form, status=400)
    try:
        comment = get_jira().add_comment(key, adf.from_markdown(form.body.data))
    except JiraError as error:
        page = describe(error)
        return _form_again(key, form, status=page.status, error=page)
    flash("Your comment was added.", "success")
    return redirect(url_for("issues.show", key=key, comments="last", _anchor=f"comment-{comment.id}"))


def _form_again(key: str, form: CommentForm, status: int, error=None):
    """Show the issue with the form still filled in; if Jira is down, show the form alone."""
    try:
        return render_issue(key, form, status=status, error=error)
    except JiraError:
        return render_template("comments/retry.html", key=key, form=form, error=error), status
