"""The immutable values views render, built from Jira's JSON by ``from_api``.

They are frozen msgspec Structs rather than frozen dataclasses: a Struct is made in C, about
nine times as fast as a frozen dataclass (whose ``__init__`` sets each field through
``object.__setattr__``), and a 50-row list builds some 300 of them. They read like dataclasses:
named fields, defaults, equality, hashing; ``msgspec.structs.replace`` makes a changed copy.

Every ``from_api`` tolerates missing or null parts (``fields: null``, ``assignee: null``, an
absent summary): Jira's answers vary by permission, configuration and field selection, and a
page must render with placeholders rather than fail.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from msgspec import Struct, field

from jira_client.api.pagination import Page, offset_page

# The fields an issue list asks for: enough to render, nothing more. (The issue page asks for every
# field: client.issue_query.)
LIST_FIELDS = ("summary", "status", "assignee", "priority", "issuetype", "updated", "created", "project")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


# Jira's own shape, which nearly every timestamp has: milliseconds and a +HHMM offset.
_JIRA_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}[0-5][0-9]")


def parse_time(value: Any) -> datetime | None:
    """Return a Jira timestamp (``2026-04-28T15:31:13.533+0200``) as an aware datetime, or None.

    Jira's usual shape, checked by one regular expression, is read by ``fromisoformat`` (strptime
    costs ten times as much, and a list page has two timestamps a row); anything else goes
    through the strptime formats, which decide what is accepted.
    """
    if not isinstance(value, str):
        return None
    if _JIRA_TIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass  # e.g. month 13: the formats below refuse it the same way
    return _parse_time_formats(value)


def _parse_time_formats(value: str) -> datetime | None:
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)  # a bare date: UTC
    return None


def _editable_fields(editmeta: Any) -> frozenset[str] | None:
    """Return the ids of the fields editmeta offers, or None when there was no editmeta."""
    if not isinstance(editmeta, dict) or not isinstance(editmeta.get("fields"), dict):
        return None
    return frozenset(editmeta["fields"])


class User(Struct, frozen=True):
    account_id: str
    display_name: str
    email: str = ""
    avatar_url: str = ""

    @classmethod
    def from_api(cls, data: Any) -> User | None:
        data = _dict(data)
        if not data.get("accountId"):
            return None
        avatars = _dict(data.get("avatarUrls"))
        return cls(
            account_id=_str(data.get("accountId")),
            display_name=_str(data.get("displayName"), "Unknown user"),
            email=_str(data.get("emailAddress")),
            avatar_url=_str(avatars.get("48x48")),
        )


class Site(Struct, frozen=True):
    """A Jira Cloud site the person can reach (one entry of accessible-resources)."""

    id: str
    name: str
    url: str
    scopes: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> Site:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")),
            name=_str(data.get("name")),
            url=_str(data.get("url")),
            scopes=tuple(s for s in data.get("scopes") or () if isinstance(s, str)),
        )

    def as_dict(self) -> dict[str, str]:
        """Return id, name and URL as a plain dict, the way a session keeps the chosen site."""
        return {"id": self.id, "name": self.name, "url": self.url}


class Project(Struct, frozen=True):
    id: str
    key: str
    name: str
    type_key: str = ""  # software, service_desk or business

    @classmethod
    def from_api(cls, data: Any) -> Project:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")),
            key=_str(data.get("key")),
            name=_str(data.get("name"), _str(data.get("key"))),
            type_key=_str(data.get("projectTypeKey")),
        )


class Status(Struct, frozen=True):
    name: str
    category: str = "new"  # new | indeterminate | done | undefined
    id: str = ""  # what board columns map (boards match statuses by id, not by name)

    @classmethod
    def from_api(cls, data: Any) -> Status | None:
        data = _dict(data)
        if not data:
            return None
        category = _str(_dict(data.get("statusCategory")).get("key"), "undefined")
        return cls(name=_str(data.get("name"), "Unknown"), category=category, id=_str(data.get("id")))


class Named(Struct, frozen=True):
    """A small named thing: priority, issue type, resolution, component."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: Any) -> Named | None:
        data = _dict(data)
        if not data.get("name") and not data.get("id"):
            return None
        return cls(id=_str(data.get("id")), name=_str(data.get("name")))


class Comment(Struct, frozen=True):
    id: str
    author: User | None
    body: Any  # ADF document, rendered by adf.to_html
    created: datetime | None
    updated: datetime | None

    @property
    def edited(self) -> bool:
        return bool(self.created and self.updated and self.updated > self.created)

    @classmethod
    def from_api(cls, data: Any) -> Comment:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")),
            author=User.from_api(data.get("author")),
            body=data.get("body"),
            created=parse_time(data.get("created")),
            updated=parse_time(data.get("updated")),
        )


class Attachment(Struct, frozen=True):
    """A file attached to an issue, as Jira describes it (its bytes come through ``api/attachments.py``)."""

    id: str
    filename: str
    size: int | None
    mime_type: str  # what Jira says: never trusted to decide how the bytes are served
    author: User | None
    created: datetime | None
    has_thumbnail: bool = False

    @classmethod
    def from_api(cls, data: Any) -> Attachment | None:
        data = _dict(data)
        attachment_id = data.get("id")  # a string in the issue field, a number in GET attachment/{id}
        if isinstance(attachment_id, bool) or not isinstance(attachment_id, (str, int)) or not str(attachment_id).isdigit():
            return None
        size = data.get("size")
        created = data.get("created")  # Jira's time string; the upload answer's example has epoch milliseconds
        return cls(
            id=str(attachment_id),
            filename=_str(data.get("filename")) or f"attachment-{attachment_id}",
            size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
            mime_type=_str(data.get("mimeType")).lower(),
            author=User.from_api(data.get("author")),
            created=_epoch_ms(created) if isinstance(created, int) and not isinstance(created, bool) else parse_time(created),
            has_thumbnail=bool(data.get("thumbnail")),
        )


def _epoch_ms(value: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(value / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


class Transition(Struct, frozen=True):
    id: str
    name: str
    to: Status | None
    has_screen: bool = False

    @classmethod
    def from_api(cls, data: Any) -> Transition:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")),
            name=_str(data.get("name")),
            to=Status.from_api(data.get("to")),
            has_screen=bool(data.get("hasScreen")),
        )


class IssueSummary(Struct, frozen=True):
    """An issue as a search result row."""

    id: str
    key: str
    summary: str
    status: Status | None
    assignee: User | None
    priority: Named | None
    issue_type: Named | None
    project: Project | None
    created: datetime | None
    updated: datetime | None

    @classmethod
    def from_api(cls, data: Any) -> IssueSummary:
        data = _dict(data)
        fields = _dict(data.get("fields"))
        project = _dict(fields.get("project"))
        return cls(
            id=_str(data.get("id")),
            key=_str(data.get("key")),
            summary=_str(fields.get("summary"), "(no summary)"),
            status=Status.from_api(fields.get("status")),
            assignee=User.from_api(fields.get("assignee")),
            priority=Named.from_api(fields.get("priority")),
            issue_type=Named.from_api(fields.get("issuetype")),
            project=Project.from_api(project) if project else None,
            created=parse_time(fields.get("created")),
            updated=parse_time(fields.get("updated")),
        )


class Issue(IssueSummary):
    """An issue with what its page shows: description, people, comments, transitions."""

    description: Any = None
    reporter: User | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    resolution: Named | None = None
    due_date: str = ""
    parent_key: str = ""
    attachments: tuple[Attachment, ...] = ()
    comments: Page[Comment] = field(default_factory=lambda: Page(()))
    transitions: tuple[Transition, ...] = ()
    updated_raw: str = ""  # Jira's own string, for edit-conflict checks
    editable_fields: frozenset[str] | None = None  # from editmeta; None when Jira did not say
    details: tuple = ()  # every other field with a value (api.field_values.FieldValue), for the Details section
    type_level: int = 0  # the issue type's hierarchy level: 1 epic, 0 standard, -1 subtask
    parent: IssueSummary | None = None
    parent_level: int = 1
    links: tuple[IssueLink, ...] = ()
    subtasks: tuple[IssueSummary, ...] = ()
    watches: Watches | None = None
    time_tracking: TimeTracking | None = None
    worklogs: Page[Worklog] | None = None  # only when asked for (the All activity tab)
    changelog: Page[HistoryEntry] | None = None  # only with expand=changelog, newest first

    def may_edit(self, field_id: str | None = None) -> bool:
        """Return whether Jira lets this person edit the issue (or one of its fields).

        Without editmeta in the answer the controls are offered and Jira stays the judge.
        """
        if self.editable_fields is None:
            return True
        return bool(self.editable_fields) if field_id is None else field_id in self.editable_fields

    @classmethod
    def from_api(cls, data: Any) -> Issue:
        data = _dict(data)
        fields = _dict(data.get("fields"))
        summary = IssueSummary.from_api(data)
        return cls(
            **{name: getattr(summary, name) for name in IssueSummary.__struct_fields__},
            description=fields.get("description"),
            reporter=User.from_api(fields.get("reporter")),
            labels=tuple(l for l in fields.get("labels") or () if isinstance(l, str)),
            components=tuple(
                _str(_dict(c).get("name")) for c in fields.get("components") or () if _dict(c).get("name")
            ),
            resolution=Named.from_api(fields.get("resolution")),
            due_date=_str(fields.get("duedate")),
            parent_key=_str(_dict(fields.get("parent")).get("key")),
            attachments=tuple(a for a in (Attachment.from_api(raw) for raw in fields.get("attachment") or ()) if a),
            comments=offset_page(_dict(fields.get("comment")), "comments", Comment.from_api),
            transitions=tuple(Transition.from_api(t) for t in data.get("transitions") or () if isinstance(t, dict)),
            updated_raw=_str(fields.get("updated")),
            editable_fields=_editable_fields(data.get("editmeta")),
            **_relations(data, fields),
        )


# -- what writes need: field metadata (createmeta, editmeta, transition screens) -------------


class Choice(Struct, frozen=True):
    """One allowed value of a field: a priority, option, component, version or resolution."""

    id: str
    label: str
    children: tuple[Choice, ...] = ()  # a cascading select's second level

    @classmethod
    def from_api(cls, data: Any) -> Choice | None:
        data = _dict(data)
        label = _str(data.get("name")) or _str(data.get("value")) or _str(data.get("key"))
        if not data.get("id") or not label:
            return None
        children = tuple(c for c in (Choice.from_api(k) for k in data.get("children") or ()) if c)
        return cls(id=str(data["id"]), label=label, children=children)


class FieldMeta(Struct, frozen=True):
    """What Jira says about one field on a create, edit or transition screen."""

    id: str
    name: str
    required: bool
    type: str  # the schema's type: string, number, option, array, user, ...
    items: str = ""  # for arrays: the type of the elements
    system: str = ""  # e.g. "description", "labels" for Jira's own fields
    custom: str = ""  # e.g. "com.atlassian.jira.plugin.system.customfieldtypes:select"
    allowed: tuple[Choice, ...] = ()
    operations: tuple[str, ...] = ()
    has_default: bool = False

    @classmethod
    def from_api(cls, data: Any, field_id: str = "") -> FieldMeta:
        data = _dict(data)
        schema = _dict(data.get("schema"))
        return cls(
            id=_str(data.get("fieldId")) or _str(data.get("key")) or field_id,
            name=_str(data.get("name"), field_id),
            required=bool(data.get("required")),
            type=_str(schema.get("type")),
            items=_str(schema.get("items")),
            system=_str(schema.get("system")),
            custom=_str(schema.get("custom")),
            allowed=tuple(c for c in (Choice.from_api(v) for v in data.get("allowedValues") or ()) if c),
            operations=tuple(o for o in data.get("operations") or () if isinstance(o, str)),
            has_default=bool(data.get("hasDefaultValue")),
        )


def field_metas(by_id: Any) -> tuple[FieldMeta, ...]:
    """Return the FieldMeta of an editmeta-style ``{fieldId: metadata}`` object, in its order."""
    return tuple(FieldMeta.from_api(meta, field_id) for field_id, meta in _dict(by_id).items() if isinstance(meta, dict))


class TransitionScreen(Struct, frozen=True):
    """A transition with the fields its screen asks for (``expand=transitions.fields``)."""

    transition: Transition
    fields: tuple[FieldMeta, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> TransitionScreen:
        return cls(transition=Transition.from_api(data), fields=field_metas(_dict(data).get("fields")))


class EditableIssue(Struct, frozen=True):
    """An issue as its edit form needs it: editmeta, and the current raw value of each field.

    ``values`` keeps Jira's JSON for ``jira_client.api.fields`` to turn into form input; templates
    never see it.
    """

    key: str
    summary: str
    project_key: str
    updated_raw: str
    fields: tuple[FieldMeta, ...]
    values: dict[str, Any]

    @classmethod
    def from_api(cls, data: Any) -> EditableIssue:
        data = _dict(data)
        values = _dict(data.get("fields"))
        return cls(
            key=_str(data.get("key")),
            summary=_str(values.get("summary"), "(no summary)"),
            project_key=_str(_dict(values.get("project")).get("key")),
            updated_raw=_str(values.get("updated")),
            fields=field_metas(_dict(data.get("editmeta")).get("fields")),
            values=dict(values),
        )


# -- what lives beside an issue's fields: links, subtasks, watchers, time, work log, history ----


def _level(issue_type: Any, default: int = 0) -> int:
    """Return an issue type's hierarchy level (1 epic, 0 standard, -1 subtask)."""
    issue_type = _dict(issue_type)
    level = issue_type.get("hierarchyLevel")
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    return -1 if issue_type.get("subtask") is True else default


def _relations(data: dict, fields: dict) -> dict:
    """Return the Issue keyword arguments for its links, parent, subtasks, watchers and time."""
    parent = _dict(fields.get("parent"))
    worklog = fields.get("worklog")
    changelog = data.get("changelog")
    return {
        "type_level": _level(fields.get("issuetype")),
        "parent": IssueSummary.from_api(parent) if parent.get("key") else None,
        "parent_level": _level(_dict(parent.get("fields")).get("issuetype"), default=1),
        "links": tuple(link for link in (IssueLink.from_api(raw) for raw in fields.get("issuelinks") or ()) if link),
        "subtasks": tuple(IssueSummary.from_api(s) for s in fields.get("subtasks") or () if _dict(s).get("key")),
        "watches": Watches.from_api(fields.get("watches")) if isinstance(fields.get("watches"), dict) else None,
        "time_tracking": TimeTracking.from_api(fields.get("timetracking")) if "timetracking" in fields else None,
        "worklogs": offset_page(worklog, "worklogs", Worklog.from_api) if isinstance(worklog, dict) else None,
        "changelog": offset_page(changelog, "histories", HistoryEntry.from_api) if isinstance(changelog, dict) else None,
    }


class LinkType(Struct, frozen=True):
    """An issue link type: its name and the phrase each side of a link reads ("blocks", "is blocked by")."""

    id: str
    name: str
    inward: str
    outward: str

    @classmethod
    def from_api(cls, data: Any) -> LinkType | None:
        data = _dict(data)
        if not data.get("id") and not data.get("name"):
            return None
        name = _str(data.get("name"))
        return cls(id=_str(data.get("id")), name=name, inward=_str(data.get("inward"), name),
                   outward=_str(data.get("outward"), name))


class IssueLink(Struct, frozen=True):
    """One link as the issue's page sees it: ``direction`` "outward" reads ``type.outward``."""

    id: str
    type: LinkType
    direction: str  # "outward" or "inward"
    issue: IssueSummary

    @property
    def phrase(self) -> str:
        """Return how this issue relates to the other one ("blocks", "is blocked by")."""
        return self.type.outward if self.direction == "outward" else self.type.inward

    @classmethod
    def from_api(cls, data: Any) -> IssueLink | None:
        data = _dict(data)
        link_type = LinkType.from_api(data.get("type"))
        direction = "outward" if isinstance(data.get("outwardIssue"), dict) else "inward"
        other = _dict(data.get(f"{direction}Issue"))
        if link_type is None or not other.get("key"):
            return None
        return cls(id=_str(data.get("id")), type=link_type, direction=direction, issue=IssueSummary.from_api(other))


class RemoteLink(Struct, frozen=True):
    """A web link on an issue (a remote issue link)."""

    id: str
    url: str
    title: str
    summary: str = ""
    relationship: str = ""
    application: str = ""
    resolved: bool = False

    @classmethod
    def from_api(cls, data: Any) -> RemoteLink:
        data = _dict(data)
        remote = _dict(data.get("object"))
        url = _str(remote.get("url"))
        return cls(id=str(data.get("id") or ""), url=url, title=_str(remote.get("title")) or url,
                   summary=_str(remote.get("summary")), relationship=_str(data.get("relationship")),
                   application=_str(_dict(data.get("application")).get("name")),
                   resolved=_dict(remote.get("status")).get("resolved") is True)


class Watches(Struct, frozen=True):
    """How many watch an issue and whether the reader does; ``people`` only from the watchers list."""

    count: int
    is_watching: bool
    people: tuple[User, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> Watches:
        data = _dict(data)
        count = data.get("watchCount")
        people = tuple(u for u in (User.from_api(p) for p in data.get("watchers") or ()) if u)
        return cls(count=count if isinstance(count, int) and not isinstance(count, bool) else len(people),
                   is_watching=data.get("isWatching") is True, people=people)


def _seconds(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class TimeTracking(Struct, frozen=True):
    """An issue's original estimate, remaining estimate and time logged, in seconds (None: not set)."""

    original: int | None = None
    remaining: int | None = None
    spent: int | None = None
    original_text: str = ""
    remaining_text: str = ""
    spent_text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.original is None and self.remaining is None and self.spent is None

    @property
    def scale(self) -> int:
        """Return the length both bars are drawn against: the larger of the estimate and logged + remaining."""
        return max(self.original or 0, (self.spent or 0) + (self.remaining or 0), 1)

    @classmethod
    def from_api(cls, data: Any) -> TimeTracking:
        data = _dict(data)
        return cls(
            original=_seconds(data.get("originalEstimateSeconds")), remaining=_seconds(data.get("remainingEstimateSeconds")),
            spent=_seconds(data.get("timeSpentSeconds")), original_text=_str(data.get("originalEstimate")),
            remaining_text=_str(data.get("remainingEstimate")), spent_text=_str(data.get("timeSpent")),
        )


class Worklog(Struct, frozen=True):
    """One work log entry."""

    id: str
    author: User | None
    comment: Any  # ADF document or None
    started: datetime | None
    created: datetime | None
    updated: datetime | None
    seconds: int
    time_spent: str  # Jira's own text, such as "1d 1h"
    started_raw: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Worklog:
        data = _dict(data)
        seconds = _seconds(data.get("timeSpentSeconds")) or 0
        return cls(
            id=_str(data.get("id")), author=User.from_api(data.get("author")), comment=data.get("comment"),
            started=parse_time(data.get("started")), created=parse_time(data.get("created")),
            updated=parse_time(data.get("updated")), seconds=seconds, time_spent=_str(data.get("timeSpent")),
            started_raw=_str(data.get("started")),
        )


class ChangeItem(Struct, frozen=True):
    """One field's change in a history entry: raw values (ids, keys) and what a person reads."""

    field: str
    field_id: str
    from_raw: str | None
    from_text: str | None
    to_raw: str | None
    to_text: str | None

    @classmethod
    def from_api(cls, data: Any) -> ChangeItem:
        data = _dict(data)
        text = lambda value: value if isinstance(value, str) else None  # noqa: E731
        return cls(field=_str(data.get("field")), field_id=_str(data.get("fieldId")),
                   from_raw=text(data.get("from")), from_text=text(data.get("fromString")),
                   to_raw=text(data.get("to")), to_text=text(data.get("toString")))


class HistoryEntry(Struct, frozen=True):
    """One changelog entry: who changed which fields, and when."""

    id: str
    author: User | None
    created: datetime | None
    items: tuple[ChangeItem, ...]

    @classmethod
    def from_api(cls, data: Any) -> HistoryEntry:
        data = _dict(data)
        return cls(id=_str(data.get("id")), author=User.from_api(data.get("author")), created=parse_time(data.get("created")),
                   items=tuple(ChangeItem.from_api(i) for i in data.get("items") or () if isinstance(i, dict)))


class PickedIssue(Struct, frozen=True):
    """An issue the issue picker suggests: its key and plain summary (never Jira's HTML one)."""

    key: str
    summary: str

    @classmethod
    def from_api(cls, data: Any) -> PickedIssue | None:
        data = _dict(data)
        key = _str(data.get("key"))
        return cls(key=key, summary=_str(data.get("summaryText"))) if key else None


class IssueType(Named):
    """An issue type one may create, with its place in the hierarchy."""

    subtask: bool = False
    level: int = 0

    @classmethod
    def from_api(cls, data: Any) -> IssueType | None:
        named = Named.from_api(data)
        if named is None:
            return None
        return cls(id=named.id, name=named.name, subtask=_level(data) == -1, level=_level(data))
