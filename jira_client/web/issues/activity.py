"""The issue page's activity section, with Jira's tabs: All, Comments, History and Work log.

- Comments (the default) are the page's comment section: no call beyond the issue's own.
- History is the changelog, oldest first like Jira's, ``PER_PAGE`` entries a page: one call.
- Work log is the issue's entries, oldest first, paged the same way: one call.
- All mixes the recent history, work log and comments, newest first. It costs no call of its
  own: the issue's one call asks for the recent changelog and work log too (``with_activity``).

A tab whose call fails shows Jira's reason inside the section; the rest of the page stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from flask import request

from jira_client.api import durations
from jira_client.api.errors import AuthError, JiraError
from jira_client.api.models import ChangeItem, Issue
from jira_client.web.errors import ErrorPage, describe
from jira_client.web.jira import get_jira
from jira_client.web.lists import int_arg

ALL, COMMENTS, HISTORY, WORKLOG = "all", "comments", "history", "worklog"
TABS = ((ALL, "All"), (COMMENTS, "Comments"), (HISTORY, "History"), (WORKLOG, "Work log"))
PER_PAGE = 25
# Changelog fields whose values are seconds: shown in Jira's notation.
DURATION_FIELDS = {"timespent", "timeestimate", "timeoriginalestimate", "WorklogTimeSpent"}
FIELD_LABELS = {
    "timespent": "Time Spent", "timeestimate": "Remaining Estimate", "timeoriginalestimate": "Original Estimate",
    "WorklogId": "Worklog Id", "WorklogTimeSpent": "Worklog Time Spent", "IssueParentAssociation": "Parent",
    "duedate": "Due date", "issuetype": "Issue Type", "fixVersions": "Fix Version",
}
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def chosen_tab() -> str:
    """Return the tab asked for (``?tab=``), Comments by default."""
    tab = request.args.get("tab", COMMENTS)
    return tab if tab in dict(TABS) else COMMENTS


def needs_issue_activity(tab: str) -> bool:
    """Return whether the issue's one call should bring the recent changelog and work log (the All tab)."""
    return tab == ALL


@dataclass(frozen=True)
class Change:
    """One field change as a person reads it."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One line of activity: a history entry, a work log entry or a comment."""

    kind: str  # "history", "worklog" or "comment"
    when: datetime | None
    item: Any
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Activity:
    """What the activity section shows for the chosen tab."""

    tab: str
    entries: tuple[Entry, ...] = ()
    start: int = 0
    total: int | None = None
    previous: int | None = None
    next: int | None = None
    last: int | None = None
    error: ErrorPage | None = None
    more: bool = False  # All: Jira holds more than the recent part shown
    tabs: tuple = field(default=TABS)


def load(issue: Issue, tab: str) -> Activity:
    """Return the chosen tab's entries (History and Work log: one call, a page at a time)."""
    if tab == ALL:
        return _everything(issue)
    if tab not in (HISTORY, WORKLOG):
        return Activity(tab)
    start = int_arg("start")
    jira = get_jira()
    try:
        if tab == HISTORY:
            page = jira.list_changelog(issue.key, start_at=start, max_results=PER_PAGE)
            entries = tuple(_history(h) for h in page)
        else:
            page = jira.list_worklogs(issue.key, start_at=start, max_results=PER_PAGE)
            entries = tuple(Entry("worklog", w.started, w) for w in page)
    except AuthError:
        raise
    except JiraError as error:
        return Activity(tab, error=describe(error))
    total = page.total if page.total is not None else start + len(entries)
    last = (total - 1) // PER_PAGE * PER_PAGE if total else 0
    return Activity(tab, entries, start=start, total=total, previous=max(start - PER_PAGE, 0) if start else None,
                    next=page.next_cursor if isinstance(page.next_cursor, int) else None,
                    last=last if last > start else None)


def readable(item: ChangeItem) -> Change:
    """Return a changelog item as a person reads it: the field's name, and the values before and after."""
    label = FIELD_LABELS.get(item.field) or FIELD_LABELS.get(item.field_id) or item.field[:1].upper() + item.field[1:]
    if item.field in DURATION_FIELDS or item.field_id in DURATION_FIELDS:
        return Change(label, _duration(item.from_text or item.from_raw), _duration(item.to_text or item.to_raw))
    return Change(label, item.from_text or item.from_raw or "", item.to_text or item.to_raw or "")


def _duration(value: str | None) -> str:
    return durations.as_text(int(value)) if value and value.isdigit() else (value or "")


def _history(entry) -> Entry:
    return Entry("history", entry.created, entry, tuple(readable(i) for i in entry.items))


def _everything(issue: Issue) -> Activity:
    """Return the recent history, work log and comments the issue's call brought, newest first."""
    entries = [_history(h) for h in issue.changelog or ()]
    entries += [Entry("worklog", w.created or w.started, w) for w in issue.worklogs or ()]
    entries += [Entry("comment", c.created, c) for c in issue.comments]
    entries.sort(key=lambda e: e.when or _EPOCH, reverse=True)
    more = any(page is not None and page.total is not None and page.total > len(page.items)
               for page in (issue.changelog, issue.worklogs, issue.comments))
    return Activity(ALL, tuple(entries), total=len(entries), more=more)
