"""One-time form tokens: a double click, a reload or a browser retry never writes twice.

Every write form carries a token made when the form is rendered (``{{ once_input(action) }}``
in a template): random, signed with the app's secret, and bound to the form's action path and
to whose credentials it uses, so it is good for that one form only. Nothing is stored when a
token is issued, so many tabs can hold forms at once. The session is not used: Flask-Session
writes the whole session back at the end of each request (last writer wins), so two concurrent
submits could both see a token there as unused.

Submitting claims the token with an atomic "add if absent" in a shared store: Redis ``SET NX``
when sessions live in Redis, a file opened with ``O_EXCL`` when they live on disk, and a locked
cachelib ``add`` for an in-memory session cache. The first claim wins and runs the write; the
claim then records how it ended:

- ``done:<url>``: later submits of the same token go to that URL (the new issue, the comment);
- ``failed``: Jira refused (or the view chose not to write, e.g. to show a conflict), so nothing
  was written; the form came back with a fresh token and what was typed;
- ``unknown``: Jira did not answer in time, so the write may have happened; a repeat is refused
  with a message rather than risk a duplicate.

A repeat that arrives while the first is still running waits a little for its outcome. Views
write through ``submit_once(write, done)``; ``Attempt`` is the context manager beneath it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import secrets
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

from cachelib.file import FileSystemCache
from flask import Flask, current_app, request
from itsdangerous import BadSignature, Serializer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes

from jira_client.api.errors import JiraError, TransportError
from jira_client.state import app_state, current_strategy
from jira_client.web.errors import ErrorPage, describe

MAX_AGE = 24 * 3600  # a form left open for a day must be reloaded
WAIT_SECONDS = 15.0  # how long a repeat waits for the first attempt (longer than a Jira timeout)
POLL_SECONDS = 0.05
PENDING, FAILED, UNKNOWN, DONE = "pending", "failed", "unknown", "done:"
MAYBE_SAVED_HINT = ("Jira may have saved it even so. Check before sending again: the form below still holds "
                    "what you typed.")


class Refused(Exception):
    """A submit that must not run; ``page`` explains it next to the form."""

    def __init__(self, page: ErrorPage) -> None:
        super().__init__(page.message)
        self.page = page


class Store(Protocol):
    """Where claims live; ``claim`` must be an atomic "add if absent"."""

    def claim(self, key: str) -> bool:
        """Return True when ``key`` was absent and is now pending."""

    def get(self, key: str) -> str | None:
        """Return the state of a claim, or None."""

    def put(self, key: str, value: str) -> None:
        """Record the state of a claim."""


class RedisStore:
    """Claims in Redis: ``SET NX EX``, shared by every worker and machine."""

    def __init__(self, client) -> None:
        self.client = client

    def claim(self, key: str) -> bool:
        return bool(self.client.set(key, PENDING, nx=True, ex=MAX_AGE))

    def get(self, key: str) -> str | None:
        value = self.client.get(key)
        return value.decode() if isinstance(value, bytes) else value

    def put(self, key: str, value: str) -> None:
        self.client.set(key, value, ex=MAX_AGE)


class FileStore:
    """Claims as files created with ``O_EXCL``: atomic across the processes of one machine."""

    def __init__(self, directory: str) -> None:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.directory = directory

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key.replace(":", "_"))

    def claim(self, key: str) -> bool:
        path = self._path(key)
        if secrets.randbelow(100) == 0:
            self._prune()  # before claiming: a failed sweep must not strand a pending claim
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "w") as handle:
            handle.write(PENDING)
        return True

    def get(self, key: str) -> str | None:
        try:
            with open(self._path(key)) as handle:
                return handle.read()
        except FileNotFoundError:
            return None

    def put(self, key: str, value: str) -> None:
        temporary = f"{self._path(key)}.{secrets.token_hex(4)}"
        with open(temporary, "w") as handle:
            handle.write(value)
        os.replace(temporary, self._path(key))

    def _prune(self) -> None:
        """Remove claims older than MAX_AGE (their tokens can no longer be submitted)."""
        cutoff = time.time() - MAX_AGE
        for entry in os.scandir(self.directory):
            with contextlib.suppress(FileNotFoundError):  # another process swept or replaced it first
                if entry.stat().st_mtime < cutoff:
                    os.remove(entry.path)


class CacheStore:
    """Claims in a cachelib cache (the in-memory one tests use), made atomic with a lock."""

    def __init__(self, cache) -> None:
        self.cache = cache
        self.lock = threading.Lock()

    def claim(self, key: str) -> bool:
        with self.lock:
            return bool(self.cache.add(key, PENDING, timeout=MAX_AGE))

    def get(self, key: str) -> str | None:
        return self.cache.get(key)

    def put(self, key: str, value: str) -> None:
        self.cache.set(key, value, timeout=MAX_AGE)


def init_app(app: Flask) -> None:
    """Choose the claim store that matches the session backend (call after Flask-Session)."""
    interface = app.session_interface
    client = getattr(interface, "client", None)
    cache = getattr(interface, "cache", None)
    if client is not None and hasattr(client, "set"):
        store: Store = RedisStore(client)
    elif cache is None or isinstance(cache, FileSystemCache):
        store = FileStore(os.path.join(app.instance_path, "once"))
    else:
        store = CacheStore(cache)
    app_state(app).once_store = store
    app.add_template_global(token, "once_token")


def token(action: str) -> str:
    """Return a new token for the form that posts to ``action`` (a URL; its query is ignored)."""
    return _serializer().dumps([secrets.token_urlsafe(16), urlsplit(action).path, _scope()])


class Attempt:
    """``with Attempt() as run:`` claims the posted form's token; ``run.finish(url)`` records success.

    When the token was already used, ``run.result`` is the URL its first use led to, and the
    block should just redirect there. An exception in the block records ``failed``, or
    ``unknown`` when Jira may have acted without answering, and is raised again.
    """

    def __init__(self, *, optional: bool = False) -> None:
        # ``optional``: a client that sends no token at all (not a browser using our form) is
        # served without the protection rather than refused.
        sent = request.form.get("once", "")
        self.key = None if optional and not sent else _claim_key(sent, request.script_root + request.path)
        self.result: str | None = None
        self._finished = self.key is None

    def __enter__(self) -> Attempt:
        store = _store()
        if self.key is None or store.claim(self.key):
            return self
        state = _wait(store, self.key)
        if state and state.startswith(DONE):
            self.result = state[len(DONE):]
            self._finished = True
            return self
        raise Refused(_REPEAT_PAGES.get(state or FAILED, _REPEAT_PAGES[FAILED]))

    def finish(self, url: str) -> None:
        """Record that the write succeeded and that repeats should go to ``url``."""
        if self.key is not None:
            _store().put(self.key, DONE + url)
        self._finished = True

    def __exit__(self, kind, error, trace) -> None:
        if not self._finished:
            _store().put(self.key, UNKNOWN if _maybe_written(error) else FAILED)


@dataclass(frozen=True)
class Outcome:
    """How a one-time submit ended: where to go, and what the write returned (None on a repeat)."""

    url: str
    value: Any = None
    repeated: bool = False


def submit_once(write: Callable[[], Any], done: str | Callable[[Any], str]) -> Outcome:
    """Run ``write()`` at most once for the posted form's token and return where it led.

    ``done`` is the URL to go to afterwards, or a function of what ``write`` returned that gives
    it. A repeat of a token already used returns the first submit's URL with ``repeated`` set.
    Raises ``Refused`` for a token that must not run, and whatever ``write`` raises.
    """
    with Attempt() as run:
        if run.result:
            return Outcome(run.result, repeated=True)
        value = write()
        url = done(value) if callable(done) else done
        run.finish(url)
    return Outcome(url, value)


def failure_page(error: JiraError | Refused) -> ErrorPage:
    """Return what to show next to a form whose submit failed, warning when it may have been saved."""
    if isinstance(error, Refused):
        return error.page
    page = describe(error)
    return replace(page, hint=MAYBE_SAVED_HINT) if _maybe_written(error) else page


def _maybe_written(error: BaseException | None) -> bool:
    """Return whether Jira may have acted although the call failed (no answer, or an unreadable one).

    A 4xx, a 429 and a 503 mean the write was refused before it happened; leaving the block
    without an error means the view chose not to write (a conflict page, say).
    """
    if isinstance(error, TransportError) or not isinstance(error, JiraError):
        return error is not None
    return error.status is None or error.status < 400 or error.status in (500, 502, 504)


def earlier_result() -> str | None:
    """Return where an earlier submit of the posted token led, waiting for one still running.

    For views that must read from Jira before they can claim (and whose read would fail once the
    first submit has done its work, such as a deleted comment): a repeat goes straight there.
    """
    try:
        key = _claim_key(request.form.get("once", ""), request.script_root + request.path)
    except Refused:
        return None
    state = _wait(_store(), key)
    return state[len(DONE):] if state and state.startswith(DONE) else None


def _claim_key(sent: str, action: str) -> str:
    """Return the store key of a valid token; raise Refused for a missing, forged or old one."""
    try:
        nonce, signed_action, scope = _serializer().loads(sent, max_age=MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        raise Refused(_EXPIRED) from None
    if signed_action != action or scope != _scope():
        raise Refused(_EXPIRED)
    return f"once:{nonce}"


def _wait(store: Store, key: str) -> str | None:
    """Return the claim's state once it is no longer pending, or pending after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    state = store.get(key)
    while state == PENDING and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        state = store.get(key)
    return state


def _store() -> Store:
    return app_state().once_store


def _serializer() -> URLSafeTimedSerializer:
    return _serializer_for(current_app.secret_key)


@functools.lru_cache(maxsize=8)
def _serializer_for(secret_key: str | bytes) -> URLSafeTimedSerializer:
    """Return the token serializer for a secret key, built once (a page signs a token per form)."""
    return _TokenSerializer(secret_key, salt="jira-client-once")


class _TokenSigner(TimestampSigner):
    """itsdangerous' timestamp signer, with its key derived once and HMAC-SHA1 run by OpenSSL.

    The stock signer derives its key again for every signature, and its default digest (a
    lazily imported SHA-1 behind a Python function) makes ``hmac`` take its pure-Python path.
    The signatures are the same bytes: the same key derivation, the same SHA-1.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = None if secret_key is None else want_bytes(secret_key)
        derived = self._derived.get(key)
        if derived is None:
            derived = self._derived[key] = super().derive_key(key)
        return derived


class _TokenSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe timed serializer, without trying zlib on each token, and one signer.

    A token's payload (a random nonce, a path, a scope) never compresses, yet trying took a
    third of the time of signing one, and a page signs one per form (eight on an issue page). The
    tokens are what the stock serializer would write for an incompressible payload, and it reads
    them alike (tests/writes/test_once.py compares them).
    """

    signer = _TokenSigner
    default_signer_kwargs = {"digest_method": hashlib.sha1}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, signer_kwargs=self.default_signer_kwargs, **kwargs)
        self._signers: dict[str | bytes | None, _TokenSigner] = {}

    def make_signer(self, salt: str | bytes | None = None) -> _TokenSigner:
        made = self._signers.get(salt)
        if made is None:
            made = self._signers[salt] = super().make_signer(salt)
        return made

    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


def _scope() -> str:
    """Return whose credentials a form acts with, so one person's token is useless to another."""
    return current_strategy().cache_scope()


_EXPIRED = ErrorPage(
    409, "This form was out of date",
    "It had expired, or it was made for something else. Nothing was sent to Jira.",
    "Check what you entered below and send it again.",
)
_REPEAT_PAGES = {
    FAILED: ErrorPage(409, "Already tried", "This form was sent before and Jira refused it, so nothing was saved.",
                      "Check what you entered below and send it again."),
    UNKNOWN: ErrorPage(409, "Maybe already saved",
                       "This form was sent before and Jira did not answer in time, so it may have been saved.",
                       "Check the issue first; send again only if your change is missing."),
    PENDING: ErrorPage(409, "Still sending", "This form is still being sent from another click or tab.",
                       "Wait a moment and check the issue before sending again."),
}
