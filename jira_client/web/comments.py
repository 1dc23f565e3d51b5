"""Comments: add one, and edit or delete one's own. A failed post brings the form back with what
was typed; a one-time token (``web.once``) means a double click never posts twice. Jira judges
who may edit or delete; the page offers the controls only on the person's own comments.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jira_client.api import adf
from jira_client.api.errors import JiraError
from jira_client.web import form_drafts, once, viewer
from jira_client.web.forms import CommentEditForm, CommentForm, ConfirmForm
from jira_client.web.issues import render_issue
from jira_client.web.jira import get_jira, login_required

bp = Blueprint("comments", __name__)


@bp.post("/issues/<issue_key:key>/comments")
@form_drafts.keeps_form(page_of=lambda key: url_for("issues.show", key=key))
@login_required
def create(key: str):
    """Add a comment; the issue page comes back with the form still filled in when that fails."""
    form = CommentForm()
    if not form.validate_on_submit():
        return _form_again(key, form, status=400)
    try:
        with once.Attempt() as run:  # a double click posts one comment
            if run.result:
                return redirect(run.result)
            comment = get_jira().add_comment(key, adf.from_markdown(form.body.data))
            run.finish(url_for("issues.show", key=key, comments="last", _anchor=f"comment-{comment.id}"))
        viewer.remember(comment.author)
    except once.Refused as refusal:
        return _form_again(key, form, status=refusal.page.status, error=refusal.page)
    except JiraError as error:  # multi_user: an ended sign-in keeps the text and signs in again
        page = once.failure_page(error)
        return (form_drafts.sign_in_for(error, url_for("issues.show", key=key))
                or _form_again(key, form, status=page.status, error=page))
    flash("Your comment was added.", "success")
    return redirect(url_for("issues.show", key=key, comments="last", _anchor=f"comment-{comment.id}"))


def _form_again(key: str, form: CommentForm, status: int, error=None):
    """Show the issue with the form still filled in; if Jira is down, show the form alone."""
    try:
        return render_issue(key, form, status=status, error=error)
    except JiraError:
        return render_template("comments/retry.html", key=key, form=form, error=error), status


@bp.route("/issues/<issue_key:key>/comments/<numeric_id:comment_id>/edit", methods=["GET", "POST"])
@form_drafts.keeps_form
@login_required
def edit(key: str, comment_id: str):
    """Change one's own comment; one Markdown cannot carry losslessly is not offered for editing."""
    comment = get_jira().get_comment(key, comment_id)
    text, lossless = adf.to_markdown(comment.body)
    form = CommentEditForm(data={"body": text, **form_drafts.restore()} if request.method == "GET" else None)
    if not lossless or request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400 if lossless else 409
        return _edit_page(key, comment, form, lossless, status=status)
    try:
        with once.Attempt() as run:
            if run.result:
                return redirect(run.result)
            get_jira().update_comment(key, comment_id, adf.from_markdown(form.body.data))
            run.finish(url_for("issues.show", key=key, _anchor=f"comment-{comment_id}"))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return form_drafts.sign_in_for(error) or _edit_page(key, comment, form, lossless, page.status, page)
    flash("Your comment was changed.", "success")
    return redirect(url_for("issues.show", key=key, _anchor=f"comment-{comment_id}"))


@bp.route("/issues/<issue_key:key>/comments/<numeric_id:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete(key: str, comment_id: str):
    """Confirm, then delete a comment; Jira decides whether this person may."""
    form = ConfirmForm()
    if request.method == "GET":
        comment = get_jira().get_comment(key, comment_id)
        return render_template("comments/delete.html", key=key, comment=comment, form=form, error=None)
    try:
        with once.Attempt() as run:
            if run.result:
                return redirect(run.result)
            get_jira().delete_comment(key, comment_id)
            run.finish(url_for("issues.show", key=key, _anchor="comments"))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return render_template("comments/delete.html", key=key, comment=None, form=form, error=page), page.status
    flash("The comment was deleted.", "success")
    return redirect(url_for("issues.show", key=key, _anchor="comments"))


def _edit_page(key: str, comment, form: CommentEditForm, lossless: bool, status: int = 200, error=None):
    return render_template(
        "comments/edit.html", key=key, comment=comment, form=form, lossless=lossless, error=error,
    ), status
