"""Jira Software's boards as the views render them: boards, their configuration, sprints, cards.

Built from ``/rest/agile/1.0`` answers by ``from_api``, tolerant of missing parts like the other
models. ``lay_out`` is the board itself: it puts each card into the column whose statuses hold
the card's status, in the configuration's order, and says which column limits are broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jira_client.api.models import Named, Status, TransitionScreen, User, parse_time

# Fields a card shows; the board's estimation field is added when it has one.
CARD_FIELDS = ("summary", "status", "issuetype", "priority", "assignee", "labels")
# Estimation fields that hold seconds rather than points.
TIME_FIELDS = frozenset({"timeoriginalestimate", "timeestimate", "aggregatetimeoriginalestimate"})
COUNTED_CONSTRAINTS = frozenset({"issueCount", "issueCountExclSubs"})


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _id(value: Any) -> str:
    """Return a Jira id given as a number or a string ("" when it is neither)."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value.isdigit() else ""


def _limit(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass(frozen=True)
class Board:
    """One board of the board list: its id, name, type and the project it lives in."""

    id: str
    name: str
    type: str  # scrum | kanban | simple
    project_key: str = ""
    project_name: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Board:
        data = _dict(data)
        location = _dict(data.get("location"))
        return cls(
            id=_id(data.get("id")),
            name=_str(data.get("name"), "(private board)"),
            type=_str(data.get("type")),
            project_key=_str(location.get("projectKey")),
            project_name=_str(location.get("projectName")),
        )


@dataclass(frozen=True)
class Column:
    """A column of a board: its statuses (ids) and its min/max issue limits, if any."""

    name: str
    status_ids: tuple[str, ...]
    min: int | None = None
    max: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> Column:
        data = _dict(data)
        statuses = tuple(_id(_dict(s).get("id")) for s in data.get("statuses") or ())
        return cls(name=_str(data.get("name"), "(unnamed)"), status_ids=tuple(s for s in statuses if s),
                   min=_limit(data.get("min")), max=_limit(data.get("max")))


@dataclass(frozen=True)
class BoardConfig:
    """A board's configuration: columns in order, limits, estimation field, and its project."""

    id: str
    name: str
    type: str
    columns: tuple[Column, ...]
    constraint: str = "none"  # none | issueCount | issueCountExclSubs
    estimation_field: str = ""
    estimation_name: str = ""
    project_key: str = ""
    estimation_type: str = ""  # field | issueCount | none; Jira gives an estimation to scrum boards only

    @property
    def is_scrum(self) -> bool:
        """Return whether the board plans in sprints (by its type; without one, by having an estimation)."""
        return self.type == "scrum" if self.type else bool(self.estimation_type)

    @property
    def type_known(self) -> bool:
        """Return whether the type says for sure whether there are sprints (a team-managed "simple" board may or may not)."""
        return self.type in ("scrum", "kanban")

    @property
    def card_fields(self) -> tuple[str, ...]:
        """Return the fields a card of this board needs from Jira."""
        return CARD_FIELDS + ((self.estimation_field,) if self.estimation_field else ())

    @classmethod
    def from_api(cls, data: Any) -> BoardConfig:
        data = _dict(data)
        column_config = _dict(data.get("columnConfig"))
        estimation = _dict(data.get("estimation"))
        field = _dict(estimation.get("field")) if estimation.get("type") == "field" else {}
        location = _dict(data.get("location"))
        project_key = _str(location.get("key")) or _str(location.get("projectKeyOrId"))
        return cls(
            id=_id(data.get("id")),
            name=_str(data.get("name"), "Board"),
            type=_str(data.get("type")),
            columns=tuple(Column.from_api(c) for c in column_config.get("columns") or () if isinstance(c, dict)),
            constraint=_str(column_config.get("constraintType"), "none"),
            estimation_field=_str(field.get("fieldId")),
            estimation_name=_str(field.get("displayName")),
            estimation_type=_str(estimation.get("type")),
            project_key=project_key if location.get("type", "project") == "project" and not project_key.isdigit() else "",
        )


@dataclass(frozen=True)
class Sprint:
    id: str
    name: str
    state: str  # closed | active | future
    start: datetime | None = None
    end: datetime | None = None
    goal: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Sprint:
        data = _dict(data)
        return cls(
            id=_id(data.get("id")),
            name=_str(data.get("name"), "(unnamed sprint)"),
            state=_str(data.get("state")),
            start=parse_time(data.get("startDate")),
            end=parse_time(data.get("endDate")),
            goal=_str(data.get("goal")),
        )


@dataclass(frozen=True)
class Card:
    """An issue as a card shows it."""

    id: str
    key: str
    summary: str
    status: Status | None
    issue_type: Named | None
    priority: Named | None
    assignee: User | None
    labels: tuple[str, ...] = ()
    estimate: str = ""  # the estimation field's value, ready to show ("" when none)
    subtask: bool = False

    @property
    def status_id(self) -> str:
        return self.status.id if self.status else ""

    @property
    def initials(self) -> str:
        """Return the assignee's initials (first letters of the first and last names), or ""."""
        words = self.assignee.display_name.split() if self.assignee else []
        return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()

    @classmethod
    def from_api(cls, data: Any, estimation_field: str = "") -> Card:
        data = _dict(data)
        fields = _dict(data.get("fields"))
        return cls(
            id=_str(data.get("id")),
            key=_str(data.get("key")),
            summary=_str(fields.get("summary"), "(no summary)"),
            status=Status.from_api(fields.get("status")),
            issue_type=Named.from_api(fields.get("issuetype")),
            priority=Named.from_api(fields.get("priority")),
            assignee=User.from_api(fields.get("assignee")),
            labels=tuple(label for label in fields.get("labels") or () if isinstance(label, str)),
            estimate=show_estimate(fields.get(estimation_field), estimation_field) if estimation_field else "",
            subtask=bool(_dict(fields.get("issuetype")).get("subtask")),
        )


@dataclass(frozen=True)
class IssueMoves:
    """What moving a card needs: where the issue is now and the transitions Jira offers from there."""

    key: str
    status: Status | None
    transitions: tuple[TransitionScreen, ...]

    @classmethod
    def from_api(cls, data: Any) -> IssueMoves:
        data = _dict(data)
        return cls(
            key=_str(data.get("key")),
            status=Status.from_api(_dict(data.get("fields")).get("status")),
            transitions=tuple(TransitionScreen.from_api(t) for t in data.get("transitions") or () if isinstance(t, dict)),
        )

    def into(self, status_ids: tuple[str, ...] | frozenset[str]) -> tuple[TransitionScreen, ...]:
        """Return the transitions that lead into one of ``status_ids``, those without a form to fill first."""
        found = [t for t in self.transitions if t.transition.to and t.transition.to.id in status_ids]
        return tuple(sorted(found, key=needs_form))


def needs_form(screen: TransitionScreen) -> bool:
    """Return whether a transition's screen has a required field without a default (the comment aside)."""
    return any(meta.required and not meta.has_default and meta.system != "comment" for meta in screen.fields)


def show_estimate(value: Any, field_id: str) -> str:
    """Return an estimate as a card shows it: points as a number, time as hours and minutes."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    if field_id in TIME_FIELDS:
        minutes = int(value) // 60
        hours, minutes = divmod(minutes, 60)
        return " ".join(part for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "") if part) or "0m"
    return f"{value:g}"


@dataclass(frozen=True)
class ColumnView:
    """A column as the board shows it: its cards, and whether its limits are broken."""

    column: Column
    cards: tuple[Card, ...]
    counted: int  # what the limits are compared with (sub-tasks left out for issueCountExclSubs)
    under_min: bool = False
    over_max: bool = False

    @property
    def reachable(self) -> bool:
        """Return whether a card can be moved here at all (some status is mapped to the column)."""
        return bool(self.column.status_ids)


@dataclass(frozen=True)
class Layout:
    """The board: its columns in order, and the cards whose status no column holds."""

    columns: tuple[ColumnView, ...]
    unmapped: tuple[Card, ...] = ()

    def targets(self, index: int) -> tuple[tuple[int, Column], ...]:
        """Return the columns a card in column ``index`` may be moved to (others with statuses), with their positions."""
        return tuple((i, view.column) for i, view in enumerate(self.columns) if i != index and view.reachable)


def lay_out(config: BoardConfig, cards: tuple[Card, ...] | list[Card], *, check_limits: bool = True) -> Layout:
    """Return the board: each card in the first column that maps its status, in the cards' order.

    Limits count issues (``issueCount``) or issues without sub-tasks (``issueCountExclSubs``); with
    ``constraint`` "none", or ``check_limits`` False (a filtered board shows only some cards), no
    limit is marked broken.
    """
    home: dict[str, int] = {}
    for index, column in enumerate(config.columns):
        for status_id in column.status_ids:
            home.setdefault(status_id, index)
    placed: list[list[Card]] = [[] for _ in config.columns]
    unmapped = []
    for card in cards:
        index = home.get(card.status_id)
        if index is None:
            unmapped.append(card)
        else:
            placed[index].append(card)
    counting = check_limits and config.constraint in COUNTED_CONSTRAINTS
    views = []
    for column, column_cards in zip(config.columns, placed):
        counted = sum(1 for c in column_cards if not (config.constraint == "issueCountExclSubs" and c.subtask))
        views.append(ColumnView(
            column=column, cards=tuple(column_cards), counted=counted,
            under_min=counting and column.min is not None and counted < column.min,
            over_max=counting and column.max is not None and counted > column.max,
        ))
    return Layout(columns=tuple(views), unmapped=tuple(unmapped))
