"""What Jira last said about rate limits, per user and site, kept per process.

Jira Cloud answers with ``X-RateLimit-Limit/Remaining/Reset``, ``X-RateLimit-NearLimit: true``
(under 20 % of the budget left), ``RateLimit-Reason`` and ``Retry-After`` (on 429 and some 503s),
and, under the 2026 points model, ``Beta-RateLimit-Policy``, ``Beta-RateLimit``,
``X-Beta-RateLimit-Reason`` and ``X-Beta-RateLimit-Reset`` (reference/atlassian-api.md, section 5).

``RateLimitStore`` keeps the latest snapshot per (cache scope, site) in a bounded LRU map. It is
per process: under several workers each shows what its own calls saw, which is enough to tell a
person (and an operator reading the logs) that they are near or over a limit.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Mapping

# Attribute -> response header, in the order the partial shows them.
HEADERS = {
    "limit": "X-RateLimit-Limit",
    "remaining": "X-RateLimit-Remaining",
    "reset": "X-RateLimit-Reset",
    "near_limit": "X-RateLimit-NearLimit",
    "reason": "RateLimit-Reason",
    "retry_after": "Retry-After",
    "beta_policy": "Beta-RateLimit-Policy",
    "beta_limit": "Beta-RateLimit",
    "beta_reason": "X-Beta-RateLimit-Reason",
    "beta_reset": "X-Beta-RateLimit-Reset",
}
MAX_HEADER_CHARS = 200
DEFAULT_CAPACITY = 1000


@dataclass(frozen=True)
class RateLimitSnapshot:
    """The rate-limit headers of the latest Jira answer that carried any, for one user and site."""

    status: int
    operation: str
    seen_at: float
    headers: dict[str, str] = field(default_factory=dict)  # attribute name (see HEADERS) -> value

    @property
    def seen(self) -> datetime:
        """Return when the answer came, as an aware UTC datetime."""
        return datetime.fromtimestamp(self.seen_at, timezone.utc)

    @property
    def near_limit(self) -> bool:
        """Return True when Jira flagged that less than 20 % of the budget is left."""
        return self.headers.get("near_limit", "").strip().lower() == "true"

    @property
    def limited(self) -> bool:
        """Return True when this answer was a 429."""
        return self.status == 429

    def rows(self) -> list[tuple[str, str]]:
        """Return (header name, value) pairs for display, in a fixed order."""
        return [(HEADERS[name], self.headers[name]) for name in HEADERS if name in self.headers]


def snapshot_from(status: int, operation: str, headers: Mapping[str, str], now: float | None = None) -> RateLimitSnapshot | None:
    """Return the snapshot in ``headers``, or None when they carry no rate-limit header at all."""
    found = {
        name: str(headers[header])[:MAX_HEADER_CHARS]
        for name, header in HEADERS.items()
        if headers.get(header) is not None and (name != "retry_after" or status in (429, 503))
    }
    if not found and status != 429:
        return None
    return RateLimitSnapshot(status=status, operation=operation, seen_at=now or time.time(), headers=found)


class RateLimitStore:
    """A thread-safe, bounded map from (scope, site) to the latest RateLimitSnapshot."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple[str, str], RateLimitSnapshot] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, scope: str, site: str, snapshot: RateLimitSnapshot) -> None:
        """Keep ``snapshot`` as the latest for (scope, site), evicting the least recent entry if full."""
        with self._lock:
            self._items[(scope, site)] = snapshot
            self._items.move_to_end((scope, site))
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def latest(self, scope: str, site: str | None = None) -> RateLimitSnapshot | None:
        """Return the latest snapshot for ``scope`` at ``site`` (any site when None), or None."""
        with self._lock:
            if site is not None:
                return self._items.get((scope, site))
            matching = [snap for (key, _), snap in self._items.items() if key == scope]
        return max(matching, key=lambda snap: snap.seen_at, default=None)

    def __len__(self) -> int:
        return len(self._items)
