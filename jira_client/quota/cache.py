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

import msgspec
import redis
from cryptography.fernet import InvalidToken

from jira_client.crypto import derived_fernet
from jira_client.api.client import Call

HKDF_INFO = b"jira-web-client read cache v1"
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # a bigger answer is not kept
GENERATION_MARGIN = 60  # the generation outlives every entry stored under it
REKEEP_SECONDS = 30  # a copy kept this lately is not written again after the next call


class CacheError(Exception):
    """The cache's store could not be reached."""


class Entry:
    """A cached answer: when Jira gave it (epoch seconds), and its JSON, decrypted only when used.

    A page that asks Jira anyway (the copy is not fresh) never pays for decrypting the copy it
    keeps in case Jira fails.
    """

    __slots__ = ("stored_at", "_sealed", "_cipher", "_payload")
    _UNREAD = object()

    def __init__(self, payload: Any = _UNREAD, stored_at: float = 0.0, *, sealed: bytes = b"", cipher: DataCipher | None = None) -> None:
        self.stored_at, self._sealed, self._cipher, self._payload = stored_at, sealed, cipher, payload

    @property
    def payload(self) -> Any:
        """Return the decoded answer (None when it no longer decrypts)."""
        if self._payload is Entry._UNREAD:
            value = self._cipher.open(self._sealed) if self._cipher else None
            self._payload = value.get("p") if isinstance(value, dict) else None
        return self._payload

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
        """Return ``value`` (JSON-able) encrypted and authenticated (msgspec writes JSON in a tenth of json's time)."""
        return self._fernet.encrypt(msgspec.json.encode(value))

    def open(self, sealed: bytes | str) -> Any:
        """Return the value, or None when it does not decrypt (key changed, tampered)."""
        try:
            return msgspec.json.decode(self._fernet.decrypt(sealed.encode() if isinstance(sealed, str) else sealed))
        except (InvalidToken, msgspec.DecodeError, ValueError, TypeError):
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
        """Return the slot with the person's current generation, and the entry kept there (any age), if any.

        A stored value is ``<generation>:<stored at>:<sealed JSON>``: its age and generation are read
        without decrypting (they say nothing about the person), the answer only when it is used.
        """
        generation_key, entry_key = self._keys(slot)
        generation, stored = self.store.get_many(generation_key, entry_key)
        generation = int(generation or 0)
        slot = Slot(slot.person, slot.request, generation)
        if isinstance(stored, str):
            stored = stored.encode()
        try:
            kept_generation, stored_at, sealed = stored.split(b":", 2) if stored else (b"", b"", b"")
            kept_generation, stored_at = int(kept_generation), float(stored_at)
        except ValueError:
            return slot, None  # an entry in an older format, or none
        entry = Entry(stored_at=stored_at, sealed=sealed, cipher=self.cipher)
        if kept_generation != generation or entry.age(self.clock()) > self.fresh_seconds + self.keep_seconds:
            return slot, None
        return slot, entry

    def recent(self, entry: Entry | None) -> bool:
        """Return whether ``entry`` (of the current generation) was kept so lately that keeping again can wait.

        The copy kept for a failing Jira is then at most ``REKEEP_SECONDS`` older than the page
        last seen; a write by the person starts a new generation, so it never hides their change.
        """
        return entry is not None and entry.age(self.clock()) < REKEEP_SECONDS

    def is_fresh(self, entry: Entry) -> bool:
        """Return whether a page may use ``entry`` instead of asking Jira."""
        return entry.age(self.clock()) < self.fresh_seconds

    def keep(self, slot: Slot, payload: Any) -> None:
        """Store ``payload`` as the answer for ``slot`` (skipped when it is very large)."""
        sealed = self.cipher.seal({"p": payload})
        if len(sealed) <= MAX_ENTRY_BYTES:
            stored = b"%d:%.3f:" % (slot.generation, self.clock()) + sealed
            self.store.set(self._keys(slot)[1], stored, self.fresh_seconds + self.keep_seconds)

    def forget(self, scope: str, site: str) -> None:
        """Make every entry this person has at this site unusable (they just changed something)."""
        generation_key = f"{self.prefix}{_digest(scope, site)}:gen"
        self.store.bump(generation_key, self.fresh_seconds + self.keep_seconds + GENERATION_MARGIN)


def store_for(config) -> RedisStore | CachelibStore:
    """Return the store that shares Flask-Session's backend (from the app's config)."""
    if config.get("SESSION_TYPE") == "redis":
        return RedisStore(config["SESSION_REDIS"])
    return CachelibStore(config["SESSION_CACHELIB"])
