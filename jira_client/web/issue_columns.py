"""The columns of issue lists (search results, a project's issues): which exist, which a person
chose (kept per person, see ``personal``), and the header links that sort by one of them.

Key and summary are always shown. Each column names the JQL field it sorts by, from this table
only, so a sort link never carries a field name that came from the request: on the search page
the link holds the person's query with a new ORDER BY (``jql.with_order``), on a project page
just the column's id and a direction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import redirect, request

from jira_client.api import jql
from jira_client.auth.session_data import safe_next
from jira_client.web import personal
from jira_client.web.jira import login_required


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


def fields_for(columns: list[Column]) -> tuple[str, ...]:
    """Return the Jira fields a list with ``columns`` must ask for (only those: each costs bytes)."""
    return tuple(dict.fromkeys(("summary", *(c.field for c in columns if c.field != "key"))))


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


def headers(columns: list[Column], current: jql.SortKey | None,
            link: Callable[[Column, bool], str | None]) -> list[Header]:
    """Return the headers of a list sorted by ``current``; ``link(column, descending)`` makes a header's URL.

    Clicking the column the list is sorted by turns the order round; another column sorts by it,
    newest or highest first for dates and priority.
    """
    result = []
    for column in columns:
        state, descending = "", column.newest_first
        if current is not None and current.name == column.field:
            now_descending = column.newest_first if current.descending is None else current.descending
            state = "descending" if now_descending else "ascending"
            descending = not now_descending
        result.append(Header(column, link(column, descending), state))
    return result


def query_headers(columns: list[Column], query: str, url: Callable[[str], str]) -> list[Header]:
    """Return the headers of a list of ``query``'s results, each linking to ``url(query with a new ORDER BY)``.

    The column becomes the first sort key and the query's other keys follow it.
    """
    def link(column: Column, descending: bool) -> str | None:
        rewritten = jql.with_order(query, column.field, descending)
        return url(rewritten) if rewritten else None

    return headers(columns, jql.current_sort(query), link)


def chosen_sort(column_id: str | None, direction: str | None) -> jql.SortKey | None:
    """Return the sort a list's ``sort`` and ``dir`` arguments ask for (None when they name no column)."""
    column = BY_ID.get(column_id or "")
    if column is None:
        return None
    return jql.SortKey(column.field, direction == "desc" if direction in ("asc", "desc") else column.newest_first)


@login_required
def save():
    """Keep the columns ticked in the form, then go back to the list it came from."""
    chosen = [c.id for c in CHOOSABLE if c.id in request.form.getlist("columns")]
    personal.choose_columns(chosen)
    return redirect(safe_next(request.form.get("next")))
