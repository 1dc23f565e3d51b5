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
Each entry is two values: its stamp (generation and when Jira answered, a few bytes) and the
sealed answer behind the same stamp. A lookup reads only the stamp; the answer, which can be a
few hundred kilobytes, is read when a page uses it (fresh, or as the fallback), not on every call
that asks Jira anyway; a page served from a fresh copy reads the store twice, still far less than
a call to Jira. Redis keys: ``<prefix>reads:<person>:gen``, ``<prefix>reads:<person>:<request>``
and ``<prefix>reads:<person>:<request>:at`` (person and request hashed).
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
    """A cached answer: when Jira gave it (epoch seconds), and its JSON, read and decrypted only when used.

    A page that asks Jira anyway (the copy is not fresh) never pays for reading or decrypting the
    copy it keeps in case Jira fails. ``load`` returns the answer (None when it is gone or no longer
    decrypts); it may raise CacheError when the store cannot be reached.
    """

    __slots__ = ("stored_at", "_load", "_payload")
    _UNREAD = object()

    def __init__(self, payload: Any = _UNREAD, stored_at: float = 0.0, *, load: Callable[[], Any] | None = None) -> None:
        self.stored_at, self._load, self._payload = stored_at, load, payload

    @property
    def payload(self) -> Any:
        """Return the decoded answer (None when it is gone or no longer decrypts)."""
        if self._payload is Entry._UNREAD:
            self._payload = self._load() if self._load else None
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

    def set_many(self, values: dict[str, bytes], seconds: int) -> None:
        """Store each value under its key for ``seconds``, in one round trip."""
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(key, value, ex=seconds)
                pipe.execute()
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

    def set_many(self, values: dict[str, bytes], seconds: int) -> None:
        """Store each value under its key for ``seconds``, in the order given."""
        self.cache.set_many(values, timeout=seconds)

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

    def _keys(self, slot: Slot) -> tuple[str, str, str]:
        """Return the keys of the person's generation, of the entry's stamp and of the entry."""
        entry_key = f"{self.prefix}{slot.person}:{slot.request}"
        return f"{self.prefix}{slot.person}:gen", f"{entry_key}:at", entry_key

    def lookup(self, slot: Slot) -> tuple[Slot, Entry | None]:
        """Return the slot with the person's current generation, and the entry kept there (any age), if any.

        Only the stamp, ``<generation>:<stored at>``, is read now (it says nothing about the
        person); the entry, ``<stamp>:<sealed JSON>``, when its answer is used.
        """
        generation_key, stamp_key, entry_key = self._keys(slot)
        generation, stamp = (_bytes(value) for value in self.store.get_many(generation_key, stamp_key))
        generation = int(generation or 0)
        slot = Slot(slot.person, slot.request, generation)
        try:
            kept_generation, stored_at = stamp.split(b":") if stamp else (b"", b"")
            kept_generation, stored_at = int(kept_generation), float(stored_at)
        except ValueError:
            return slot, None  # none, or a stamp in another format
        entry = Entry(stored_at=stored_at, load=lambda: self._open(entry_key, stamp))
        if kept_generation != generation or entry.age(self.clock()) > self.fresh_seconds + self.keep_seconds:
            return slot, None
        return slot, entry

    def _open(self, entry_key: str, stamp: bytes) -> Any:
        """Return the answer kept under ``entry_key`` if it is still the one ``stamp`` describes, else None."""
        stored = _bytes(self.store.get_many(entry_key)[0])
        if not stored or not stored.startswith(stamp + b":"):
            return None  # gone, or replaced by a newer answer since the stamp was read
        value = self.cipher.open(stored[len(stamp) + 1:])
        return value.get("p") if isinstance(value, dict) else None

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
            _, stamp_key, entry_key = self._keys(slot)
            stamp = b"%d:%.3f" % (slot.generation, self.clock())
            # The entry first: a lookup that reads the new stamp finds the entry it describes.
            self.store.set_many({entry_key: stamp + b":" + sealed, stamp_key: stamp}, self.fresh_seconds + self.keep_seconds)

    def forget(self, scope: str, site: str) -> None:
        """Make every entry this person has at this site unusable (they just changed something)."""
        generation_key = f"{self.prefix}{_digest(scope, site)}:gen"
        self.store.bump(generation_key, self.fresh_seconds + self.keep_seconds + GENERATION_MARGIN)


def _bytes(value: bytes | str | None) -> bytes | None:
    """Return a stored value as bytes (a cachelib store may give str back)."""
    return value.encode() if isinstance(value, str) else value


def store_for(config) -> RedisStore | CachelibStore:
    """Return the store that shares Flask-Session's backend (from the app's config)."""
    if config.get("SESSION_TYPE") == "redis":
        return RedisStore(config["SESSION_REDIS"])
    return CachelibStore(config["SESSION_CACHELIB"])
