"""Slowing down, then locking out, repeated wrong guesses at a secret typed into a form (the /setup admin token).

Without it ``/setup`` answered about 100 guesses a second. Every attempt is counted before the
guess is compared, atomically, per client address and for everyone together (a success then
forgets the address's count), so parallel guesses cannot slip past the count:

- an address gets ``FREE_FAILURES`` attempts at once; after that each needs a wait that doubles
  (1 s, 2 s, 4 s, ... since its last attempt), and after ``LOCKOUT_FAILURES`` it is locked out;
- ``GLOBAL_LOCKOUT_FAILURES`` failed attempts from all addresses lock the form for everyone,
  against guessing spread over many addresses (the price: the emergency access is closed to the
  operator too for that while; it reopens by itself);
- counts are forgotten ``WINDOW_SECONDS`` after the last attempt, so a lockout lasts that long,
  and attempts refused while locked are not counted (hammering does not prolong it).

With Redis (``REDIS_URL``) the counts live there, shared by every worker and machine, and one Lua
script checks and counts; otherwise they are kept in this process (production allows one process
without Redis). The client address is ``request.remote_addr``: behind a proxy, set
``TRUSTED_PROXY_COUNT`` or every visitor shares the proxy's address and its count.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

FREE_FAILURES = 3
LOCKOUT_FAILURES = 10
GLOBAL_LOCKOUT_FAILURES = 50
WINDOW_SECONDS = 15 * 60
EVERYONE = "*"

SLOW_DOWN, LOCKED_OUT, LOCKED_FOR_EVERYONE = "slow_down", "locked_out", "locked_for_everyone"


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead; if not why and for how long, if so whether it began a lockout."""

    allowed: bool
    reason: str = ""
    retry_after: int = 0
    locks_out: bool = False  # this attempt, if it fails, is the one that locks the address or everyone out


def _judge(address: tuple[int, float], everyone: tuple[int, float], now: float) -> Verdict | None:
    """Return the refusal for counts (failures, last attempt) of the address and of everyone, or None."""
    (mine, my_last), (all_, all_last) = address, everyone
    if all_ >= GLOBAL_LOCKOUT_FAILURES:
        return Verdict(False, LOCKED_FOR_EVERYONE, math.ceil(all_last + WINDOW_SECONDS - now))
    if mine >= LOCKOUT_FAILURES:
        return Verdict(False, LOCKED_OUT, math.ceil(my_last + WINDOW_SECONDS - now))
    if mine >= FREE_FAILURES:
        wait = min(2 ** (mine - FREE_FAILURES), WINDOW_SECONDS)
        if now < my_last + wait:
            return Verdict(False, SLOW_DOWN, max(math.ceil(my_last + wait - now), 1))
    return None


class MemoryGuesses:
    """The counts in this process (one worker without Redis)."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def attempt(self, address: str, now: float) -> Verdict:
        """Count an attempt from ``address`` unless it must wait; return the verdict."""
        with self._lock:
            mine, everyone = self._read(address, now), self._read(EVERYONE, now)
            refusal = _judge(mine, everyone, now)
            if refusal is not None:
                return refusal
            self._counts[address] = (mine[0] + 1, now)
            self._counts[EVERYONE] = (everyone[0] + 1, now)
            return Verdict(True, locks_out=mine[0] + 1 >= LOCKOUT_FAILURES or everyone[0] + 1 >= GLOBAL_LOCKOUT_FAILURES)

    def forget(self, address: str) -> None:
        """Forget ``address``'s count (it knew the secret)."""
        with self._lock:
            self._counts.pop(address, None)

    def _read(self, key: str, now: float) -> tuple[int, float]:
        count, last = self._counts.get(key, (0, 0.0))
        if now - last > WINDOW_SECONDS:
            self._counts.pop(key, None)
            return 0, 0.0
        return count, last


# KEYS: the address's hash, everyone's hash. ARGV: now, free, lockout, global lockout, window.
# Returns {allowed (0/1), reason, retry after, the address's new count, everyone's new count}.
_ATTEMPT = """
local now, free, lockout, everyone, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local a = redis.call('HMGET', KEYS[1], 'count', 'last')
local g = redis.call('HMGET', KEYS[2], 'count', 'last')
local mine, mine_last = tonumber(a[1]) or 0, tonumber(a[2]) or 0
local all, all_last = tonumber(g[1]) or 0, tonumber(g[2]) or 0
if all >= everyone then return {0, 'locked_for_everyone', math.ceil(all_last + window - now), mine, all} end
if mine >= lockout then return {0, 'locked_out', math.ceil(mine_last + window - now), mine, all} end
if mine >= free then
  local wait = math.min(2 ^ (mine - free), window)
  if now < mine_last + wait then return {0, 'slow_down', math.max(math.ceil(mine_last + wait - now), 1), mine, all} end
end
for i, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'count', 1)
  redis.call('HSET', key, 'last', ARGV[1])
  redis.call('EXPIRE', key, window)
end
return {1, '', 0, mine + 1, all + 1}
"""


class RedisGuesses:
    """The counts in Redis, shared by every worker and machine; one script checks and counts."""

    def __init__(self, client, prefix: str) -> None:
        self.client, self.prefix = client, f"{prefix}guesses:"
        self._attempt = client.register_script(_ATTEMPT)

    def attempt(self, address: str, now: float) -> Verdict:
        """Count an attempt from ``address`` unless it must wait; return the verdict."""
        allowed, reason, retry_after, mine, everyone = self._attempt(
            keys=[self.prefix + address, self.prefix + EVERYONE],
            args=[repr(now), FREE_FAILURES, LOCKOUT_FAILURES, GLOBAL_LOCKOUT_FAILURES, WINDOW_SECONDS],
        )
        reason = reason.decode() if isinstance(reason, bytes) else reason
        if not allowed:
            return Verdict(False, reason, int(retry_after))
        return Verdict(True, locks_out=int(mine) >= LOCKOUT_FAILURES or int(everyone) >= GLOBAL_LOCKOUT_FAILURES)

    def forget(self, address: str) -> None:
        """Forget ``address``'s count (it knew the secret)."""
        self.client.delete(self.prefix + address)


class GuessThrottle:
    """Counts attempts at a secret per address and overall, refusing them while they must wait."""

    def __init__(self, store: MemoryGuesses | RedisGuesses, clock: Callable[[], float] = time.time) -> None:
        self.store, self.clock = store, clock

    def attempt(self, address: str) -> Verdict:
        """Return whether an attempt from ``address`` may be compared now (it is counted if so)."""
        return self.store.attempt(address or "unknown", self.clock())

    def succeeded(self, address: str) -> None:
        """Forget the address's failures: it knew the secret."""
        self.store.forget(address or "unknown")


def throttle_for(config) -> GuessThrottle:
    """Return a throttle on the session store's Redis when there is one, else in this process."""
    if config.get("SESSION_TYPE") == "redis":
        return GuessThrottle(RedisGuesses(config["SESSION_REDIS"], str(config.get("SESSION_KEY_PREFIX") or "session:")))
    return GuessThrottle(MemoryGuesses())
