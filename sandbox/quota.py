"""Jira Cloud's 2026 rate limits as the sandbox enforces them: points per hour, bursts, per-issue writes.

Three independent limits, checked in this order before a REST view runs (reference/atlassian-api.md
section 5, Atlassian's "Rate limiting" page):

- **burst**: at most ``burst_per_second`` requests per second per site, route and method, for
  every caller (API-token traffic keeps only this one); refused with ``RateLimit-Reason:
  jira-burst-based``, ``Retry-After: 1``, ``X-RateLimit-Limit/Remaining/Reset``.
- **per-issue write**: at most ``issue_writes_per_second`` writes to one issue per second;
  refused with ``jira-per-issue-on-write``.
- **points quota**: one pool of ``quota_points`` per ``quota_window_seconds`` (windows aligned to
  the clock, like Jira's hours) for the whole OAuth app, every site and person together ("Tier 1
  global pool"). Only bearer (3LO) traffic spends it; once it is spent, every 3LO request is
  refused with ``jira-quota-global-based`` and a ``Retry-After`` to the end of the window.

A request that is answered (whatever its status) costs 1 point, plus, for reads, points for the
objects it returned: an issue, attachment, comment, project or other entity 1, a user, group or
permission 2 (writes cost only the base point). Refused requests cost nothing. Every 3LO answer
carries ``Beta-RateLimit-Policy: "global-app-quota";q=<points>;w=<seconds>`` and
``Beta-RateLimit: "global-app-quota";r=<left>;t=<seconds to reset>``, and
``X-RateLimit-NearLimit: true`` once less than 20 % is left.

Settings (``POST /_sandbox/config`` or ``SANDBOX_<KEY>``): ``quota_points`` (65000),
``quota_window_seconds`` (3600), ``burst_per_second`` (500), ``issue_writes_per_second`` (100);
0 turns a limit off. Atlassian publishes no burst or per-issue numbers: the defaults are generous,
so only a test that lowers them meets those limits. The clock is ``Quota.clock`` (tests and
benchmarks may replace it).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

from flask import Response, json

POLICY = "global-app-quota"
QUOTA_REASON, BURST_REASON, ISSUE_REASON = "jira-quota-global-based", "jira-burst-based", "jira-per-issue-on-write"
NEAR_LIMIT_SHARE = 0.2
DEFAULTS = {"quota_points": 65000, "quota_window_seconds": 3600, "burst_per_second": 500, "issue_writes_per_second": 100}
# The recorded body of Jira's 429 (jira-fixtures/responses/errors/error-bodies-from-issue-reports.json).
REFUSAL_BODY = {"errorMessages": ["The request has been rate-limited. Please try again later."], "errors": {}, "status": 429}
# Lists whose items are the objects a read returned, by the key Jira puts them under.
LIST_KEYS = ("issues", "values", "comments", "transitions", "issueTypes", "fields", "worklogs", "attachments")
USER_POINTS, OBJECT_POINTS = 2, 1


def owns(key: str) -> bool:
    """Return whether ``key`` is one of this module's settings."""
    return key in DEFAULTS


def check_setting(key: str, value) -> int:
    """Return ``value`` for quota setting ``key``; raise ValueError naming it when it is not a whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key!r} must be a non-negative integer")
    if key == "quota_window_seconds" and value == 0:
        raise ValueError("'quota_window_seconds' must be at least 1")
    return value


def config_from_env(overrides: dict | None = None) -> dict:
    """Return the quota settings: defaults, then ``SANDBOX_<KEY>`` variables, then ``overrides``."""
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        raw = (os.environ.get(f"SANDBOX_{key.upper()}") or "").strip()
        if raw:
            if not raw.isdigit():
                raise ValueError(f"SANDBOX_{key.upper()}: must be a non-negative integer")
            config[key] = check_setting(key, int(raw))
    for key, value in (overrides or {}).items():
        config[key] = check_setting(key, value)
    return config


def points_for(body, write: bool) -> int:
    """Return what an answer costs: 1, plus 1 per object (2 per user, group or permission) for reads."""
    return 1 if write else 1 + _object_points(body)


def _object_points(body) -> int:
    if isinstance(body, list):
        return sum(_item_points(item) for item in body)
    if not isinstance(body, dict):
        return 0
    if "accountId" in body:  # one user (myself, user)
        return USER_POINTS
    if "key" in body and isinstance(body.get("fields"), dict):  # one issue (its expanded transitions are not objects)
        return _item_points(body)
    for key in LIST_KEYS:
        if isinstance(body.get(key), list):
            return sum(_item_points(item) for item in body[key])
    if isinstance(body.get("permissions"), dict):  # mypermissions
        return USER_POINTS * len(body["permissions"])
    groups = body.get("groups")
    if isinstance(groups, list) or isinstance(groups, dict) and isinstance(groups.get("items"), list):
        return USER_POINTS * len(groups if isinstance(groups, list) else groups["items"])
    return _item_points(body) if "id" in body else 0


def _item_points(item) -> int:
    """Return the points of one returned object: users and groups 2, an issue 1 plus its attachments."""
    if not isinstance(item, dict):
        return OBJECT_POINTS
    if "accountId" in item and "key" not in item:
        return USER_POINTS
    if "groupId" in item:
        return USER_POINTS
    attachments = (item.get("fields") or {}).get("attachment") if isinstance(item.get("fields"), dict) else None
    return OBJECT_POINTS + (len(attachments) if isinstance(attachments, list) else 0)


class Quota:
    """The live counters of the three limits, and what was spent and refused, behind one lock."""

    def __init__(self, config: dict, clock=time.time) -> None:
        self._start_config = {key: check_setting(key, value) for key, value in {**DEFAULTS, **config}.items()}
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    # -- admin hooks --

    def reset(self) -> None:
        """Restore the start config and forget every counter and the window's spending."""
        with self._lock:
            self.config = dict(self._start_config)
            self._window_start = None
            self._spent = 0
            self._bursts: dict[tuple, list] = {}
            self._issue_writes: dict[str, list] = {}
            self._reset_counters()

    def _reset_counters(self) -> None:
        self._points_total = 0
        self._refused = Counter()
        self._by_user: dict[str, int] = defaultdict(int)

    def reset_counters(self) -> None:
        """Zero what ``stats`` reports as spent and refused (the window's spending stays)."""
        with self._lock:
            self._reset_counters()

    def configure(self, changes: dict) -> dict:
        """Apply a subset of the quota settings; return them all."""
        checked = {key: check_setting(key, value) for key, value in changes.items()}
        with self._lock:
            self.config.update(checked)
            return dict(self.config)

    def stats(self) -> dict:
        """Return the points spent and the refusals since the last reset, and the window's state."""
        with self._lock:
            start, end = self._window()
            return {
                "points_spent": self._points_total,
                "points_by_user": dict(sorted(self._by_user.items())),
                "refused": dict(sorted(self._refused.items())),
                "window": {"start": _iso_seconds(start), "seconds": self.config["quota_window_seconds"],
                           "points": self.config["quota_points"], "spent": self._spent,
                           "left": self._left()},
            }

    # -- around each REST request --

    def admit(self, *, oauth: bool, site: str, route: str, method: str, issue: str | None, write: bool) -> Response | None:
        """Return Jira's 429 when a limit refuses this request, else None (the request goes ahead)."""
        with self._lock:
            now = self.clock()
            refusal = self._burst(now, (site, route, method)) or (write and issue and self._issue_write(now, site, issue))
            if not refusal and oauth and self.config["quota_points"] and self._left() <= 0:
                refusal = self._quota_refusal(now)
            if refusal:
                self._refused[refusal.headers["RateLimit-Reason"]] += 1
                return refusal
            return None

    def charge(self, response: Response, *, oauth: bool, user: str, write: bool) -> None:
        """Spend what ``response`` cost (3LO only) and add the quota headers to it."""
        if not oauth:
            return
        body = response.get_json(silent=True) if response.is_json else None
        points = points_for(body, write)
        with self._lock:
            self._window()
            self._spent += points
            self._points_total += points
            self._by_user[user] += points
            self._quota_headers(response, self.clock())

    # -- the limits --

    def _window(self) -> tuple[float, float]:
        """Return (start, end) of the current quota window, starting a new one (spending 0) when due."""
        length = self.config["quota_window_seconds"]
        start = math.floor(self.clock() / length) * length
        if start != self._window_start:
            self._window_start, self._spent = start, 0
        return start, start + length

    def _left(self) -> int:
        self._window()
        return max(self.config["quota_points"] - self._spent, 0)

    def _burst(self, now: float, key: tuple) -> Response | None:
        limit = self.config["burst_per_second"]
        if not limit:
            return None
        second = math.floor(now)
        slot = self._bursts.get(key)
        if slot is None or slot[0] != second:
            if len(self._bursts) > 10_000:
                self._bursts.clear()
            slot = self._bursts[key] = [second, 0]
        if slot[1] >= limit:
            return _refusal(BURST_REASON, 1, now, {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"})
        slot[1] += 1
        return None

    def _issue_write(self, now: float, site: str, issue: str) -> Response | None:
        limit = self.config["issue_writes_per_second"]
        if not limit:
            return None
        second = math.floor(now)
        slot = self._issue_writes.get(f"{site}/{issue}")
        if slot is None or slot[0] != second:
            if len(self._issue_writes) > 10_000:
                self._issue_writes.clear()
            slot = self._issue_writes[f"{site}/{issue}"] = [second, 0]
        if slot[1] >= limit:
            return _refusal(ISSUE_REASON, 1, now)
        slot[1] += 1
        return None

    def _quota_refusal(self, now: float) -> Response:
        _, end = self._window()
        response = _refusal(QUOTA_REASON, max(math.ceil(end - now), 1), now)
        self._quota_headers(response, now)
        response.headers["X-Beta-RateLimit-Reset"] = _iso_minutes(end)
        return response

    def _quota_headers(self, response: Response, now: float) -> None:
        """Add the Beta-RateLimit headers (and NearLimit under 20 % left) to a 3LO answer."""
        _, end = self._window()
        points, length, left = self.config["quota_points"], self.config["quota_window_seconds"], self._left()
        if not points:
            return
        response.headers["Beta-RateLimit-Policy"] = f'"{POLICY}";q={points};w={length}'
        response.headers["Beta-RateLimit"] = f'"{POLICY}";r={left};t={max(math.ceil(end - now), 0)}'
        if left < points * NEAR_LIMIT_SHARE:
            response.headers["X-RateLimit-NearLimit"] = "true"


def _refusal(reason: str, retry_after: int, now: float, extra: dict | None = None) -> Response:
    """Return Jira's 429: its recorded body, the reason, Retry-After and the reset time."""
    response = Response(json.dumps(REFUSAL_BODY), 429, content_type="application/json;charset=UTF-8")
    response.headers["RateLimit-Reason"] = reason
    response.headers["Retry-After"] = str(retry_after)
    response.headers["X-RateLimit-Reset"] = _iso_minutes(now + retry_after)
    for name, value in (extra or {}).items():
        response.headers[name] = value
    return response


def _iso_minutes(epoch: float) -> str:
    """Return ``epoch`` as Jira writes X-RateLimit-Reset: ``yyyy-MM-ddTHH:mmZ`` (rounded up to the minute)."""
    return datetime.fromtimestamp(math.ceil(epoch / 60) * 60, timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def _iso_seconds(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
