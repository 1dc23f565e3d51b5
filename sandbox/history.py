"""Changelog items, worded as Jira Cloud writes them, for the changes the sandbox makes.

Each item says which field changed (``field``: Jira's name for it, lower-case ids for most system
fields, the display name for custom ones), its type (``jira`` or ``custom``), the raw values
(``from``/``to``: ids, account ids, keys) and what a person reads (``fromString``/``toString``).
Comments are not in the changelog (Jira keeps them apart); changing a list field such as
components writes one item per value added or removed, as Jira does.
"""

from sandbox import fields

# System fields Jira names differently in the changelog than by their id.
_FIELD_NAMES = {"components": "Component", "fixVersions": "Fix Version", "parent": "IssueParentAssociation"}
# Stored values that are bookkeeping, never a change someone made.
_NOT_RECORDED = {"comment", "updated", "statuscategorychangedate", "resolutiondate", "creator"}
_DURATIONS = {"timespent", "timeestimate", "timeoriginalestimate"}


def item(field_id: str, before=None, after=None, before_text=None, after_text=None, *, name: str | None = None) -> dict:
    """Return one changelog item."""
    custom = field_id.startswith("customfield_")
    body = {"field": name or (fields.FIELD_NAMES.get(field_id, field_id) if custom else _FIELD_NAMES.get(field_id, field_id)),
            "fieldtype": "custom" if custom else "jira"}
    if name is None:
        body["fieldId"] = field_id
    body.update({"from": before, "fromString": before_text, "to": after, "toString": after_text})
    return body


def items_for(old: dict, new: dict) -> list[dict]:
    """Return the items for changing an issue's stored fields from ``old`` to ``old | new``."""
    found = []
    for field_id, value in new.items():
        previous = old.get(field_id)
        if field_id in _NOT_RECORDED or previous == value:
            continue
        found += _field_items(field_id, previous, value)
    return found


def _field_items(field_id: str, before, after) -> list[dict]:
    if field_id in _DURATIONS:
        return [duration_item(field_id, before, after)]
    if isinstance(before, list) or isinstance(after, list):
        return _list_items(field_id, before or [], after or [])
    raw_before, text_before = _raw_and_text(field_id, before)
    raw_after, text_after = _raw_and_text(field_id, after)
    return [item(field_id, raw_before, raw_after, text_before, text_after)]


def duration_item(field_id: str, before: int | None, after: int | None) -> dict:
    """Return the item of a time-tracking field: seconds as Jira writes them there."""
    shown = lambda value: None if value is None else str(value)  # noqa: E731
    return item(field_id, shown(before), shown(after), shown(before), shown(after))


def _list_items(field_id: str, before: list, after: list) -> list[dict]:
    if field_id == "labels" or all(isinstance(v, str) for v in before + after):
        return [item(field_id, None, None, " ".join(before) or None, " ".join(after) or None)]
    removed = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    return ([item(field_id, *_raw_and_text(field_id, v), None, None) for v in removed]
            + [item(field_id, None, None, *_raw_and_text(field_id, v)) for v in added])


def _raw_and_text(field_id: str, value) -> tuple:
    """Return (raw, text) for one stored value: an id and a name, or None and the text itself."""
    if value is None:
        return None, None
    if field_id in fields.ADF_FIELDS:
        return None, _adf_text(value)
    if isinstance(value, dict):
        if "accountId" in value:
            return value["accountId"], value.get("displayName")
        if "key" in value and "id" in value:  # parent
            return value["id"], value["key"]
        label = value.get("name") or value.get("value")
        child = value.get("child")
        if isinstance(child, dict):
            label = f"{label} - {child.get('value')}"
        return value.get("id"), label
    if field_id == "duedate":
        return value, f"{value} 00:00:00.0"
    if field_id == "summary" or isinstance(value, str):
        return None, value
    return None, str(value)


def _adf_text(doc) -> str:
    parts, stack = [], [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            stack.extend(reversed(node.get("content") or []))
    return " ".join(parts)


def link_text(phrase: str, other_key: str) -> str:
    """Return how a link reads in the changelog: "This work item blocks ACME-2"."""
    return f"This work item {phrase} {other_key}"


def worklog_items(spent: tuple[int | None, int | None], remaining: tuple[int | None, int | None],
                  worklog_id: tuple[str | None, str | None]) -> list[dict]:
    """Return the items Jira writes when work is logged, changed or deleted."""
    found = []
    if spent[0] != spent[1]:
        found.append(duration_item("timespent", *spent))
    if remaining[0] != remaining[1]:
        found.append(duration_item("timeestimate", *remaining))
    found.append(item("WorklogId", worklog_id[0], worklog_id[1], worklog_id[0], worklog_id[1], name="WorklogId"))
    return found
