"""What the client returns for finding work: saved filters, JQL reference data, value
suggestions, and the verdict of ``jql/parse`` on a query.

Like ``models``, every ``from_api`` tolerates missing or odd parts. Jira writes the flags of its
reference data as strings (``"orderable": "true"``), and marks the matched text of a suggestion
with ``<b>`` inside an HTML-escaped ``displayName``: the tags are dropped and the text unescaped
here, so templates and scripts only ever get plain text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from jira_client.api.models import User

_TAG = re.compile(r"<[^>]*>")


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def plain_text(marked: str) -> str:
    """Return Jira's lightly marked-up text (``<b>Ac</b>me &amp; co``) as plain text."""
    return html.unescape(_TAG.sub("", marked))


@dataclass(frozen=True)
class Filter:
    """A saved filter: its query, who owns it, whether it is shared and whether this person starred it."""

    id: str
    name: str
    jql: str
    owner: User | None = None
    favourite: bool = False
    description: str = ""
    shared: bool = False

    @classmethod
    def from_api(cls, data: Any) -> Filter:
        data = _dict(data)
        return cls(
            id=str(data.get("id") or ""),
            name=_str(data.get("name"), "(no name)"),
            jql=_str(data.get("jql")),
            owner=User.from_api(data.get("owner")),
            favourite=data.get("favourite") is True,
            description=_str(data.get("description")),
            shared=bool(data.get("sharePermissions")),
        )


@dataclass(frozen=True)
class JqlField:
    """A field JQL can search (or sort by), with the operators it takes."""

    value: str  # what a query writes
    name: str  # what a person reads
    operators: tuple[str, ...] = ()
    orderable: bool = False
    types: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> JqlField | None:
        data = _dict(data)
        value = _str(data.get("value"))
        if not value:
            return None
        return cls(value=value, name=plain_text(_str(data.get("displayName"), value)),
                   operators=_strings(data.get("operators")), orderable=_flag(data.get("orderable")),
                   types=_strings(data.get("types")))


@dataclass(frozen=True)
class JqlFunction:
    """A JQL function (``currentUser()``), with the value types it can stand for."""

    value: str
    name: str
    is_list: bool = False
    types: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> JqlFunction | None:
        data = _dict(data)
        value = _str(data.get("value"))
        if not value:
            return None
        return cls(value=value, name=plain_text(_str(data.get("displayName"), value)),
                   is_list=_flag(data.get("isList")), types=_strings(data.get("types")))


@dataclass(frozen=True)
class JqlReference:
    """What ``jql/autocompletedata`` says this person can use: fields, functions, reserved words."""

    fields: tuple[JqlField, ...] = ()
    functions: tuple[JqlFunction, ...] = ()
    reserved_words: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> JqlReference:
        data = _dict(data)
        fields = (JqlField.from_api(f) for f in data.get("visibleFieldNames") or () if isinstance(f, dict))
        functions = (JqlFunction.from_api(f) for f in data.get("visibleFunctionNames") or () if isinstance(f, dict))
        return cls(fields=tuple(f for f in fields if f), functions=tuple(f for f in functions if f),
                   reserved_words=tuple(w.lower() for w in _strings(data.get("jqlReservedWords"))))


@dataclass(frozen=True)
class Suggestion:
    """One value JQL could take for a field: ``value`` goes into the query, ``text`` is shown."""

    value: str
    text: str

    @classmethod
    def from_api(cls, data: Any) -> Suggestion | None:
        data = _dict(data)
        value = _str(data.get("value"))
        if not value:
            return None
        return cls(value=value, text=plain_text(_str(data.get("displayName"))) or value)


@dataclass(frozen=True)
class JqlCheck:
    """Jira's verdict on one query: its errors (none when it may run) and warnings."""

    query: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def from_api(cls, data: Any, query: str = "") -> JqlCheck:
        data = _dict(data)
        return cls(query=_str(data.get("query"), query), errors=_strings(data.get("errors")),
                   warnings=_strings(data.get("warnings")))
