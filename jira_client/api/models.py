"""Frozen dataclasses that views render, built from Jira's JSON by ``from_api``.

Every ``from_api`` tolerates missing or null parts (``fields: null``, ``assignee: null``, an
absent summary): Jira's answers vary by permission, configuration and field selection, and a
page must render with placeholders rather than fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from jira_client.api.pagination import Page, offset_page

# The fields the issue list and issue page ask for: enough to render, nothing more.
LIST_FIELDS = ("summary", "status", "assignee", "priority", "issuetype", "updated", "created", "project")
ISSUE_FIELDS = LIST_FIELDS + (
    "description", "reporter", "labels", "components", "resolution", "duedate", "comment", "parent",
)


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


@dataclass(frozen=True)
class User:
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


@dataclass(frozen=True)
class Site:
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


@dataclass(frozen=True)
class Project:
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


@dataclass(frozen=True)
class Status:
    name: str
    category: str = "new"  # new | indeterminate | done | undefined

    @classmethod
    def from_api(cls, data: Any) -> Status | None:
        data = _dict(data)
        if not data:
            return None
        category = _str(_dict(data.get("statusCategory")).get("key"), "undefined")
        return cls(name=_str(data.get("name"), "Unknown"), category=category)


@dataclass(frozen=True)
class Named:
    """A small named thing: priority, issue type, resolution, component."""

    id: str
    name: str

    @classmethod
    def from_api(cls, data: Any) -> Named | None:
        data = _dict(data)
        if not data.get("name") and not data.get("id"):
            return None
        return cls(id=_str(data.get("id")), name=_str(data.get("name")))


@dataclass(frozen=True)
class Comment:
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


@dataclass(frozen=True)
class Transition:
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


@dataclass(frozen=True)
class IssueSummary:
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


@dataclass(frozen=True)
class Issue(IssueSummary):
    """An issue with what its page shows: description, people, comments, transitions."""

    description: Any = None
    reporter: User | None = None
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    resolution: Named | None = None
    due_date: str = ""
    parent_key: str = ""
    comments: Page[Comment] = field(default_factory=lambda: Page(()))
    transitions: tuple[Transition, ...] = ()
    updated_raw: str = ""  # Jira's own string, for edit-conflict checks
    editable_fields: frozenset[str] | None = None  # from editmeta; None when Jira did not say

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
            **{name: getattr(summary, name) for name in IssueSummary.__dataclass_fields__},
            description=fields.get("description"),
            reporter=User.from_api(fields.get("reporter")),
            labels=tuple(l for l in fields.get("labels") or () if isinstance(l, str)),
            components=tuple(
                _str(_dict(c).get("name")) for c in fields.get("components") or () if _dict(c).get("name")
            ),
            resolution=Named.from_api(fields.get("resolution")),
            due_date=_str(fields.get("duedate")),
            parent_key=_str(_dict(fields.get("parent")).get("key")),
            comments=offset_page(_dict(fields.get("comment")), "comments", Comment.from_api),
            transitions=tuple(Transition.from_api(t) for t in data.get("transitions") or () if isinstance(t, dict)),
            updated_raw=_str(fields.get("updated")),
            editable_fields=_editable_fields(data.get("editmeta")),
        )


# -- what writes need: field metadata (createmeta, editmeta, transition screens) -------------


@dataclass(frozen=True)
class Choice:
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


@dataclass(frozen=True)
class FieldMeta:
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


@dataclass(frozen=True)
class TransitionScreen:
    """A transition with the fields its screen asks for (``expand=transitions.fields``)."""

    transition: Transition
    fields: tuple[FieldMeta, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> TransitionScreen:
        return cls(transition=Transition.from_api(data), fields=field_metas(_dict(data).get("fields")))


@dataclass(frozen=True)
class EditableIssue:
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
