"""The home page, "Your work" (``/``), and the full list of recently viewed issues (``/recent``).

Three short lists come from Jira, one search each and nothing else (so the page makes at most
three calls): issues assigned to the person and not done, issues they reported, and issues they
watch, each by last update with a "see all" link to the same query on the search page. The
recently viewed issues come from the app's own per-person record (``personal``), with no call.

A list that Jira cannot give says so in its place and the others still show; when none can be
had, the page is Jira's error page with its status. An ended sign-in is never hidden that way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, render_template

from jira_client.api.errors import AuthError, JiraError
from jira_client.api.models import IssueSummary
from jira_client.web import personal
from jira_client.web.errors import ErrorPage, describe, render_error
from jira_client.web.jira import get_jira, login_required

bp = Blueprint("home", __name__)

ROWS = 6  # issues per list on the home page
RECENT_ROWS = 8
FIELDS = ("summary", "status", "issuetype", "updated", "project")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    jql: str
    empty: str


SECTIONS = (
    Section("assigned", "Assigned to me", "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC",
            "Nothing assigned to you is open."),
    Section("reported", "Reported by me", "reporter = currentUser() ORDER BY updated DESC",
            "You have not reported any issues."),
    Section("watched", "Watched by me", "watcher = currentUser() ORDER BY updated DESC",
            "You are not watching any issues."),
)


@dataclass(frozen=True)
class Shown:
    """One list as the page shows it: its issues, whether there are more, or why it is missing."""

    section: Section
    issues: tuple[IssueSummary, ...] = ()
    more: bool = False
    problem: ErrorPage | None = None


@bp.get("/")
@login_required
def index():
    """Your work: assigned, reported, watched (one Jira search each) and recently viewed (none)."""
    jira = get_jira()
    shown, failures = [], []
    for section in SECTIONS:
        try:
            page = jira.search_issues(section.jql, None, ROWS, fields=FIELDS)
        except AuthError:
            raise
        except JiraError as error:
            failures.append(error)
            shown.append(Shown(section, problem=describe(error)))
            continue
        shown.append(Shown(section, page.items, more=not page.is_last))
    if len(failures) == len(SECTIONS):
        return render_error(describe(failures[0]))
    recent = personal.recent_issues()
    return render_template("home/index.html", sections=shown, recent=recent[:RECENT_ROWS],
                           more_recent=len(recent) > RECENT_ROWS)


@bp.get("/recent")
@login_required
def recent():
    """Every issue the person viewed lately (the last 20), newest first, with no call to Jira."""
    seen = [{**entry, "at": _moment(entry.get("at"))} for entry in personal.recent_issues()]
    return render_template("home/recent.html", recent=seen)


def _moment(epoch: object) -> datetime | None:
    return datetime.fromtimestamp(epoch, timezone.utc) if isinstance(epoch, (int, float)) else None
