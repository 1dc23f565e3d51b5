"""Fair shares of the hourly quota: who is slowed, and when (the policy in docs/DEPLOYMENT.md).

Nobody is slowed while less than half of the hour's points are spent. Past half, a person whose
spending this hour is more than four times the average of everyone else active this hour gets a
page saying when the hour resets instead of an expensive read (a search or a list of more than
20 rows); the bar drops to twice that average at 75 %, to the average itself at 90 %, and at
97 % to anyone who has spent anything. Cheap reads and every write always go on.

The average leaves the person out: one heavy user would otherwise raise it along with their own
spending, and in a small team never be far above it.

Each decision has a reason, counted in ``jira_web_quota_decisions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from jira_client.quota.ledger import Usage

# (share of the quota spent, a person above this many times the average is slowed), highest first.
STEPS = ((0.97, 0.0), (0.90, 1.0), (0.75, 2.0), (0.50, 4.0))
ALLOW, SLOW = "allow", "slow"


@dataclass(frozen=True)
class Decision:
    """Whether a read goes to Jira, and why (a reason from a fixed vocabulary, for metrics)."""

    allowed: bool
    reason: str

    @property
    def label(self) -> str:
        return ALLOW if self.allowed else SLOW


WRITE = Decision(True, "write")
CHEAP = Decision(True, "cheap_read")
QUIET = Decision(True, "quiet")  # less than half the quota spent
WITHIN = Decision(True, "within_share")
UNKNOWN = Decision(True, "ledger_unavailable")  # fail open: the ledger could not be read
OVER = Decision(False, "over_share")
REASONS = frozenset(d.reason for d in (WRITE, CHEAP, QUIET, WITHIN, UNKNOWN, OVER)) | {"jira_quota"}


def bar(usage: Usage) -> float | None:
    """Return the spending above which this person is slowed now, or None while they are not."""
    for at, times in STEPS:
        if usage.fraction >= at:
            others = usage.others_average
            if others is None:  # alone this hour: only the last 3 % are held back
                return 0.0 if times == 0.0 else None
            return times * others
    return None


def decide(*, write: bool, expensive: bool, usage: Usage | None) -> Decision:
    """Return whether this call may go to Jira under the fair-share policy."""
    if write:
        return WRITE
    if not expensive:
        return CHEAP
    if usage is None:
        return UNKNOWN
    limit = bar(usage)
    if limit is None:
        return QUIET
    return OVER if usage.person > limit else WITHIN
