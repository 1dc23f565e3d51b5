"""Which hourly window the points being spent belong to, agreed on by every worker.

Jira's hourly quota resets at fixed times. Workers (and machines) must file their spending
under the same window even when their clocks disagree, so the window comes from Jira itself
where it can: ``Beta-RateLimit``'s ``t`` (seconds to the reset) and ``Beta-RateLimit-Policy``'s
``w`` (the window's length) fix its end. Until an answer has said so, windows are the clock's
own hours (multiples of the length since the epoch), read from the shared clock the ledger
offers (Redis' ``TIME``), not from this machine's; after a window Jira described, the next ones
keep its phase.

A window is named by its end (epoch seconds): the end learned from ``now + t`` is rounded to a
sixtieth of the window (a minute of an hour), so two workers that saw the same reset a second
apart still name the same window.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

HOUR = 3600


@dataclass(frozen=True)
class Window:
    """One quota window: it ends at ``end`` (epoch seconds) and lasts ``length`` seconds."""

    end: int
    length: int = HOUR

    @property
    def start(self) -> int:
        return self.end - self.length

    @property
    def ends_at(self) -> datetime:
        """Return the end as an aware UTC datetime (when the quota resets)."""
        return datetime.fromtimestamp(self.end, timezone.utc)

    def seconds_left(self, now: float) -> int:
        """Return the whole seconds from ``now`` to the reset (at least 1)."""
        return max(math.ceil(self.end - now), 1)

    def contains(self, now: float) -> bool:
        return self.start <= now < self.end


def aligned(now: float, length: int = HOUR) -> Window:
    """Return the clock-aligned window of ``length`` seconds that holds ``now``."""
    return Window(end=(math.floor(now / length) + 1) * length, length=length)


class Windows:
    """The current window: Jira's, once an answer has said when it resets; else the shared clock's."""

    def __init__(self, now: Callable[[], float], length: int = HOUR) -> None:
        self.now = now
        self.length = length
        self._learned: Window | None = None
        self._lock = threading.Lock()

    def current(self, now: float | None = None) -> Window:
        """Return the window that holds ``now`` (default: the shared clock's now)."""
        now = self.now() if now is None else now
        with self._lock:
            learned = self._learned
        if learned is None or now < learned.start:
            return aligned(now, self.length)
        if learned.contains(now):
            return learned
        later = math.floor((now - learned.end) / learned.length) + 1  # Jira's next hours keep its phase
        return Window(learned.end + later * learned.length, learned.length)

    def learn(self, resets_in: int | None, length: int | None, now: float | None = None) -> Window | None:
        """Remember the window an answer described (``t`` and ``w``); return it, or None if it said nothing."""
        if resets_in is None:
            if length is not None:
                with self._lock:
                    self.length = length
            return None
        now = self.now() if now is None else now
        length = length or (self._learned.length if self._learned else self.length)
        if resets_in > length:
            return None  # a reset further away than a whole window: not believable
        grain = max(length // 60, 1)
        # t is whole seconds, rounded up by Jira: now + t lands up to a second past the end
        window = Window(end=round((now + resets_in - 0.5) / grain) * grain, length=length)
        with self._lock:
            self._learned = window
            self.length = length
        return window
