"""Each person's recent reads from Jira, kept a short while in the session store, encrypted.

What one person may see is not what another may, so an entry belongs to one person and site
(the auth strategy's ``cache_scope()`` and the Jira base URL) and one request (method, path,
parameters, body): nobody else's key can reach it. Entries are sealed with Fernet under a key
derived from ``TOKEN_ENCRYPTION_KEY`` (else ``SECRET_KEY``), as the token records are, so a
copy of the store reveals no Jira data.

An entry is *fresh* for ``JIRA_CACHE_SECONDS`` (pages reuse it instead of asking Jira again) and
is kept for ``keep_seconds`` more (a quota window) as a fallback for when Jira refuses or does not
answer. When the person writes anything, their generation number goes up and every entry
stored under an older one is ignored: what they changed is never shown as it was before.
Redis keys: ``<prefix>reads:<person>:gen`` and ``<prefix>reads:<person>:<request>`` (both hashed).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

import redis
from cryptography.fernet import InvalidToken

from jira_client.crypto import derived_fernet
from jira_client.api.client import Call

HKDF_INFO = b"jira-web-client read cache v1"
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # a bigger answer is not kept
GENERATION_MARGIN = 60  # the generation outlives every entry stored under it


class CacheError(Exception):
    """The cache's store could not be reached."""


@dataclass(frozen=True)
class Entry:
    """A cached answer: the decoded JSON and when Jira gave it (epoch seconds)."""

    payload: Any
    stored_at: float

    def age(self, now: float) -> float:
        """Return how many seconds old the answer is at ``now``."""
        return max(now - self.stored_at, 0.0)


@dataclass(frozen=True)
class Slot:
    """Where one person's answer to one request is (or would be) kept, and under which generation."""

    person: str
    request: str
    generation: int


class DataCipher:
    """Fernet with a key derived by HKDF from the configured secret (not the token records' key)."""

    def __init__(self, secret: str) -> None:
        self._fernet = derived_fernet(secret, HKDF_INFO)

    def seal(self, value: Any) -> bytes:
        """Return ``value`` (JSON-able) encrypted and authenticated."""
        return self._fernet.encrypt(json.dumps(value, separators=(",", ":")).encode())

    def open(self, sealed: bytes | str) -> Any:
        """Return the value, or None when it does not decrypt (key changed, tampered)."""
        try:
            return json.loads(self._fernet.decrypt(sealed.encode() if isinstance(sealed, str) else sealed))
        except (InvalidToken, ValueError, TypeError):
            return None


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


class RedisStore:
    """Raw bytes in Redis, for ReadCache."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def get_many(self, *keys: str) -> list:
        """Return the values of ``keys`` (None where missing)."""
        try:
            return self.client.mget(keys)
        except redis.RedisError as exc:
            raise CacheError("the read cache could not be read") from exc

    def set(self, key: str, value: bytes, seconds: int) -> None:
        """Store ``value`` under ``key`` for ``seconds``."""
        try:
            self.client.set(key, value, ex=seconds)
        except redis.RedisError as exc:
            raise CacheError("the read cache could not be written") from exc

    def bump(self, key: str, seconds: int) -> None:
        """Add one to the number under ``key`` and keep it ``seconds`` more."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.incr(key)
                pipe.expire(key, seconds)
                pipe.execute()
        except redis.RedisError as exc:
            raise CacheError("the read cache could not be written") from exc


class CachelibStore:
    """Raw bytes in a cachelib cache (the session files of a single worker), for ReadCache."""

    def __init__(self, cache) -> None:
        self.cache = cache

    def get_many(self, *keys: str) -> list:
        """Return the values of ``keys`` (None where missing)."""
        return list(self.cache.get_many(*keys))

    def set(self, key: str, value: bytes, seconds: int) -> None:
        """Store ``value`` under ``key`` for ``seconds``."""
        self.cache.set(key, value, timeout=seconds)

    def bump(self, key: str, seconds: int) -> None:
        """Add one to the number under ``key`` (one process: no race) and keep it ``seconds`` more."""
        self.cache.set(key, int(self.cache.get(key) or 0) + 1, timeout=seconds)


class ReadCache:
    """Per-person cached answers: ``lookup`` before a read, ``keep`` after it, ``forget`` after a write."""

    def __init__(self, store, cipher: DataCipher, fresh_seconds: int, keep_seconds: int, prefix: str = "session:",
                 clock: Callable[[], float] = time.time) -> None:
        self.store, self.cipher, self.clock = store, cipher, clock
        self.fresh_seconds, self.keep_seconds = fresh_seconds, keep_seconds
        self.prefix = f"{prefix}reads:"

    def slot(self, scope: str, site: str, call: Call) -> Slot:
        """Return where the answer to ``call`` for this person and site is kept (generation unknown yet)."""
        return Slot(_digest(scope, site), _digest(call.method, call.path, call.params, call.json), 0)

    def _keys(self, slot: Slot) -> tuple[str, str]:
        return f"{self.prefix}{slot.person}:gen", f"{self.prefix}{slot.person}:{slot.request}"

    def lookup(self, slot: Slot) -> tuple[Slot, Entry | None]:
        """Return the slot with the person's current generation, and the entry kept there (any age), if any."""
        generation_key, entry_key = self._keys(slot)
        generation, sealed = self.store.get_many(generation_key, entry_key)
        generation = int(generation or 0)
        slot = Slot(slot.person, slot.request, generation)
        value = self.cipher.open(sealed) if sealed else None
        if not isinstance(value, dict) or value.get("g") != generation or "p" not in value:
            return slot, None
        entry = Entry(value["p"], float(value.get("t") or 0))
        if entry.age(self.clock()) > self.fresh_seconds + self.keep_seconds:
            return slot, None
        return slot, entry

    def is_fresh(self, entry: Entry) -> bool:
        """Return whether a page may use ``entry`` instead of asking Jira."""
        return entry.age(self.clock()) < self.fresh_seconds

    def keep(self, slot: Slot, payload: Any) -> None:
        """Store ``payload`` as the answer for ``slot`` (skipped when it is very large)."""
        sealed = self.cipher.seal({"g": slot.generation, "t": self.clock(), "p": payload})
        if len(sealed) <= MAX_ENTRY_BYTES:
            self.store.set(self._keys(slot)[1], sealed, self.fresh_seconds + self.keep_seconds)

    def forget(self, scope: str, site: str) -> None:
        """Make every entry this person has at this site unusable (they just changed something)."""
        generation_key = f"{self.prefix}{_digest(scope, site)}:gen"
        self.store.bump(generation_key, self.fresh_seconds + self.keep_seconds + GENERATION_MARGIN)


def store_for(config) -> RedisStore | CachelibStore:
    """Return the store that shares Flask-Session's backend (from the app's config)."""
    if config.get("SESSION_TYPE") == "redis":
        return RedisStore(config["SESSION_REDIS"])
    return CachelibStore(config["SESSION_CACHELIB"])
