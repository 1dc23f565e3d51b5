"""The hourly points quota in tests: one fake clock for the sandbox's limits and the app's ledger and cache.

Windows are hours of the clock (or of Jira's reset), so a test on real time could cross one;
``shared_clock`` puts the live sandbox's quota on a FakeClock ten seconds into a window (and puts
the real clock back after), and ``use_clock`` puts an app's ledger and read cache on the same one.
"""

from __future__ import annotations

import pytest
from cachelib import SimpleCache

from jira_client.quota.cache import CachelibStore, DataCipher, ReadCache
from jira_client.quota.governor import Quota
from jira_client.quota.ledger import CacheLedger
from jira_client.state import app_state
from sandbox.jira_http import QUOTA_KEY
from tests.support.clock import FakeClock
from tests.support.sandbox import sandbox_stats

WINDOW_START = 3600 * 500_000  # a whole hour since the epoch


def memory_quota(clock) -> Quota:
    """Return a Quota of 65,000 points an hour whose ledger and read cache live in memory and tell time by ``clock``."""
    cache = ReadCache(CachelibStore(SimpleCache()), DataCipher("secret"), 60, 3600, clock=clock)
    return Quota(CacheLedger(SimpleCache(), clock=clock), cache, points_per_hour=65000)


def use_clock(app, clock) -> None:
    """Make ``app``'s quota ledger and read cache tell time by ``clock``."""
    quota = app_state(app).quota
    quota.ledger.clock = clock
    quota.cache.clock = clock


def sandbox_quota(sandbox) -> dict:
    """Return the sandbox's quota counters: points spent, by user, refusals by reason, the window."""
    return sandbox_stats(sandbox)["quota"]


@pytest.fixture
def shared_clock(sandbox):
    """A FakeClock ten seconds into a quota window, driving the live sandbox's limits (restored after)."""
    limits = sandbox.app.extensions[QUOTA_KEY]
    before, limits.clock = limits.clock, FakeClock(WINDOW_START + 10)
    yield limits.clock
    limits.clock = before
