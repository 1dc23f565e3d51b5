"""Reading issues: one issue with its comments, and free JQL search."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from jira_client.api.errors import BadRequest
from jira_client.web.drafts import take_draft
from jira_client.web.forms import CommentForm
from jira_client.web.jira import get_jira, login_required
from jira_client.web.listing import PageTokens
from jira_client.web.paging import int_arg

bp = Blueprint("issues", __name__)

COMMENTS_PER_PAGE = 50
RESULTS_PER_PAGE = 50
MAX_JQL_CHARS = 2000


@bp.get("/issues/<issue_key:key>")
@login_required
def show(key: str):
    return render_issue(key, CommentForm(data=take_draft(request.path)))


def render_issue(key: str, form: CommentForm, status: int = 200, error=None):
    """Render an issue page: one call brings the issue, its first comments and its transitions.

    A page of comments that Jira did not embed (a later page, or more than it embeds) takes a
    second call; ``?comments=last`` opens the page with the newest comment.
    """
    jira = get_jira()
    issue = jira.get_issue(key)
    embedded = issue.comments
    total = embedded.total if embedded.total is not None else len(embedded)
    last = (total - 1) // COMMENTS_PER_PAGE * COMMENTS_PER_PAGE if total else 0
    start = last if request.args.get("comments") == "last" else min(int_arg("comments"), last)
    start -= start % COMMENTS_PER_PAGE
    end = min(start + COMMENTS_PER_PAGE, total)
    if embedded.start_at == 0 and end <= len(embedded.items):
        comments = embedded.items[start:end]
    else:
        comments = jira.list_comments(key, start_at=start, max_results=COMMENTS_PER_PAGE).items
    pages = {
        "start": start,
        "total": total,
        "previous": max(start - COMMENTS_PER_PAGE, 0) if start else None,
        "next": start + COMMENTS_PER_PAGE if start + COMMENTS_PER_PAGE < total else None,
    }
    return render_template(
        "issues/show.html", issue=issue, comments=comments, pages=pages, form=form, error=error,
    ), status


@bp.get("/search")
@login_required
def search():
    jql = request.args.get("jql", "").strip()
    if not jql:
        return render_template("issues/search.html", jql="", page=None, error=None)
    if len(jql) > MAX_JQL_CHARS:
        error = f"That query is longer than {MAX_JQL_CHARS} characters."
        return render_template("issues/search.html", jql=jql[:MAX_JQL_CHARS], page=None, error=error), 400
    tokens = PageTokens(jql)
    number = int_arg("page")
    try:
        token = tokens.token_for(number)
    except KeyError:
        return redirect(url_for("issues.search", jql=jql))
    try:
        page = get_jira().search_issues(jql, token, RESULTS_PER_PAGE)
    except BadRequest as error:  # Jira's own words about the JQL are the most useful answer
        message = " ".join(error.details) or error.message
        return render_template("issues/search.html", jql=jql, page=None, error=message), 400
    has_next = tokens.remember(number, page.next_cursor)
    return render_template("issues/search.html", jql=jql, page=page, number=number, has_next=has_next, error=None)
