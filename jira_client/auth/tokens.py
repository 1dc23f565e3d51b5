"""OAuth token records: kept apart from the session, encrypted at rest, refreshed single-flight.

The lifecycle, and why it is built this way:

1. Sign-in creates a **record** (access token, refresh token, expiry, scopes, version 1) under
   its own key in the session store (``<prefix>tokens:<record id>``, in the same cachelib cache
   or Redis client Flask-Session uses). The session itself holds only the opaque record id and
   display data. Flask-Session writes the whole session blob back at the end of every request,
   last writer wins: a slow request would write back a refresh token that a faster one had
   already rotated away, and Atlassian revokes the whole grant when a rotated refresh token is
   reused after its 10-minute grace window. So tokens never live in the blob or the cookie.
2. Records are **encrypted** with Fernet; the key is derived with HKDF from
   ``TOKEN_ENCRYPTION_KEY`` when set, else from ``SECRET_KEY``. A record that no longer decrypts
   (the key changed) reads as "no record": the person is signed out cleanly.
3. ``TokenKeeper.fresh`` refreshes shortly before expiry (``LEEWAY_SECONDS``), or when Jira
   rejected a given access token with 401. Refreshing is **single-flight**: under the store's lock
   (a file lock or a Redis lock) the record is read again and refreshed only if it is still
   stale, so twenty requests that notice an expired token at once cause one refresh.
4. Every write is a **compare-and-set** on the record's version: a write based on version n
   succeeds only while the stored version is still n. A slow request can therefore never put back
   an older pair, and a request still in flight after logout cannot resurrect a deleted record.
   The new pair is stored before the new access token is used; a refresh reply without a
   ``refresh_token`` keeps the old one (Atlassian has been seen to omit it).
5. When the refresh is refused (``invalid_grant``: revoked, idle for 90 days, 365 days after
   consent, or a rotated token reused), the record is **purged** and ``AuthError`` is raised; the
   web layer sends the person to sign in again.
6. A record **ends with its session**. It is stored with the session's own expiry (the idle
   limit, ``PERMANENT_SESSION_LIFETIME``) plus ``RENEW_EVERY_SECONDS``, and every request of the
   session renews it (``touch``, at most once per ``RENEW_EVERY_SECONDS``), so a session that
   ends by idleness leaves no refresh token behind for longer than that minute; one that ends by
   its absolute limit, by logout or by the idle check is deleted with it (``forget_tokens``).
   Atlassian documents no way to revoke a 3LO grant (reference/atlassian-api.md §1.5), so the
   grant itself stays valid at Atlassian until its refresh token idles out (90 days) or the person
   removes the app from their Atlassian account; without the record, nobody holds its token.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from typing import Callable, Mapping, Protocol

from cryptography.fernet import InvalidToken

from jira_client.crypto import derived_fernet
from jira_client.api.errors import AuthError, JiraError, TransportError
from jira_client.auth.locks import LockTimeout, file_lock, redis_lock, stripe_path

LEEWAY_SECONDS = 120  # refresh this long before the access token expires (clock skew, slow calls)
RECORD_TTL_SECONDS = 90 * 24 * 3600  # only for a store built without a session lifetime (tests, tools)
RENEW_EVERY_SECONDS = 60  # a record's expiry is renewed at most this often, and outlives its session by at most this
REFRESH_IDLE_DAYS = 90
GRANT_LIFETIME_DAYS = 365
HKDF_INFO = b"jira-web-client token records v1"
# Wait this long for another request's refresh of the same grant before giving up: short enough
# that the wait plus the page's own Jira time budget (20 s) stays under Heroku's 30 s router limit.
LOCK_TIMEOUT = 8.0
# A Redis lock frees itself this long after a worker died holding it: longer than a refresh can
# take with its retry (2 x (3.05 + 15) s, atlassian.REFRESH_TIMEOUT), so it never expires mid-refresh.
LOCK_EXPIRY = 60.0


@dataclass(frozen=True)
class TokenRecord:
    """One person's grant: the current token pair and when things happened (epoch seconds)."""

    access_token: str
    refresh_token: str
    expires_at: float
    scope: str
    consented_at: float
    refreshed_at: float | None = None
    version: int = 1

    @classmethod
    def from_token(cls, token: Mapping, now: float) -> TokenRecord:
        """Return a first record from a token-endpoint answer (a code exchange)."""
        return cls(
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token") or "",
            expires_at=_expires_at(token, now),
            scope=str(token.get("scope") or ""),
            consented_at=now,
        )

    def rotated(self, token: Mapping, now: float) -> TokenRecord:
        """Return the next version after a refresh; keeps the old refresh token if none came back."""
        return replace(
            self,
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token") or self.refresh_token,
            expires_at=_expires_at(token, now),
            scope=str(token.get("scope") or self.scope),
            refreshed_at=now,
            version=self.version + 1,
        )

    def is_stale(self, now: float, leeway: float = LEEWAY_SECONDS) -> bool:
        """Return whether the access token expires within ``leeway`` s (at most half its lifetime)."""
        lifetime = self.expires_at - (self.refreshed_at or self.consented_at)
        return self.expires_at - min(leeway, max(lifetime, 0) / 2) <= now

    @property
    def refresh_idle_deadline(self) -> float:
        """Return when the refresh token dies if unused (90 days after it was issued)."""
        return (self.refreshed_at or self.consented_at) + REFRESH_IDLE_DAYS * 86400

    @property
    def consent_deadline(self) -> float:
        """Return when the grant ends regardless of use (365 days after consent)."""
        return self.consented_at + GRANT_LIFETIME_DAYS * 86400

    def __repr__(self) -> str:  # never show a token in a log or traceback
        return f"<TokenRecord v{self.version} expires_at={self.expires_at:.0f}>"


def _expires_at(token: Mapping, now: float) -> float:
    """Return the expiry as a float epoch, from ``expires_in`` (preferred) or ``expires_at``."""
    for key, offset in (("expires_in", now), ("expires_at", 0.0)):
        try:
            return offset + float(token[key])
        except (KeyError, TypeError, ValueError):
            continue
    return now  # unknown: treat as expired, so the first use refreshes once


class TokenCipher:
    """Fernet with a key derived by HKDF from the configured secret."""

    def __init__(self, secret: str) -> None:
        self._fernet = derived_fernet(secret, HKDF_INFO)

    def seal(self, record: TokenRecord) -> str:
        """Return the record encrypted and authenticated, as text."""
        return self._fernet.encrypt(json.dumps(asdict(record)).encode()).decode()

    def open(self, sealed: str) -> TokenRecord | None:
        """Return the record, or None when it does not decrypt (key changed, tampered)."""
        try:
            return TokenRecord(**json.loads(self._fernet.decrypt(sealed.encode())))
        except (InvalidToken, ValueError, TypeError):
            return None


class TokenStore(Protocol):
    """Where records live; every write is a compare-and-set on the version."""

    def load(self, record_id: str) -> TokenRecord | None: ...
    def create(self, record: TokenRecord) -> str: ...
    def replace(self, record_id: str, record: TokenRecord, expected_version: int) -> bool: ...
    def delete(self, record_id: str) -> None: ...
    def touch(self, record_id: str) -> None: ...
    def refresh_lock(self, record_id: str) -> AbstractContextManager: ...


def new_record_id() -> str:
    """Return an unguessable record id."""
    return secrets.token_urlsafe(24)


class CacheTokenStore:
    """Records in a cachelib cache (the filesystem one in production), guarded by file locks.

    cachelib has no atomic compare-and-set, so every write takes a short per-record file lock
    (a different stripe set from the refresh lock, which is held around the whole refresh).
    """

    def __init__(
        self, cache, cipher: TokenCipher, lock_dir: str, prefix: str = "session:", lock_timeout: float = LOCK_TIMEOUT,
        ttl: int = RECORD_TTL_SECONDS,
    ) -> None:
        self.cache, self.cipher, self.lock_dir, self.lock_timeout = cache, cipher, lock_dir, lock_timeout
        self.prefix, self.ttl = f"{prefix}tokens:", ttl

    def _key(self, record_id: str) -> str:
        return self.prefix + record_id

    def _write_lock(self, record_id: str) -> AbstractContextManager:
        return file_lock(stripe_path(self.lock_dir, "write", record_id))

    def load(self, record_id: str) -> TokenRecord | None:
        """Return the stored record, or None when there is none or it does not decrypt."""
        stored = self.cache.get(self._key(record_id))
        if not isinstance(stored, dict) or not isinstance(stored.get("sealed"), str):
            return None
        return self.cipher.open(stored["sealed"])

    def create(self, record: TokenRecord) -> str:
        """Store a new record and return its id."""
        record_id = new_record_id()
        with self._write_lock(record_id):
            self._put(record_id, record)
        return record_id

    def replace(self, record_id: str, record: TokenRecord, expected_version: int) -> bool:
        """Store ``record`` only if the stored version is still ``expected_version``."""
        with self._write_lock(record_id):
            stored = self.cache.get(self._key(record_id))
            if not isinstance(stored, dict) or stored.get("version") != expected_version:
                return False
            self._put(record_id, record)
            return True

    def delete(self, record_id: str) -> None:
        """Remove the record; later compare-and-sets on it fail."""
        with self._write_lock(record_id):
            self.cache.delete(self._key(record_id))

    def touch(self, record_id: str) -> None:
        """Give the record a full lifetime again, if it still exists (never brings a deleted one back)."""
        with self._write_lock(record_id):
            stored = self.cache.get(self._key(record_id))
            if isinstance(stored, dict):
                self.cache.set(self._key(record_id), stored, timeout=self.ttl)

    def refresh_lock(self, record_id: str) -> AbstractContextManager:
        """Return the lock held around one refresh of this record."""
        return file_lock(stripe_path(self.lock_dir, "refresh", record_id), self.lock_timeout)

    def _put(self, record_id: str, record: TokenRecord) -> None:
        value = {"version": record.version, "sealed": self.cipher.seal(record)}
        self.cache.set(self._key(record_id), value, timeout=self.ttl)


# KEYS[1] = record key; ARGV = expected version, new version, sealed record, ttl seconds.
_COMPARE_AND_SET = """
if redis.call('HGET', KEYS[1], 'version') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'version', ARGV[2], 'sealed', ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0
"""


class RedisTokenStore:
    """Records in Redis hashes; compare-and-set is one Lua script, the refresh lock a Redis lock."""

    def __init__(
        self, client, cipher: TokenCipher, prefix: str = "session:", lock_timeout: float = LOCK_TIMEOUT,
        ttl: int = RECORD_TTL_SECONDS,
    ) -> None:
        self.client, self.cipher, self.lock_timeout = client, cipher, lock_timeout
        self.prefix, self.ttl = f"{prefix}tokens:", ttl
        self._cas = client.register_script(_COMPARE_AND_SET)

    def _key(self, record_id: str) -> str:
        return self.prefix + record_id

    def load(self, record_id: str) -> TokenRecord | None:
        """Return the stored record, or None when there is none or it does not decrypt."""
        sealed = self.client.hget(self._key(record_id), "sealed")
        if sealed is None:
            return None
        return self.cipher.open(sealed.decode() if isinstance(sealed, bytes) else sealed)

    def create(self, record: TokenRecord) -> str:
        """Store a new record and return its id."""
        record_id = new_record_id()
        key = self._key(record_id)
        with self.client.pipeline() as pipe:
            pipe.hset(key, mapping={"version": record.version, "sealed": self.cipher.seal(record)})
            pipe.expire(key, self.ttl)
            pipe.execute()
        return record_id

    def replace(self, record_id: str, record: TokenRecord, expected_version: int) -> bool:
        """Store ``record`` only if the stored version is still ``expected_version`` (atomically)."""
        args = [expected_version, record.version, self.cipher.seal(record), self.ttl]
        return bool(self._cas(keys=[self._key(record_id)], args=args))

    def delete(self, record_id: str) -> None:
        """Remove the record; later compare-and-sets on it fail."""
        self.client.delete(self._key(record_id))

    def touch(self, record_id: str) -> None:
        """Give the record a full lifetime again, if it still exists (EXPIRE never creates a key)."""
        self.client.expire(self._key(record_id), self.ttl)

    def refresh_lock(self, record_id: str) -> AbstractContextManager:
        """Return the Redis lock (with an expiry) held around one refresh of this record."""
        return redis_lock(self.client, f"{self.prefix}lock:{record_id}", expiry=LOCK_EXPIRY, timeout=self.lock_timeout)


def store_for(config: Mapping, cipher: TokenCipher, instance_path: str) -> TokenStore:
    """Return the token store that shares Flask-Session's backend and its sessions' lifetime (from the app's config)."""
    prefix = str(config.get("SESSION_KEY_PREFIX") or "session:")
    ttl = session_lifetime(config) + RENEW_EVERY_SECONDS
    if config.get("SESSION_TYPE") == "redis":
        return RedisTokenStore(config["SESSION_REDIS"], cipher, prefix, ttl=ttl)
    if config.get("SESSION_TYPE") != "cachelib":
        raise ValueError(f"token records need SESSION_TYPE redis or cachelib, not {config.get('SESSION_TYPE')!r}")
    return CacheTokenStore(config["SESSION_CACHELIB"], cipher, os.path.join(instance_path, "token-locks"), prefix, ttl=ttl)


def session_lifetime(config: Mapping) -> int:
    """Return how long the store keeps an unused session, in whole seconds (Flask's PERMANENT_SESSION_LIFETIME)."""
    lifetime = config.get("PERMANENT_SESSION_LIFETIME") or RECORD_TTL_SECONDS
    return int(lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime)


class TokenKeeper:
    """Hands out a usable access token for a record, refreshing it single-flight when needed.

    ``refresh(refresh_token) -> token dict`` talks to the token endpoint. It raises ``AuthError``
    when the grant is over (the record is then purged) and another ``JiraError`` when the
    endpoint is merely unavailable (the record is kept, the next request tries again).
    ``on_refresh(outcome)`` hears every attempt's outcome: success, invalid_grant, failure, reused.
    """

    def __init__(
        self, store: TokenStore, refresh: Callable[[str], Mapping], *,
        leeway: float = LEEWAY_SECONDS, clock: Callable[[], float] = time.time,
        on_refresh: Callable[[str], None] = lambda outcome: None,
    ) -> None:
        self.store, self._refresh, self.leeway, self.clock = store, refresh, leeway, clock
        self.on_refresh = on_refresh

    def fresh(self, record_id: str, rejected: str | None = None) -> TokenRecord:
        """Return a record whose access token is usable (and is not ``rejected``); raise AuthError if none."""
        record = self._load(record_id)
        if not self._needs_refresh(record, rejected):
            return record
        try:
            with self.store.refresh_lock(record_id):
                return self._refresh_locked(record_id, rejected)
        except LockTimeout as exc:
            self.on_refresh("failure")
            raise TransportError("Renewing your sign-in is taking too long. Reload in a moment.", timed_out=True) from exc

    def _refresh_locked(self, record_id: str, rejected: str | None) -> TokenRecord:
        """Refresh under the lock, unless someone else did while we waited; store before use."""
        record = self._load(record_id)
        if not self._needs_refresh(record, rejected):
            return record
        if not record.refresh_token:  # a grant without offline_access: nothing can renew it
            self.store.delete(record_id)
            self.on_refresh("invalid_grant")
            raise AuthError("Your Atlassian sign-in cannot be renewed.")
        try:
            answer = self._refresh(record.refresh_token)
        except AuthError:
            self.store.delete(record_id)
            self.on_refresh("invalid_grant")
            raise
        except JiraError:
            self.on_refresh("failure")
            raise
        newer = record.rotated(answer, self.clock())
        if not self.store.replace(record_id, newer, expected_version=record.version):
            self.on_refresh("reused")
            raise AuthError("You were signed out while the sign-in was being renewed.")
        self.on_refresh("success")
        return newer

    def _load(self, record_id: str) -> TokenRecord:
        record = self.store.load(record_id)
        if record is None:
            raise AuthError("Your Atlassian sign-in has ended.")
        return record

    def _needs_refresh(self, record: TokenRecord, rejected: str | None) -> bool:
        if rejected is not None:
            return record.access_token == rejected
        return record.is_stale(self.clock(), self.leeway)
