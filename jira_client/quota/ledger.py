"""The shared ledger: points spent per hourly window, by the whole app and by each person.

Every worker of a deployment writes here what each answer from Jira cost (``costs.py``), under
the window it belongs to (``window.py``), and reads back where the hour stands before an
expensive read (``policy.py``). In Redis (several workers or machines) one window is two keys,
``<prefix>quota:<end>:app`` (a hash) and ``<prefix>quota:<end>:people`` (a sorted set of
pseudonyms), expiring one window after it ends; with one worker and no Redis the same numbers
live in the file store Flask-Session uses, behind a lock.

The app's spending is the sum of the estimates, corrected by Jira: when an answer says how many
points are left (``Beta-RateLimit``), ``q - r`` is Jira's own count at that moment, and the
estimates recorded since are added to it. People's spending is the estimates alone (Jira does
not count per person). When Jira refuses for the quota, the ledger remembers until when.

Every backend failure is raised as ``LedgerError``; the governor then lets the page go on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

import redis

from jira_client.quota.window import Window

CLOCK_REFRESH_SECONDS = 60.0  # how often a worker re-reads Redis' clock to correct its own


class LedgerError(Exception):
    """The ledger's store could not be reached or answered nonsense."""


@dataclass(frozen=True)
class Usage:
    """Where one window stands, for the app and for one person."""

    window: Window
    points: int  # the window's quota (Jira's q once seen, else JIRA_POINTS_PER_HOUR)
    spent: int  # the app's spending: estimates, corrected by Jira's count when known
    estimated: int  # the sum of every person's estimates
    person: int  # this person's estimates
    people: int  # how many people spent anything in the window
    blocked_until: float | None = None  # Jira refused for the quota until then
    left_by_jira: int | None = None  # Jira's last word on the points left

    @property
    def fraction(self) -> float:
        """Return the share of the quota spent, 0 to 1 (and beyond, if estimates overshoot)."""
        return self.spent / self.points if self.points else 0.0

    @property
    def average(self) -> float:
        """Return the average estimated spending of the people active in the window."""
        return self.estimated / self.people if self.people else 0.0

    @property
    def others_average(self) -> float | None:
        """Return the average spending of everyone else active in the window (None when nobody else is)."""
        others = self.people - (1 if self.person else 0)
        return max(self.estimated - self.person, 0) / others if others > 0 else None


class Ledger(Protocol):
    """What the governor needs from a ledger (RedisLedger, CacheLedger)."""

    def now(self) -> float: ...
    def record(self, window: Window, person: str, points: int) -> None: ...
    def observe(self, window: Window, points: int | None, spent: int | None) -> None: ...
    def block(self, window: Window, until: float) -> None: ...
    def usage(self, window: Window, person: str, default_points: int) -> Usage: ...
    def top(self, window: Window, count: int) -> list[tuple[str, int]]: ...


def _usage(window: Window, app: dict, person: float | None, people: int, default_points: int) -> Usage:
    """Return a Usage from the stored fields (strings or numbers; missing ones are 0 / unknown)."""
    def number(name: str) -> float | None:
        value = app.get(name)
        return float(value) if value not in (None, b"", "") else None

    estimated = int(number("est") or 0)
    jira = number("jira")
    spent = estimated if jira is None else int(jira + estimated - (number("est_at_jira") or 0))
    return Usage(
        window=window, points=int(number("quota") or default_points), spent=max(spent, 0), estimated=estimated,
        person=int(person or 0), people=people, blocked_until=number("blocked_until"),
        left_by_jira=None if number("left") is None else int(number("left")),
    )


# KEYS[1] = the window's app hash; ARGV = quota or "", Jira's spent or "", expire at (epoch seconds), left or "".
# Jira's count only grows within a window: an older answer arriving late never lowers it.
_OBSERVE = """
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'quota', ARGV[1]) end
if ARGV[2] ~= '' then
  local known = tonumber(redis.call('HGET', KEYS[1], 'jira') or '-1')
  if tonumber(ARGV[2]) >= known then
    local est = redis.call('HGET', KEYS[1], 'est') or '0'
    redis.call('HSET', KEYS[1], 'jira', ARGV[2], 'est_at_jira', est, 'left', ARGV[4])
  end
end
redis.call('EXPIREAT', KEYS[1], ARGV[3])
return 1
"""


class RedisLedger:
    """The ledger in Redis, shared by every worker and machine; the clock is Redis' own (TIME)."""

    def __init__(self, client: redis.Redis, prefix: str = "session:", clock: Callable[[], float] | None = None,
                 local_clock: Callable[[], float] = time.time) -> None:
        self.client, self.prefix = client, f"{prefix}quota:"
        self.clock = clock  # tests and benchmarks may set one; else Redis' TIME corrects this machine's clock
        self.local_clock = local_clock
        self._offset: float | None = None
        self._offset_read_at = 0.0
        self._observe = client.register_script(_OBSERVE)

    def _keys(self, window: Window) -> tuple[str, str]:
        return f"{self.prefix}{window.end}:app", f"{self.prefix}{window.end}:people"

    def _expiry(self, window: Window) -> int:
        return window.end + window.length  # the last window stays readable for a while (/setup)

    def now(self) -> float:
        """Return the shared time: Redis' clock (read once a minute, then this machine's plus the offset)."""
        if self.clock is not None:
            return self.clock()
        local = self.local_clock()
        if self._offset is None or local - self._offset_read_at > CLOCK_REFRESH_SECONDS:
            try:
                seconds, micros = self.client.time()
            except redis.RedisError as exc:
                if self._offset is None:
                    raise LedgerError("Redis' clock could not be read") from exc
                return local + self._offset
            self._offset, self._offset_read_at = seconds + micros / 1e6 - local, local
        return local + self._offset

    def record(self, window: Window, person: str, points: int) -> None:
        """Add ``points`` to the app's and the person's spending in ``window``."""
        app, people = self._keys(window)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hincrby(app, "est", points)
                pipe.zincrby(people, points, person)
                pipe.expireat(app, self._expiry(window))
                pipe.expireat(people, self._expiry(window))
                pipe.execute()
        except redis.RedisError as exc:
            raise LedgerError("the points could not be recorded") from exc

    def observe(self, window: Window, points: int | None, spent: int | None) -> None:
        """Correct the app's spending with Jira's own count (``spent``) and quota size (``points``)."""
        left = "" if points is None or spent is None else str(points - spent)
        args = ["" if points is None else points, "" if spent is None else spent, self._expiry(window), left]
        try:
            self._observe(keys=[self._keys(window)[0]], args=args)
        except redis.RedisError as exc:
            raise LedgerError("Jira's count could not be recorded") from exc

    def block(self, window: Window, until: float) -> None:
        """Remember that Jira refuses for the quota until ``until``."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hset(self._keys(window)[0], "blocked_until", until)
                pipe.expireat(self._keys(window)[0], self._expiry(window))
                pipe.execute()
        except redis.RedisError as exc:
            raise LedgerError("the block could not be recorded") from exc

    def usage(self, window: Window, person: str, default_points: int) -> Usage:
        """Return the window's state for the app and ``person``, in one round trip."""
        app, people = self._keys(window)
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hgetall(app)
                pipe.zscore(people, person)
                pipe.zcard(people)
                fields, mine, count = pipe.execute()
        except redis.RedisError as exc:
            raise LedgerError("the ledger could not be read") from exc
        fields = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
                  for k, v in fields.items()}
        return _usage(window, fields, mine, int(count), default_points)

    def top(self, window: Window, count: int) -> list[tuple[str, int]]:
        """Return the ``count`` biggest spenders of ``window``: (pseudonym, points), biggest first."""
        try:
            found = self.client.zrevrange(self._keys(window)[1], 0, count - 1, withscores=True)
        except redis.RedisError as exc:
            raise LedgerError("the ledger could not be read") from exc
        return [(name.decode() if isinstance(name, bytes) else name, int(score)) for name, score in found]


class CacheLedger:
    """The ledger in a cachelib cache (the session files), for a single worker process.

    One window is one entry; a lock serialises this process's threads (there is no other process).
    """

    def __init__(self, cache, prefix: str = "session:", clock: Callable[[], float] = time.time) -> None:
        self.cache, self.prefix, self.clock = cache, f"{prefix}quota:", clock  # tests may replace the clock
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return this machine's time (one worker: nobody to disagree with)."""
        return self.clock()

    def _load(self, window: Window) -> dict:
        try:
            stored = self.cache.get(f"{self.prefix}{window.end}")
        except Exception as exc:  # cachelib swallows most errors; a broken backend may not
            raise LedgerError("the ledger could not be read") from exc
        return dict(stored) if isinstance(stored, dict) else {"people": {}}

    def _store(self, window: Window, entry: dict) -> None:
        try:
            stored = self.cache.set(f"{self.prefix}{window.end}", entry, timeout=max(int(window.end + window.length - self.now()), 1))
        except Exception as exc:
            raise LedgerError("the ledger could not be written") from exc
        if stored is False:
            raise LedgerError("the ledger could not be written")

    def _change(self, window: Window, change: Callable[[dict], None]) -> None:
        with self._lock:
            entry = self._load(window)
            entry["people"] = dict(entry.get("people") or {})
            change(entry)
            self._store(window, entry)

    def record(self, window: Window, person: str, points: int) -> None:
        """Add ``points`` to the app's and the person's spending in ``window``."""
        def add(entry: dict) -> None:
            entry["est"] = entry.get("est", 0) + points
            entry["people"][person] = entry["people"].get(person, 0) + points
        self._change(window, add)

    def observe(self, window: Window, points: int | None, spent: int | None) -> None:
        """Correct the app's spending with Jira's own count (never lowering it) and quota size."""
        def correct(entry: dict) -> None:
            if points is not None:
                entry["quota"] = points
            if spent is not None and spent >= entry.get("jira", -1):
                entry.update(jira=spent, est_at_jira=entry.get("est", 0))
                if points is not None:
                    entry["left"] = points - spent
        self._change(window, correct)

    def block(self, window: Window, until: float) -> None:
        """Remember that Jira refuses for the quota until ``until``."""
        self._change(window, lambda entry: entry.update(blocked_until=until))

    def usage(self, window: Window, person: str, default_points: int) -> Usage:
        """Return the window's state for the app and ``person``."""
        with self._lock:
            entry = self._load(window)
        people = entry.get("people") or {}
        return _usage(window, entry, people.get(person), len(people), default_points)

    def top(self, window: Window, count: int) -> list[tuple[str, int]]:
        """Return the ``count`` biggest spenders of ``window``, biggest first."""
        with self._lock:
            people = self._load(window).get("people") or {}
        return sorted(((name, int(points)) for name, points in people.items()), key=lambda item: -item[1])[:count]


def ledger_for(config, clock: Callable[[], float] | None = None) -> Ledger:
    """Return the ledger that shares Flask-Session's store (from the app's config)."""
    prefix = str(config.get("SESSION_KEY_PREFIX") or "session:")
    if config.get("SESSION_TYPE") == "redis":
        return RedisLedger(config["SESSION_REDIS"], prefix, clock)
    return CacheLedger(config["SESSION_CACHELIB"], prefix, clock or time.time)
