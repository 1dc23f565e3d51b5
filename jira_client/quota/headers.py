"""What Jira's rate-limit headers say about the app's hourly points quota, read defensively.

``Beta-RateLimit-Policy: "global-app-quota";q=65000;w=3600`` names the quota (q points per w
seconds); ``Beta-RateLimit: "global-app-quota";r=17842;t=2107`` says r points are left and the
window resets in t seconds; ``RateLimit-Reason`` (or ``X-Beta-RateLimit-Reason``) says which limit
refused a 429 (reference/atlassian-api.md section 5). Any value that is missing or does not parse
is None, "unknown": never 0, so a garbled header can neither block everyone nor hide a real limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from jira_client.api.errors import parse_retry_after

QUOTA_REASONS = frozenset({"jira-quota-global-based", "jira-quota-tenant-based", "jira-quota-based"})
_PARAM = re.compile(r";\s*([a-z]+)\s*=\s*([^;,\s]*)")
MAX_HEADER_CHARS = 200


@dataclass(frozen=True)
class QuotaHeaders:
    """The quota as one answer described it; each part None when it was not said (or not readable)."""

    points: int | None = None  # q: the points of a whole window
    window_seconds: int | None = None  # w
    left: int | None = None  # r
    resets_in: int | None = None  # t: seconds to the end of the window
    reason: str | None = None  # why a 429 refused
    retry_after: float | None = None

    @property
    def quota_refusal(self) -> bool:
        """Return whether the answer refused because the app's hourly quota is spent."""
        return self.reason in QUOTA_REASONS

    @property
    def spent(self) -> int | None:
        """Return the points spent in the window by Jira's count, or None when unknown."""
        if self.points is None or self.left is None:
            return None
        return max(self.points - self.left, 0)


def read(headers: Mapping[str, str] | None) -> QuotaHeaders:
    """Return what ``headers`` say about the quota (an empty QuotaHeaders for None)."""
    if not headers:
        return QuotaHeaders()
    policy = _params(headers.get("Beta-RateLimit-Policy"))
    state = _params(headers.get("Beta-RateLimit"))
    reason = (headers.get("RateLimit-Reason") or headers.get("X-Beta-RateLimit-Reason") or "").strip()
    return QuotaHeaders(
        points=_number(policy.get("q"), minimum=1),
        window_seconds=_number(policy.get("w"), minimum=1),
        left=_number(state.get("r")),
        resets_in=_number(state.get("t")),
        reason=reason[:MAX_HEADER_CHARS] or None,
        retry_after=parse_retry_after(headers.get("Retry-After")),
    )


def _params(value: str | None) -> dict[str, str]:
    """Return the parameters of the first item of a structured header (``"name";q=1;w=2``)."""
    if not value:
        return {}
    first = str(value)[:MAX_HEADER_CHARS].split(",")[0]
    return {name: raw for name, raw in _PARAM.findall(first)}


def _number(raw: str | None, minimum: int = 0) -> int | None:
    """Return ``raw`` as a whole number of at least ``minimum`` and at most 10**12, else None."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    value = int(raw)
    return value if value >= minimum else None
