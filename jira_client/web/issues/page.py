"""The issue page: one issue with its comments, links, subtasks, watchers and time, in one call to Jira."""

from __future__ import annotations

from flask import render_template, request

from jira_client.web import personal
from jira_client.web.attachments.embedded import media_for
from jira_client.web.forms.drafts import take_draft
from jira_client.web.forms.screens import CommentForm
from jira_client.web.issues import activity, comment_pages, sections
from jira_client.web.jira import get_jira, login_required


@login_required
def show(key: str):
    """The issue, a page of its comments, and the comment form (filled in again from a draft)."""
    return render_issue(key, CommentForm(data=take_draft(request.path)))


def render_issue(key: str, form: CommentForm, status: int = 200, error=None):
    """Render an issue page: one call brings the issue, every field, its comments and its transitions.

    A page of comments that Jira did not embed takes a second call (``comment_pages``).
    """
    jira = get_jira()
    tab = activity.chosen_tab()
    issue = jira.get_issue(key, with_activity=activity.needs_issue_activity(tab))
    personal.saw_issue(issue.key or key, issue.summary)
    comments = comment_pages.comment_page(jira, issue, comment_pages.chosen_order())
    return render_template(
        "issues/show.html", issue=issue, comments=comments.comments, pages=comments, form=form, error=error,
        transitions=[t for t in issue.transitions if not _stays(t, issue)],
        adf_media=media_for(issue),  # handed over, not looked up again for each of 50 comments
        **sections.collect(issue, tab),
    ), status


def _stays(transition, issue) -> bool:
    """Return whether a transition leads to the status the issue is in already (no button for that)."""
    return bool(transition.to and issue.status and transition.to.name == issue.status.name)
