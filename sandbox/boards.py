"""Jira Software in the sandbox: the seeded boards and sprints, and which issues sit in which sprint.

The boards (ids from 1, as Jira numbers them):

- a kanban board per project (1 ACME, 2 OPS, 3 WEB, 4 GLOBX). ACME's has a column with no status
  mapped to it ("Blocked"); OPS's has column limits (In Progress min 1 max 3, In Review max 2)
  that its seeded issues break; kanban boards keep a sub-query that drops old done work;
- 5 "ACME Scrum": a scrum board with a closed, an active and a future sprint (ids 1, 2, 3) and
  story points (``customfield_10016``) as its estimation field; two statuses share a column.

Sprint membership is what changes (move to a sprint, back to the backlog): an issue is in at most
one open (active or future) sprint and any number of closed ones. Like ``World``, the map is
replaced whole under a lock, never changed in place, so readers need no lock. ``Agile`` is built
again from the seeded issues whenever the world is reset.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

TO_DO, IN_PROGRESS, IN_REVIEW, DONE = "10000", "10001", "10002", "10003"
STORY_POINTS = ("customfield_10016", "Story point estimate")
EPIC_TYPE_ID = "10004"
KANBAN_SUB_QUERY = "resolution IS EMPTY OR updated >= -14d"
RANK_FIELD_ID = 10019


def _column(name: str, *statuses: str, minimum: int | None = None, maximum: int | None = None) -> dict:
    return {"name": name, "statuses": list(statuses), "min": minimum, "max": maximum}


_KANBAN_COLUMNS = [_column("To Do", TO_DO), _column("In Progress", IN_PROGRESS),
                   _column("In Review", IN_REVIEW), _column("Done", DONE)]
BOARDS = [
    {"id": "1", "name": "ACME board", "type": "kanban", "project": "ACME", "filter_id": "10000",
     "columns": [*_KANBAN_COLUMNS[:3], _column("Blocked"), _KANBAN_COLUMNS[3]], "estimation": None},
    {"id": "2", "name": "OPS board", "type": "kanban", "project": "OPS", "filter_id": "10001",
     "columns": [_column("To Do", TO_DO), _column("In Progress", IN_PROGRESS, minimum=1, maximum=3),
                 _column("In Review", IN_REVIEW, maximum=2), _column("Done", DONE)], "estimation": None},
    {"id": "3", "name": "WEB board", "type": "kanban", "project": "WEB", "filter_id": "10002",
     "columns": list(_KANBAN_COLUMNS), "estimation": None},
    {"id": "4", "name": "GLOBX board", "type": "kanban", "project": "GLOBX", "filter_id": "10003",
     "columns": list(_KANBAN_COLUMNS), "estimation": None},
    {"id": "5", "name": "ACME Scrum", "type": "scrum", "project": "ACME", "filter_id": "10004",
     "columns": [_column("To Do", TO_DO), _column("In Progress", IN_PROGRESS, IN_REVIEW), _column("Done", DONE)],
     "estimation": STORY_POINTS},
]
SCRUM_BOARD_ID = "5"
# Sprint id -> (name, state, goal, days from the world's build time to start and end; None: no dates yet).
SPRINTS = {
    "1": ("ACME Sprint 1", "closed", "Ship the billing dashboard", (-28, -14)),
    "2": ("ACME Sprint 2", "active", "Faster search and a calmer on-call week", (-7, 7)),
    "3": ("ACME Sprint 3", "future", "Two-factor enrolment for everyone", None),
}
CLOSED_SPRINT, ACTIVE_SPRINT, FUTURE_SPRINT = "1", "2", "3"
STATE_ORDER = {"closed": 0, "active": 1, "future": 2}


def format_time(moment: datetime) -> str:
    """Return ``moment`` as the agile API writes sprint dates: 2026-11-20T09:00:00.000Z."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Agile:
    """The boards, the sprints and the sprint membership of one world."""

    def __init__(self, issues: list[dict], now: datetime) -> None:
        self.boards = {board["id"]: board for board in BOARDS}
        self.sprints = {sprint_id: _sprint(sprint_id, now) for sprint_id in SPRINTS}
        self._lock = threading.Lock()
        self._open, self._closed = _membership(issues)

    def board(self, board_id: str) -> dict | None:
        """Return the board with that id, or None."""
        return self.boards.get(str(board_id))

    def sprint(self, sprint_id: str) -> dict | None:
        """Return the sprint with that id, or None."""
        return self.sprints.get(str(sprint_id))

    def board_sprints(self, board_id: str) -> list[dict]:
        """Return a board's sprints: closed, then active, then future (as Jira orders them)."""
        found = [s for s in self.sprints.values() if s["board_id"] == board_id]
        return sorted(found, key=lambda s: (STATE_ORDER[s["state"]], int(s["id"])))

    def open_sprint(self, issue_id: str) -> str | None:
        """Return the id of the active or future sprint an issue is in, or None (the backlog)."""
        return self._open.get(issue_id)

    def closed_sprints(self, issue_id: str) -> list[str]:
        """Return the ids of the closed sprints an issue was in."""
        return self._closed.get(issue_id, [])

    def in_sprint(self, issue_id: str, sprint_id: str) -> bool:
        """Return whether an issue is (or was, for a closed sprint) in a sprint."""
        return self._open.get(issue_id) == sprint_id or sprint_id in self._closed.get(issue_id, ())

    def move_to_sprint(self, issue_ids: list[str], sprint_id: str) -> None:
        """Put issues into an open sprint (out of any other open sprint)."""
        with self._lock:
            self._open = {**self._open, **dict.fromkeys(issue_ids, sprint_id)}

    def move_to_backlog(self, issue_ids: list[str]) -> None:
        """Take issues out of their open sprints."""
        with self._lock:
            self._open = {k: v for k, v in self._open.items() if k not in set(issue_ids)}


def _sprint(sprint_id: str, now: datetime) -> dict:
    name, state, goal, days = SPRINTS[sprint_id]
    sprint = {"id": sprint_id, "name": name, "state": state, "goal": goal, "board_id": SCRUM_BOARD_ID,
              "created": format_time(now - timedelta(days=35 - int(sprint_id)))}
    if days is not None:
        start = now.replace(hour=9, minute=0) + timedelta(days=days[0])
        sprint["start"], sprint["end"] = format_time(start), format_time(start + timedelta(days=days[1] - days[0]))
        if state == "closed":
            sprint["complete"] = sprint["end"]
    return sprint


def _membership(issues: list[dict]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return (open sprint by issue id, closed sprints by issue id) for the seeded ACME issues.

    The first dozen done stories and tasks were in the closed sprint; every third of the 60
    newest went into the active one (whatever their status now); eight newer to-do issues wait in
    the future sprint; everything else is in the backlog.
    """
    acme = [i for i in issues if i["fields"]["project"]["key"] == "ACME"
            and i["fields"]["issuetype"]["id"] != EPIC_TYPE_ID]
    done = [i["id"] for i in acme if i["fields"]["status"]["id"] == DONE]
    closed = {issue_id: [CLOSED_SPRINT] for issue_id in done[:12]}
    newest = acme[-60:]
    opened = {i["id"]: ACTIVE_SPRINT for i in newest[::3]}
    waiting = [i["id"] for i in newest if i["id"] not in opened and i["fields"]["status"]["id"] == TO_DO]
    opened.update(dict.fromkeys(waiting[:8], FUTURE_SPRINT))
    return opened, closed
