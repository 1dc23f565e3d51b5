"""Validation of the parts of a Jira URL that come from the person using the app.

An issue key such as ``../../myself`` would otherwise walk out of ``/rest/api/3/issue/`` (urllib3
removes dot segments), so every key or id is checked against Jira's own formats before it is put
into a path, and is then quoted with nothing left safe.
"""

from __future__ import annotations

import re
from urllib.parse import quote

ISSUE_KEY_RE = re.compile(r"[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}")
PROJECT_KEY_RE = re.compile(r"[A-Z][A-Z0-9_]{0,254}")
NUMERIC_ID_RE = re.compile(r"[1-9][0-9]{0,17}")


class InvalidKey(ValueError):
    """A key or id that cannot be one of Jira's."""


def _match(pattern: re.Pattern, value: object, what: str) -> str:
    if not isinstance(value, str) or not value.isascii():
        raise InvalidKey(f"Not a valid {what}.")
    candidate = value.upper() if pattern is not NUMERIC_ID_RE else value
    if not pattern.fullmatch(candidate):
        raise InvalidKey(f"Not a valid {what}.")
    return candidate


def issue_key(value: object) -> str:
    """Return ``value`` as a canonical issue key (``proj-12`` -> ``PROJ-12``) or raise InvalidKey."""
    return _match(ISSUE_KEY_RE, value, "issue key")


def project_key(value: object) -> str:
    """Return ``value`` as a canonical project key or raise InvalidKey."""
    return _match(PROJECT_KEY_RE, value, "project key")


def numeric_id(value: object) -> str:
    """Return ``value`` if it is a Jira numeric id (comments, issue types, ...) or raise InvalidKey."""
    return _match(NUMERIC_ID_RE, value, "id")


def segment(value: str) -> str:
    """Return one URL path segment with every reserved character escaped."""
    return quote(value, safe="")
