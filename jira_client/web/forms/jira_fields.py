"""Jira field schemas as form inputs: which input a field gets, and values in both directions.

Pure functions over ``FieldMeta`` (createmeta, editmeta, transition screens):

- ``kind_of(meta)``: the input a field gets (one of ``KINDS``), or None when this app cannot edit it.
- ``offering(meta, value)``: ``meta`` whose choices include the field's current value, which
  editmeta's ``allowedValues`` may leave out (an archived version, a priority outside the scheme).
- ``to_json(meta, raw)``: form input (a string, or a list for multiple choices) -> the JSON Jira
  expects in ``fields``; raises ``FieldInputError`` with a message for the person.
- ``to_form(meta, value)``: Jira's JSON value -> form input, so an edit form starts filled in.
- ``fingerprint(meta, raw)``: a short digest of form input, to tell which fields someone changed.

A person's form value is ``accountId|display name`` (``user_choice``), so a form re-rendered
without JavaScript still shows who was chosen without asking Jira again.

Rich text (description, environment, textarea custom fields) is Markdown in the form and ADF in
Jira; ``is_lossless`` tells whether a document survives that trip, and one that does not is never
offered for editing (it would be destroyed on save).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any

from msgspec import structs

from jira_client.api import adf, keys
from jira_client.api.models import Choice, FieldMeta, parse_time

TEXT, RICH, NUMBER, DATE, DATETIME = "text", "rich", "number", "date", "datetime"
SELECT, MULTI, CASCADE, LABELS, USER, PARENT = "select", "multi", "cascade", "labels", "user", "parent"
KINDS = (TEXT, RICH, NUMBER, DATE, DATETIME, SELECT, MULTI, CASCADE, LABELS, USER, PARENT)

CUSTOM = "com.atlassian.jira.plugin.system.customfieldtypes:"
RICH_SYSTEM = frozenset({"description", "environment"})
# Fields the forms handle themselves (project, issue type, comment) or never set directly.
HANDLED_ELSEWHERE = frozenset({"project", "issuetype", "comment", "status", "issuekey"})
SINGLE_CHOICE_TYPES = frozenset({"priority", "option", "resolution", "version", "component", "securitylevel"})
MULTI_CHOICE_ITEMS = frozenset({"option", "component", "version"})
MAX_LABEL_CHARS = 255
JIRA_DATETIME = "%Y-%m-%dT%H:%M:%S.000+0000"
PARTS_SEPARATOR = "\x1e"  # joins the editable parts of a rich text (rich_text.py) into one form value


class FieldInputError(ValueError):
    """Form input that cannot become a value of its field; the message is for the person."""


def kind_of(meta: FieldMeta) -> str | None:
    """Return the kind of input ``meta`` gets, or None when this app cannot edit it."""
    if meta.system in HANDLED_ELSEWHERE or meta.custom.endswith(":readonlyfield"):
        return None
    if meta.type == "string":
        return RICH if meta.system in RICH_SYSTEM or meta.custom == CUSTOM + "textarea" else TEXT
    if meta.type in (NUMBER, DATE, DATETIME):
        return meta.type
    if meta.type in SINGLE_CHOICE_TYPES and meta.allowed:
        return SELECT
    if meta.type == "array" and meta.items in MULTI_CHOICE_ITEMS and meta.allowed:
        return MULTI
    if meta.type == "option-with-child" and meta.allowed:
        return CASCADE
    if meta.type == "array" and meta.items == "string":
        return LABELS
    if meta.type == "user":
        return USER
    if meta.type == "issuelink" and meta.system == "parent":
        return PARENT
    return None


def is_required_blocker(meta: FieldMeta) -> bool:
    """Return whether a create screen cannot be filled in here: required, no default, not editable."""
    return meta.required and not meta.has_default and meta.system not in HANDLED_ELSEWHERE and kind_of(meta) is None


def choices(meta: FieldMeta) -> list[tuple[str, str]]:
    """Return (value, label) pairs for a choice field; a cascade lists "parent" and "parent:child"."""
    if kind_of(meta) == CASCADE:
        return [pair for c in meta.allowed
                for pair in [(c.id, c.label)] + [(f"{c.id}:{k.id}", f"{c.label} › {k.label}") for k in c.children]]
    return [(c.id, c.label) for c in meta.allowed]


def offering(meta: FieldMeta, value: Any) -> FieldMeta:
    """Return ``meta`` with the field's current ``value`` among its choices when Jira left it out.

    Without it the form could not show the value, would post it empty and the save would clear it.
    """
    kind = kind_of(meta)
    if kind not in (SELECT, MULTI, CASCADE) or value in (None, "", []):
        return meta
    allowed = list(meta.allowed)
    for item in value if isinstance(value, list) else [value]:
        current = Choice.from_api(item)
        if current is None:
            continue
        known = next((n for n, c in enumerate(allowed) if c.id == current.id), None)
        if known is None:
            allowed.append(current)
        elif kind == CASCADE:  # the parent is offered; its child may not be
            ids = {k.id for k in allowed[known].children}
            extra = tuple(k for k in current.children if k.id not in ids)
            allowed[known] = structs.replace(allowed[known], children=allowed[known].children + extra)
    return structs.replace(meta, allowed=tuple(allowed))


def is_lossless(meta: FieldMeta, value: Any) -> bool:
    """Return False for a rich-text value whose ADF would not survive Markdown editing."""
    return kind_of(meta) != RICH or not value or adf.to_markdown(value)[1]


def to_form(meta: FieldMeta, value: Any) -> str | list[str]:
    """Return Jira's ``value`` of a field as the input its form field starts with."""
    kind = kind_of(meta)
    if kind == MULTI:
        return [str(v.get("id")) for v in value or () if isinstance(v, dict)]
    if value in (None, "", []):
        return ""
    if kind == RICH:
        return adf.to_markdown(value)[0] if isinstance(value, dict) else str(value)
    if kind == NUMBER and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == DATETIME:
        moment = parse_time(value)
        return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M") if moment else ""
    if kind in (SELECT, CASCADE) and isinstance(value, dict):
        child = value.get("child")
        return f"{value.get('id')}:{child.get('id')}" if isinstance(child, dict) else str(value.get("id", ""))
    if kind == LABELS:
        return " ".join(str(v) for v in value)
    if kind == USER and isinstance(value, dict):
        return user_choice(str(value.get("accountId", "")), str(value.get("displayName", "")))
    if kind == PARENT and isinstance(value, dict):
        return str(value.get("key", ""))
    return value if isinstance(value, str) else ""


def to_json(meta: FieldMeta, raw: str | list[str] | None) -> Any:
    """Return form input as the JSON Jira expects for the field: None (or []) when left empty.

    Raises:
        FieldInputError: the input cannot be a value of this field.
    """
    kind = kind_of(meta)
    if kind == MULTI:
        return [{"id": value} for value in raw or () if value]
    text = (raw if isinstance(raw, str) else "").strip()
    if kind == LABELS:
        return _labels(text)
    if not text:
        return None
    return _CONVERT[kind](text) if kind in _CONVERT else text


def fingerprint(meta: FieldMeta, raw: str | list[str] | None) -> str:
    """Return a short digest of form input, equal for inputs that mean the same value."""
    kind = kind_of(meta)
    if kind == USER:
        raw = (raw or "").partition("|")[0] if isinstance(raw, str) else ""
    if isinstance(raw, list) or kind == LABELS:
        parts = sorted(raw) if isinstance(raw, list) else sorted((raw or "").split())
        text = "\x1f".join(parts)
    else:
        text = tidy(raw or "")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def tidy(text: str) -> str:
    """Return text as compared for changes: Unix line endings, no trailing spaces, no blank ends."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def display(meta: FieldMeta, raw: str | list[str] | None) -> str:
    """Return form input as a person reads it: choice labels instead of ids."""
    labels = dict(choices(meta))
    if kind_of(meta) == RICH and raw:
        return str(raw).replace(PARTS_SEPARATOR, "\n\n[…]\n\n")
    if kind_of(meta) == USER and raw:
        return str(raw).partition("|")[2] or str(raw)
    if isinstance(raw, list):
        return ", ".join(labels.get(value, value) for value in raw) or "—"
    return labels.get(raw or "", raw or "") or "—"


def user_choice(account_id: str, name: str) -> str:
    """Return the form value of a person: the account id, and the name to show it by."""
    return f"{account_id}|{name}"


def _number(text: str) -> int | float:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise FieldInputError("Enter a number, such as 3 or 2.5.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise FieldInputError("Enter a number, such as 3 or 2.5.")
    return int(number) if number.is_integer() and "." not in text else number


def _date(text: str) -> str:
    try:
        return datetime.strptime(text, "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        raise FieldInputError("Enter a date as YYYY-MM-DD, such as 2026-04-28.") from None


def _datetime(text: str) -> str:
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, pattern).strftime(JIRA_DATETIME)
        except ValueError:
            continue
    raise FieldInputError("Enter a date and time as YYYY-MM-DD HH:MM (UTC), such as 2026-04-28 15:30.")


def _cascade(text: str) -> dict:
    parent, _, child = text.partition(":")
    return {"id": parent, "child": {"id": child}} if child else {"id": parent}


def _labels(text: str) -> list[str]:
    labels = list(dict.fromkeys(text.split()))
    if any(len(label) > MAX_LABEL_CHARS for label in labels):
        raise FieldInputError(f"A label can be at most {MAX_LABEL_CHARS} characters long.")
    return labels


def _parent(text: str) -> dict:
    try:
        return {"key": keys.issue_key(text)}
    except keys.InvalidKey:
        raise FieldInputError("Enter an issue key, such as ACME-12.") from None


_CONVERT = {
    RICH: adf.from_markdown,
    NUMBER: _number,
    DATE: _date,
    DATETIME: _datetime,
    SELECT: lambda text: {"id": text},
    CASCADE: _cascade,
    USER: lambda text: {"accountId": text.partition("|")[0]},
    PARENT: _parent,
}
