"""The columns of an issue list: which exist, which a person chose (kept per person), and the
header links that sort by one of them by rewriting the query's ORDER BY.

Key and summary are always shown. Each column names the JQL field it sorts by, from this table
only, so a sort link never carries a field name that came from the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import redirect, request

from jira_client.api import jql
from jira_client.web import personal
from jira_client.web.jira import login_required
from jira_client.auth.session_data import safe_next


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    field: str  # the JQL field ORDER BY uses
    newest_first: bool = False  # the first click sorts descending (dates, priority)


COLUMNS = (
    Column("key", "Key", "key"),
    Column("summary", "Summary", "summary"),
    Column("type", "Type", "issuetype"),
    Column("status", "Status", "status"),
    Column("assignee", "Assignee", "assignee"),
    Column("priority", "Priority", "priority", newest_first=True),
    Column("project", "Project", "project"),
    Column("created", "Created", "created", newest_first=True),
    Column("updated", "Updated", "updated", newest_first=True),
)
BY_ID = {column.id: column for column in COLUMNS}
ALWAYS = ("key", "summary")
CHOOSABLE = tuple(c for c in COLUMNS if c.id not in ALWAYS)
DEFAULT = ("status", "assignee", "priority", "updated")


def shown() -> list[Column]:
    """Return the columns this person's lists show, in the table's order."""
    chosen = personal.columns()
    wanted = set(ALWAYS) | set(DEFAULT if chosen is None else chosen)
    return [c for c in COLUMNS if c.id in wanted]


@dataclass(frozen=True)
class Header:
    """A column header: its label, the URL that sorts by it (None: no safe rewrite) and its sort state."""

    column: Column
    url: str | None
    sorted: str = ""  # "", "ascending" or "descending" (the aria-sort values)


def headers(columns: list[Column], query: str, link) -> list[Header]:
    """Return the headers of a list of ``query``'s results; ``link(jql)`` makes a header's URL.

    Clicking the column the list is sorted by turns the order round; another column sorts by it,
    newest or highest first for dates and priority, keeping the query's other sort keys after it.
    """
    current = jql.current_sort(query)
    result = []
    for column in columns:
        state = ""
        descending = column.newest_first
        if current is not None and current.name == column.field:
            now_descending = column.newest_first if current.descending is None else current.descending
            state = "descending" if now_descending else "ascending"
            descending = not now_descending
        rewritten = jql.with_order(query, column.field, descending)
        result.append(Header(column, link(rewritten) if rewritten else None, state))
    return result


@login_required
def save():
    """Keep the columns ticked in the form, then go back to the list it came from."""
    chosen = [c.id for c in CHOOSABLE if c.id in request.form.getlist("columns")]
    personal.choose_columns(chosen)
    return redirect(safe_next(request.form.get("next")))
