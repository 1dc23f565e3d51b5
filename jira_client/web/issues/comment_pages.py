"""Which comments the issue page shows: 50 at a time, newest first unless the person chose oldest.

The order is a toggle (``?order=oldest`` / ``newest``) remembered in the person's session. Jira
embeds an issue's comments in the issue's own answer, so the page usually needs no second call;
a page Jira did not embed costs one ``GET .../comment`` in the chosen order. ``?comments=N`` opens
the page starting at the Nth comment of that order; ``?comments=last`` the page holding the newest.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, session

from jira_client.api.client import JiraClient
from jira_client.api.models import Comment, Issue
from jira_client.web.lists import int_arg

PER_PAGE = 50
ORDER_KEY = "comment_order"
NEWEST, OLDEST = "newest", "oldest"


@dataclass(frozen=True)
class CommentPage:
    """One page of comments and where the pages around it start."""

    comments: tuple[Comment, ...]
    order: str
    start: int
    total: int
    previous: int | None
    next: int | None


def chosen_order() -> str:
    """Return the order asked for now (and remember it), else the one remembered, else newest first."""
    asked = request.args.get("order")
    if asked in (NEWEST, OLDEST):
        if session.get(ORDER_KEY, NEWEST) != asked:
            session[ORDER_KEY] = asked
        return asked
    remembered = session.get(ORDER_KEY)
    return remembered if remembered in (NEWEST, OLDEST) else NEWEST


def comment_page(jira: JiraClient, issue: Issue, order: str) -> CommentPage:
    """Return the page of ``issue``'s comments the request asks for, in ``order``."""
    embedded = issue.comments
    total = embedded.total if embedded.total is not None else len(embedded)
    last = (total - 1) // PER_PAGE * PER_PAGE if total else 0
    if request.args.get("comments") == "last":
        start = 0 if order == NEWEST else last
    else:
        start = min(int_arg("comments"), last)
    start -= start % PER_PAGE
    end = min(start + PER_PAGE, total)
    everything = embedded.start_at == 0 and len(embedded.items) >= total
    if everything:
        ordered = embedded.items[::-1] if order == NEWEST else embedded.items
        comments = tuple(ordered[start:end])
    elif order == OLDEST and embedded.start_at == 0 and end <= len(embedded.items):
        comments = tuple(embedded.items[start:end])
    else:
        comments = jira.list_comments(issue.key, start_at=start, max_results=PER_PAGE, newest_first=order == NEWEST).items
    return CommentPage(
        comments=comments, order=order, start=start, total=total,
        previous=max(start - PER_PAGE, 0) if start else None,
        next=start + PER_PAGE if start + PER_PAGE < total else None,
    )
