"""Comments: add one, and edit or delete one's own. A failed post brings the form back with what
was typed; a one-time token (``forms.once``) means a double click never posts twice. Jira judges
who may edit or delete; the page offers the controls only on the person's own comments.

A comment Markdown cannot carry whole (one with an image, say) is edited around what it cannot
carry, like a description (``forms.rich_text``): the text parts are text areas, the rest is shown
as placeholders and sent back exactly, so an image stays where it was.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import adf
from jira_client.api.errors import JiraError
from jira_client.web import viewer
from jira_client.api.models import FieldMeta
from jira_client.web.forms import drafts, field_form, jira_fields, once, rich_text
from jira_client.web.forms.screens import CommentEditForm, CommentForm, CommentPartsForm, ConfirmForm
from jira_client.web.issues.page import render_issue
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import int_arg


@drafts.keeps_form(page_of=lambda key: url_for("issues.show", key=key))
@login_required
def add_comment(key: str):
    """Add a comment; the issue page comes back with the form still filled in when that fails."""
    form = CommentForm()
    if not form.validate_on_submit():
        return _form_again(key, form, status=400)
    try:
        outcome = once.submit_once(  # a double click posts one comment
            lambda: get_jira().add_comment(key, adf.from_markdown(form.body.data)),
            lambda comment: url_for("issues.show", key=key, comments="last", _anchor=f"comment-{comment.id}"),
        )
    except once.Refused as refusal:
        return _form_again(key, form, status=refusal.page.status, error=refusal.page)
    except JiraError as error:  # multi_user: an ended sign-in keeps the text and signs in again
        page = once.failure_page(error)
        return (drafts.sign_in_for(error, url_for("issues.show", key=key))
                or _form_again(key, form, status=page.status, error=page))
    if not outcome.repeated:
        viewer.remember(outcome.value.author)
        flash("Your comment was added.", "success")
    return redirect(outcome.url)


def _form_again(key: str, form: CommentForm, status: int, error=None):
    """Show the issue with the form still filled in; if Jira is down, show the form alone."""
    try:
        return render_issue(key, form, status=status, error=error)
    except JiraError:
        return render_template("issues/comment_retry.html", key=key, form=form, error=error), status


@drafts.keeps_form
@login_required
def edit_comment(key: str, comment_id: str):
    """Change one's own comment; one Markdown cannot carry losslessly is not offered for editing."""
    comment = get_jira().get_comment(key, comment_id)
    text, lossless = adf.to_markdown(comment.body)
    if not lossless and rich_text.texts(rich_text.split(comment.body)):
        return _edit_in_parts(key, comment)
    form = CommentEditForm(data={"body": text, **drafts.restore()} if request.method == "GET" else None)
    if not lossless or request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400 if lossless else 409
        return _edit_page(key, comment, form, lossless, status=status)
    try:
        outcome = once.submit_once(
            lambda: get_jira().update_comment(key, comment_id, adf.from_markdown(form.body.data)),
            url_for("issues.show", key=key, comments=int_arg("back") or None, _anchor=f"comment-{comment_id}"),
        )
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return drafts.sign_in_for(error) or _edit_page(key, comment, form, lossless, page.status, page)
    if not outcome.repeated:
        flash("Your comment was changed.", "success")
    return redirect(outcome.url)


@login_required
def delete_comment(key: str, comment_id: str):
    """Confirm, then delete a comment; Jira decides whether this person may."""
    form = ConfirmForm()
    if request.method == "GET":
        comment = get_jira().get_comment(key, comment_id)
        return render_template("issues/comment_delete.html", key=key, comment=comment, form=form, error=None)
    try:
        outcome = once.submit_once(lambda: get_jira().delete_comment(key, comment_id),
                                   url_for("issues.show", key=key, _anchor="comments"))
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return render_template("issues/comment_delete.html", key=key, comment=None, form=form, error=page), page.status
    if not outcome.repeated:
        flash("The comment was deleted.", "success")
    return redirect(outcome.url)


# The comment's body as a rich-text field, so the field forms edit it in parts.
BODY = FieldMeta(id="body", name="Your comment", required=False, type="string", custom=jira_fields.CUSTOM + "textarea")


def _edit_in_parts(key: str, comment):
    """Edit the parts of a comment that Markdown carries; send the others back as they were."""
    parts = {BODY.id: rich_text.split(comment.body)}
    texts = rich_text.texts(parts[BODY.id])
    if request.method == "GET":
        form = field_form.build(CommentPartsForm, [BODY], partial=parts,
                                data={BODY.id: rich_text.SEPARATOR.join(texts), **drafts.restore()})
        return _edit_page(key, comment, form, lossless=False, rows=field_form.rows(form, [BODY], parts))
    form = field_form.build(CommentPartsForm, [BODY], partial=parts, posted=True)
    rows = field_form.rows(form, [BODY], parts)
    if not form.validate_on_submit():
        return _edit_page(key, comment, form, False, 400, rows=rows)
    edited = [form[f"{BODY.id}{field_form.PART_SUFFIX}{n}"].data or "" for n in range(len(texts))]
    try:
        outcome = once.submit_once(
            lambda: get_jira().update_comment(key, comment.id, rich_text.join(parts[BODY.id], edited)),
            url_for("issues.show", key=key, comments=int_arg("back") or None, _anchor=f"comment-{comment.id}"),
        )
    except (JiraError, once.Refused) as error:
        page = once.failure_page(error)
        return drafts.sign_in_for(error) or _edit_page(key, comment, form, False, page.status, page, rows=rows)
    if not outcome.repeated:
        flash("Your comment was changed.", "success")
    return redirect(outcome.url)


def _edit_page(key: str, comment, form, lossless: bool, status: int = 200, error=None, rows=()):
    """Render the comment's edit page: one text area, text areas around kept parts (``rows``), or nothing to edit."""
    return render_template(
        "issues/comment_edit.html", key=key, comment=comment, form=form, lossless=lossless, error=error, rows=rows,
    ), status
