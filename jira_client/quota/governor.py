"""The request governor: every call of a page to Jira passes through it (the JiraClient's CallGate).

For a read it first looks in the person's cache (``cache.py``): a fresh copy is the answer.
Otherwise, when the person's calls spend the app's hourly quota (multi_user), it asks the
ledger where the hour stands and the fair-share policy whether this read may go (``policy.py``);
a read that may not, or that Jira refuses for the quota or does not answer, is served from an
older copy when there is one (the page then shows a banner saying how old and why), else the
person gets a page saying when the hour resets. After an answer it records what the call cost
(``costs.py``) in the ledger, with Jira's own count when the headers give one, and keeps a read
in the cache or, after a write, drops the person's cached reads. While a form is being sent (any
request but GET), reads skip the cache both ways: a write is judged against what Jira holds now.

Nothing here may turn a page into an error: when Redis (or the session files) cannot be reached,
the ledger and the cache are skipped, a warning is logged and ``jira_web_quota_ledger_failures``
counted, and the call goes to Jira as if there were no governor. A store that failed is left
alone for ``REST_SECONDS`` (per process), so a Redis that hangs costs one timeout, not one per call.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from jira_client.api.client import Call, CallObserver
from jira_client.api.errors import JiraError, RateLimited, ServerError, TransportError
from jira_client.observability import metrics
from jira_client.quota import costs, headers, policy
from jira_client.quota.cache import CacheError, Entry, ReadCache, Slot
from jira_client.quota.ledger import Ledger, LedgerError, Usage
from jira_client.quota.window import Window, Windows

log = logging.getLogger(__name__)
REST_SECONDS = 30.0  # how long a store that failed is left alone

# Why a page shows an older copy (the banner's wording is in templates/_stale.html).
STALE_QUOTA, STALE_SLOWED, STALE_LIMITED, STALE_UNREACHABLE = "quota", "slowed", "limited", "unreachable"


class Throttled(RateLimited):
    """This app holds back a person's expensive read: they are far above their share of the hour."""

    default_message = "You have used a large share of the team's Jira allowance this hour."

    def __init__(self, usage: Usage, now: float) -> None:
        seconds = usage.window.seconds_left(now)
        super().__init__(retry_after=seconds, status=429)
        self.usage, self.resets_at = usage, usage.window.ends_at


class QuotaExhausted(RateLimited):
    """Jira refuses the app's calls until its hourly quota resets (RateLimit-Reason jira-quota-*)."""

    default_message = "The team's hourly Jira allowance is used up."

    def __init__(self, resets_at: datetime | None, retry_after: float | None) -> None:
        super().__init__(retry_after=retry_after, status=429)
        self.resets_at = resets_at


@dataclass(frozen=True)
class StaleNotice:
    """A page shows an older copy: how old, why, and when fresh answers are expected again."""

    age_seconds: float
    reason: str
    resets_at: datetime | None = None

    @property
    def minutes(self) -> int:
        """Return the copy's age in whole minutes (0 for less than one)."""
        return int(self.age_seconds // 60)


class Quota:
    """What the app keeps about the quota between requests: ledger, read cache, current window."""

    def __init__(self, ledger: Ledger | None, cache: ReadCache | None, points_per_hour: int) -> None:
        self.ledger, self.cache, self.points_per_hour = ledger, cache, points_per_hour
        self.windows = Windows(self.now)
        self._resting: dict[str, float] = {}  # store -> monotonic time until which it is left alone
        self.rest_seconds = REST_SECONDS

    def usable(self, store: str) -> bool:
        """Return whether ``store`` ("ledger" or "cache") is there and has not failed in the last ``rest_seconds``."""
        present = self.ledger if store == "ledger" else self.cache
        return present is not None and time.monotonic() >= self._resting.get(store, 0.0)

    def failed(self, store: str, error: Exception) -> None:
        """Count a store that could not be reached, log it once, and leave it alone for a while."""
        metrics.quota_ledger_failures.labels(store=store).inc()
        if self.usable(store):
            log.warning("Quota %s unreachable (%s: %s): pages go on without it for %.0f s",
                        store, type(error).__name__, error, self.rest_seconds)
        self._resting[store] = time.monotonic() + self.rest_seconds

    def now(self) -> float:
        """Return the shared time (Redis' clock when there is Redis), this machine's if it cannot be read."""
        if not self.usable("ledger"):
            return time.time()
        try:
            return self.ledger.now()
        except LedgerError as exc:
            self.failed("ledger", exc)
            return time.time()

    def governor(self, *, scope: str, site: str, person: str, counted: bool, copies: bool = True) -> Governor:
        """Return the governor for one request of ``person`` (a pseudonym) at ``site``.

        ``copies`` False (a form being sent) means every read asks Jira: a write must be judged
        against what Jira holds now, never against a copy.
        """
        return Governor(self, scope=scope, site=site, person=person, counted=counted, copies=copies)

    def usage(self, person: str) -> Usage | None:
        """Return where the current window stands for the app and ``person``; None when unknown."""
        window = self.windows.current()  # first: reading the clock may find the ledger down
        if not self.usable("ledger"):
            return None
        try:
            return self.ledger.usage(window, person, self.points_per_hour)
        except LedgerError as exc:
            self.failed("ledger", exc)
            return None

    def top(self, count: int = 10) -> tuple[Window, list[tuple[str, int]]] | None:
        """Return the current window and its ``count`` biggest spenders (pseudonyms); None when unknown."""
        window = self.windows.current()
        if not self.usable("ledger"):
            return None
        try:
            return window, self.ledger.top(window, count)
        except LedgerError as exc:
            self.failed("ledger", exc)
            return None


class Governor:
    """One request's gate to Jira (see the module docstring); not shared between requests."""

    def __init__(self, quota: Quota, *, scope: str, site: str, person: str, counted: bool, copies: bool = True) -> None:
        self.quota, self.scope, self.site, self.person, self.counted = quota, scope, site, person, counted
        self.copies = copies
        self.stale: StaleNotice | None = None  # set when this page shows an older copy
        self.points = 0  # points this request's calls cost
        self._answers = threading.local()  # the headers of this thread's latest answer

    # -- the CallGate ----------------------------------------------------------------------

    def around(self, call: Call, send: Callable[[], Any]) -> Any:
        """Return the answer to ``call``: cached, fresh from Jira, or an older copy; or raise a page."""
        slot, kept = self._cached(call)
        if kept is not None and self.quota.cache.is_fresh(kept) and self._payload(kept) is not None:
            metrics.read_cache.labels(result="hit").inc()
            return kept.payload
        if slot is not None:
            metrics.read_cache.labels(result="miss").inc()
        refusal = self._admit(call)
        if refusal is not None:
            return self._older_copy(kept, STALE_QUOTA if isinstance(refusal, QuotaExhausted) else STALE_SLOWED, refusal)
        self._answers.headers = None
        try:
            payload = send()
        except RateLimited as error:
            said = self._settle(call, None, answered=False)
            if said.quota_refusal:
                return self._older_copy(kept, STALE_QUOTA, self._quota_refused(said, error))
            return self._older_copy(kept, STALE_LIMITED, error)
        except (TransportError, ServerError) as error:
            self._settle(call, None, answered=self._answers.headers is not None)
            return self._older_copy(kept, STALE_UNREACHABLE, error)
        except JiraError:
            self._settle(call, None, answered=True)
            if not call.read:
                self._forget()  # a refused write may still have changed something
            raise
        self._settle(call, payload, answered=True)
        if slot is not None and not self.quota.cache.recent(kept):
            self._keep(slot, payload)
        elif not call.read:
            self._forget()
        return payload

    def watch(self, observer: CallObserver | None) -> CallObserver:
        """Return an observer that tells ``observer`` everything and keeps each answer's headers here."""
        return _Watching(self, observer)

    # -- the steps -------------------------------------------------------------------------

    def _cached(self, call: Call) -> tuple[Slot | None, Entry | None]:
        """Return the call's cache slot and the copy kept there (any age), or (None, None) for writes."""
        cache = self.quota.cache
        if not call.read or call.streamed or not self.copies or not self.quota.usable("cache"):
            return None, None  # a streamed answer (a file's bytes) is read later, by the browser: never kept
        try:
            return cache.lookup(cache.slot(self.scope, self.site, call))
        except CacheError as exc:
            self.quota.failed("cache", exc)
            return None, None

    def _payload(self, kept: Entry | None) -> Any:
        """Return a kept copy's answer, read from the store now (None when there is none or the store failed)."""
        if kept is None:
            return None
        try:
            return kept.payload
        except CacheError as exc:
            self.quota.failed("cache", exc)
            return None

    def _keep(self, slot: Slot, payload: Any) -> None:
        if not self.quota.usable("cache"):
            return
        try:
            self.quota.cache.keep(slot, payload)
        except CacheError as exc:
            self.quota.failed("cache", exc)

    def _forget(self) -> None:
        if not self.quota.usable("cache"):
            return
        try:
            self.quota.cache.forget(self.scope, self.site)
        except CacheError as exc:
            self.quota.failed("cache", exc)

    def _admit(self, call: Call) -> RateLimited | None:
        """Return why this call may not go to Jira now (Throttled, QuotaExhausted), or None."""
        if not self.counted:
            return None
        usage = None if not call.read else self.quota.usage(self.person)
        now = self.quota.now()
        if usage is not None and usage.blocked_until and now < usage.blocked_until:
            metrics.quota_decisions.labels(decision=policy.SLOW, reason="jira_quota").inc()
            until = datetime.fromtimestamp(usage.blocked_until, timezone.utc)
            return QuotaExhausted(until, max(math.ceil(usage.blocked_until - now), 1))
        decision = policy.decide(write=not call.read, expensive=costs.is_expensive(call), usage=usage)
        metrics.quota_decisions.labels(decision=decision.label, reason=decision.reason).inc()
        if decision.allowed:
            return None
        log.info("Holding back an expensive read of %s: %s of %s points spent, theirs %s (others' average %.0f)",
                 self.person, usage.spent, usage.points, usage.person, usage.others_average or 0)
        return Throttled(usage, now)

    def _older_copy(self, kept: Entry | None, reason: str, error: JiraError) -> Any:
        """Return the kept copy (noting why, for the banner) when there is one; else raise ``error``."""
        if self._payload(kept) is None:  # none kept, gone, one that no longer decrypts, or the store failed
            raise error
        metrics.read_cache.labels(result="stale").inc()
        resets_at = getattr(error, "resets_at", None)
        age = kept.age(self.quota.cache.clock())
        if self.stale is None or age > self.stale.age_seconds:
            self.stale = StaleNotice(age, reason, resets_at)
        return kept.payload

    def _quota_refused(self, said: headers.QuotaHeaders, error: RateLimited) -> QuotaExhausted:
        """Remember that Jira refuses for the quota until its reset; return the error for the page."""
        now = self.quota.now()
        seconds = said.retry_after if said.retry_after is not None else said.resets_in
        window = self.quota.windows.current(now)
        until = now + seconds if seconds is not None else window.end
        if self.ledger_ok():
            try:
                self.quota.ledger.block(window, until)
            except LedgerError as exc:
                self.quota.failed("ledger", exc)
        resets_at = datetime.fromtimestamp(until, timezone.utc)
        refused = QuotaExhausted(resets_at, error.retry_after)
        refused.__cause__ = error
        return refused

    def ledger_ok(self) -> bool:
        """Return whether this request's spending is recorded (it spends the quota, and the ledger is up)."""
        return self.counted and self.quota.usable("ledger")

    def _spend(self, call: Call, payload: Any, *, answered: bool) -> None:
        """Record what an answered call cost (a refusal or no answer costs nothing)."""
        if not answered or not self.counted:
            return
        points = costs.points(call, payload) if payload is not None else 1
        self.points += points
        metrics.quota_points_spent.inc(points)
        window = self.quota.windows.current()
        if not self.ledger_ok():
            return
        try:
            self.quota.ledger.record(window, self.person, points)
        except LedgerError as exc:
            self.quota.failed("ledger", exc)

    def _settle(self, call: Call, payload: Any, *, answered: bool) -> headers.QuotaHeaders:
        """Record what the call cost, then what its answer's headers said; return those."""
        self._spend(call, payload, answered=answered)
        said = headers.read(self._answers.headers)
        self._learn(said)
        return said

    def _learn(self, said: headers.QuotaHeaders) -> None:
        """Take the window, the quota's size and Jira's count from an answer's headers, when it gave them."""
        if said.points is not None:
            metrics.quota_points_limit.set(said.points)
        if said.left is not None:
            metrics.quota_points_left.set(said.left)
        learned = self.quota.windows.learn(said.resets_in, said.window_seconds)
        if not self.counted or (said.points is None and said.spent is None):
            return
        window = learned or self.quota.windows.current()
        if not self.ledger_ok():
            return
        try:
            self.quota.ledger.observe(window, said.points, said.spent)
        except LedgerError as exc:
            self.quota.failed("ledger", exc)


class _Watching:
    """A CallObserver that forwards to the request's observer and hands each answer's headers to the governor."""

    def __init__(self, governor: Governor, inner: CallObserver | None) -> None:
        self.governor, self.inner = governor, inner

    def sent(self, method: str, url: str, status: int | None, seconds: float, headers: Mapping[str, str]) -> None:
        if status is not None:
            self.governor._answers.headers = headers
        if self.inner is not None:
            self.inner.sent(method, url, status, seconds, headers)

    def waited(self, seconds: float) -> None:
        if self.inner is not None:
            self.inner.waited(seconds)
