"""Any field's value as the issue page's Details section shows it, whatever its type.

Jira sends each field as JSON shaped by its schema: a person, an option (with a child for a
cascading select), a named thing (version, component, priority), a list of those, a number, a
date, rich text (ADF), or something an app defines. ``details`` turns every field that has a
value, and that the page does not show elsewhere, into a ``FieldValue`` named as Jira names it
(``expand=names``). A value of a shape not known here is shown as compact text: a field that has
a value is never left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from jira_client.api.models import User, parse_time

# Shown in their own places on the issue page, or Jira's bookkeeping nobody reads as a "detail".
SHOWN_ELSEWHERE = frozenset({
    "summary", "description", "comment", "status", "assignee", "reporter", "priority", "labels", "issuetype",
    "project", "created", "updated", "parent", "subtasks", "issuelinks", "attachment", "worklog", "timetracking",
    "watches", "votes", "lastViewed", "statuscategorychangedate", "statusCategory", "creator", "workratio",
    "progress", "aggregateprogress", "aggregatetimespent", "aggregatetimeestimate", "aggregatetimeoriginalestimate",
    "timespent", "timeestimate", "timeoriginalestimate", "thumbnail", "issuerestriction", "security",
})
# System fields in the order Jira's issue view lists them; custom fields follow by name.
SYSTEM_ORDER = ("resolution", "resolutiondate", "components", "fixVersions", "versions", "duedate", "environment")
MAX_TEXT = 2000


@dataclass(frozen=True)
class FieldValue:
    """One field with a value: its id, Jira's name for it, and the value as text, a document or people."""

    id: str
    name: str
    text: str = ""
    doc: Any = None  # rich text (ADF), rendered by the adf filter
    people: tuple[User, ...] = ()


def details(fields: Mapping[str, Any], names: Mapping[str, Any], schema: Mapping[str, Any]) -> tuple[FieldValue, ...]:
    """Return the fields with a value that the page shows nowhere else, in Jira's order."""
    found = []
    for field_id, value in fields.items():
        if field_id in SHOWN_ELSEWHERE or _empty(value):
            continue
        name = names.get(field_id) if isinstance(names.get(field_id), str) else field_id
        found.append(_value(field_id, name, value, schema.get(field_id) if isinstance(schema.get(field_id), dict) else {}))
    return tuple(sorted(found, key=_order))


def _order(value: FieldValue) -> tuple:
    if value.id in SYSTEM_ORDER:
        return (0, SYSTEM_ORDER.index(value.id), "")
    return (1 if value.id.startswith("customfield_") else 0, len(SYSTEM_ORDER), value.name.lower())


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _value(field_id: str, name: str, value: Any, schema: Mapping[str, Any]) -> FieldValue:
    """Return one field's value in the form the page shows it."""
    if _is_document(value):
        return FieldValue(field_id, name, doc=value)
    items = value if isinstance(value, list) else [value]
    people = tuple(person for person in (User.from_api(item) for item in items if isinstance(item, dict)) if person)
    if people and len(people) == len(items):
        return FieldValue(field_id, name, people=people)
    kind = str(schema.get("items") if schema.get("type") == "array" else schema.get("type") or "")
    return FieldValue(field_id, name, text=_clip(", ".join(t for t in (_text(item, kind) for item in items) if t)))


def _is_document(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "doc" and isinstance(value.get("content"), list)


def _text(value: Any, kind: str = "") -> str:
    """Return one value as words (an option, a version, a number, a date...)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        when = parse_time(value) if kind == "datetime" else None
        return when.strftime("%Y-%m-%d %H:%M UTC") if when else value
    if isinstance(value, dict):
        for key in ("value", "name", "displayName", "key", "title"):
            if isinstance(value.get(key), str) and value[key]:
                child = _text(value["child"]) if isinstance(value.get("child"), dict) else ""
                return f"{value[key]} › {child}" if child else value[key]
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), sort_keys=True, default=str)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
