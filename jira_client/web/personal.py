"""What the app keeps per person rather than per browser session: the issues and projects they
viewed last, and the columns their issue lists show.

It lives in the session store (Redis, or the session folder) under a key of its own, named by a
hash of the auth strategy's ``cache_scope()``: the person and site whose credentials are in use.
So it follows the person across gunicorn workers, browsers and sign-ins, and never crosses
people or sites (in single_user mode everyone acts as the one shared account, and shares it).
It is not kept in the session blob: Flask-Session writes that whole at the end of every request,
so two tabs would undo each other's views. Every change is a read-modify-write under a lock
(Redis ``WATCH``/``MULTI``, a file lock beside the session files, or a thread lock in memory).

Losing this data is harmless, so a store that cannot be reached leaves the page without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from contextlib import AbstractContextManager
from typing import Any, Callable

from cachelib.file import FileSystemCache
from flask import Flask, current_app, g

from jira_client.auth.locks import LockTimeout, file_lock, stripe_path
from jira_client.sessions import STORE_ERRORS
from jira_client.state import app_state, current_strategy

log = logging.getLogger(__name__)

TTL_SECONDS = 90 * 24 * 3600  # forgotten after 90 days without a change
MAX_ISSUES = 20
REWRITE_AFTER_SECONDS = 60  # opening the latest issue again within a minute writes nothing
MAX_PROJECTS = 10
Document = dict[str, Any]


class RedisPersonalStore:
    """Documents in Redis, changed in a ``WATCH``/``MULTI`` transaction (retried on a race)."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, key: str) -> Document:
        """Return the document stored under ``key`` (empty when there is none)."""
        return _decode(self.client.get(key))

    def update(self, key: str, change: Callable[[Document], Document]) -> Document:
        """Store ``change(document)`` and return it; a change made meanwhile by another request makes it start over."""
        result: Document = {}

        def apply(pipe) -> None:
            nonlocal result
            old = _decode(pipe.get(key))
            result = new = change(old)
            if new is old:
                return  # nothing to write (the same issue opened again)
            pipe.multi()
            pipe.set(key, json.dumps(new), ex=TTL_SECONDS)

        self.client.transaction(apply, key)
        return result


class CachePersonalStore:
    """Documents in a cachelib cache: the session folder (file locks) or memory (a thread lock)."""

    def __init__(self, cache, lock_dir: str | None) -> None:
        self.cache = cache
        self.lock_dir = lock_dir
        self._lock = threading.Lock()

    def get(self, key: str) -> Document:
        """Return the document stored under ``key`` (empty when there is none)."""
        return _decode(self.cache.get(key))

    def update(self, key: str, change: Callable[[Document], Document]) -> Document:
        """Store ``change(document)`` and return it, holding the lock from the read to the write."""
        with self._locked(key):
            old = _decode(self.cache.get(key))
            new = change(old)
            if new is not old:  # the same issue opened again changes nothing: no write
                self.cache.set(key, json.dumps(new), timeout=TTL_SECONDS)
            return new

    def _locked(self, key: str) -> AbstractContextManager:
        if self.lock_dir is None:
            return self._lock
        return file_lock(stripe_path(self.lock_dir, "personal", key), timeout=2.0)


def _decode(raw: Any) -> Document:
    if isinstance(raw, bytes):
        raw = raw.decode()
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {}


def init_app(app: Flask) -> None:
    """Choose the store that matches the session backend (call after Flask-Session)."""
    interface = app.session_interface
    client = getattr(interface, "client", None)
    if client is not None and hasattr(client, "transaction"):
        store: Any = RedisPersonalStore(client)
    else:
        cache = getattr(interface, "cache", None)
        folder = os.path.join(app.instance_path, "personal-locks") if isinstance(cache, FileSystemCache) else None
        store = CachePersonalStore(cache, folder)
    app_state(app).personal_store = store
    app.add_template_global(recent_projects, "recent_projects")  # the top bar's quick search offers them


def _key() -> str:
    prefix = current_app.config.get("SESSION_KEY_PREFIX") or "session:"
    scope = hashlib.sha256(current_strategy().cache_scope().encode()).hexdigest()[:32]
    return f"{prefix}person:{scope}"


def _store():
    return app_state().personal_store


def document() -> Document:
    """Return this person's document (read once per request); empty when the store cannot answer."""
    if "personal" not in g:
        try:
            g.personal = _store().get(_key())
        except STORE_ERRORS as exc:
            log.warning("Per-person data unreadable: %s", type(exc).__name__)
            g.personal = {}
    return g.personal


def _change(change: Callable[[Document], Document]) -> None:
    """Apply ``change`` to this person's document; a store that cannot be reached is logged and skipped.

    The rest of the request reads the document as changed, without reading it again.
    """
    try:
        g.personal = _store().update(_key(), change)
    except (*STORE_ERRORS, LockTimeout) as exc:
        log.warning("Per-person data not saved: %s", type(exc).__name__)
        g.pop("personal", None)


def _remember(name: str, entry: dict, limit: int) -> None:
    """Put ``entry`` first in the list ``name``, dropping an older entry with the same key.

    Opening the latest entry again moments later changes nothing: that is seen on the document
    this request reads anyway (the top bar shows the recent projects), without taking the lock.
    """
    def change(doc: Document) -> Document:
        entries = doc.get(name) or []
        first = entries[0] if entries and isinstance(entries[0], dict) else {}
        if (first.get("key"), first.get("summary")) == (entry["key"], entry.get("summary")) \
                and entry["at"] - int(first.get("at") or 0) < REWRITE_AFTER_SECONDS:
            return doc  # already the latest, seen moments ago: leave the store alone
        kept = [e for e in entries if isinstance(e, dict) and e.get("key") != entry["key"]]
        return {**doc, name: [entry, *kept][:limit]}

    current = document()
    if change(current) is not current:
        _change(change)


def saw_issue(key: str, summary: str) -> None:
    """Record that the person opened an issue (the 20 latest are kept)."""
    _remember("issues", {"key": key, "summary": summary[:300], "at": int(time.time())}, MAX_ISSUES)


def saw_project(key: str, name: str) -> None:
    """Record that the person opened a project (the 10 latest are kept)."""
    _remember("projects", {"key": key, "name": name[:200], "at": int(time.time())}, MAX_PROJECTS)


def recent_issues() -> list[dict]:
    """Return the issues the person viewed last, newest first: ``{"key", "summary", "at"}``."""
    return [e for e in document().get("issues") or () if isinstance(e, dict) and isinstance(e.get("key"), str)]


def recent_projects() -> list[dict]:
    """Return the projects the person viewed last, newest first: ``{"key", "name", "at"}``."""
    return [e for e in document().get("projects") or () if isinstance(e, dict) and isinstance(e.get("key"), str)]


def columns() -> list[str] | None:
    """Return the column ids the person chose for issue lists, or None when they never chose."""
    chosen = document().get("columns")
    return [c for c in chosen if isinstance(c, str)] if isinstance(chosen, list) else None


def choose_columns(chosen: list[str]) -> None:
    """Keep the person's choice of columns."""
    _change(lambda doc: {**doc, "columns": list(chosen)})
