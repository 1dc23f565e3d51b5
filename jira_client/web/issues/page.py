"""The issue page: one issue with its comments, links, subtasks, watchers and time, in one call to Jira."""

from __future__ import annotations

from flask import render_template, request

from jira_client.web import personal
from jira_client.web.forms.drafts import take_draft
from jira_client.web.forms.screens import CommentForm
from jira_client.web.issues import activity, sections
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import int_arg

COMMENTS_PER_PAGE = 50


@login_required
def show(key: str):
    """The issue, a page of its comments, and the comment form (filled in again from a draft)."""
    return render_issue(key, CommentForm(data=take_draft(request.path)))


def render_issue(key: str, form: CommentForm, status: int = 200, error=None):
    """Render an issue page: one call brings the issue, its first comments and its transitions.

    A page of comments that Jira did not embed (a later page, or more than it embeds) takes a
    second call; ``?comments=last`` opens the page with the newest comment.
    """
    jira = get_jira()
    tab = activity.chosen_tab()
    issue = jira.get_issue(key, with_activity=activity.needs_issue_activity(tab))
    personal.saw_issue(issue.key or key, issue.summary)
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
        **sections.collect(issue, tab),
    ), status
