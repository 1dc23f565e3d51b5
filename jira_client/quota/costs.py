"""What a Jira call costs in Atlassian's 2026 points model, and which reads count as expensive.

Each request costs 1 point, plus, for reads, points per object it returned: an issue or an
attachment (and a comment, a project, a transition) 1, a user, a group or a permission 2; writes
cost only the base point (reference/atlassian-api.md section 5). The estimate is made from the
decoded answer; Jira's own count, when its headers give one, corrects the app's total
(``ledger.py``).

An *expensive* read is one that asks for a long list: a search or a listing of more than
``EXPENSIVE_ROWS`` rows. Those are what the fair-share policy slows first (``policy.py``); an
issue, its editing metadata and the forms of writes are cheap.
"""

from __future__ import annotations

import re
from typing import Any

from jira_client.api.client import Call

USER_POINTS, OBJECT_POINTS = 2, 1
# Lists whose items are the objects a read returned, by the key Jira puts them under.
LIST_KEYS = ("issues", "values", "comments", "transitions", "issueTypes", "fields", "worklogs", "attachments")
EXPENSIVE_ROWS = 20
DEFAULT_ROWS = 50  # what Jira sends when a listing does not say maxResults
# Listings (paths under /rest/api/3) whose page size makes them cheap or expensive. An issue's own
# comment pages are not among them: they are part of reading the issue, which is never slowed.
LISTINGS = re.compile(r"^(search/jql|project/search|user/(assignable/)?search)$")


def points(call: Call, payload: Any) -> int:
    """Return the points an answered call cost: 1, plus its objects' points for a read that returned JSON.

    A streamed call (a file's bytes, Jira's redirect to them, an upload) costs the base point:
    it returns no objects, and a download is never an expensive read (it is not a listing).
    """
    return 1 + object_points(payload) if call.read and not call.streamed else 1


def object_points(payload: Any) -> int:
    """Return the points of the objects in a decoded answer."""
    if isinstance(payload, list):
        return sum(_item_points(item) for item in payload)
    if not isinstance(payload, dict):
        return 0
    if "accountId" in payload:  # one user (myself)
        return USER_POINTS
    if "key" in payload and isinstance(payload.get("fields"), dict):  # one issue, with whatever it expanded
        return _item_points(payload)
    for key in LIST_KEYS:
        if isinstance(payload.get(key), list):
            return sum(_item_points(item) for item in payload[key])
    if isinstance(payload.get("permissions"), dict):
        return USER_POINTS * len(payload["permissions"])
    groups = payload.get("groups")
    if isinstance(groups, dict):
        groups = groups.get("items")
    if isinstance(groups, list):
        return USER_POINTS * len(groups)
    return _item_points(payload) if "id" in payload else 0


def _item_points(item: Any) -> int:
    """Return one object's points: a user or group 2, anything else 1 (an issue plus its attachments)."""
    if not isinstance(item, dict):
        return OBJECT_POINTS
    if ("accountId" in item and "key" not in item) or "groupId" in item:
        return USER_POINTS
    fields = item.get("fields")
    attachments = fields.get("attachment") if isinstance(fields, dict) else None
    return OBJECT_POINTS + (len(attachments) if isinstance(attachments, list) else 0)


def rows_asked(call: Call) -> int:
    """Return how many rows a listing asks for (0 for anything that is not a listing)."""
    if not call.read or not LISTINGS.match(call.path.split("?")[0]):
        return 0
    for source in (call.params, call.json):
        if isinstance(source, dict) and "maxResults" in source:
            try:
                return max(int(source["maxResults"]), 0)
            except (TypeError, ValueError):
                return DEFAULT_ROWS
    return DEFAULT_ROWS


def is_expensive(call: Call) -> bool:
    """Return whether a call is an expensive read: a listing of more than EXPENSIVE_ROWS rows."""
    return rows_asked(call) > EXPENSIVE_ROWS
