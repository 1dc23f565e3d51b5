"""Server-side sessions with Flask-Session: files under the instance folder, or Redis.

The cookie carries only a random session id. Flask-Session writes the whole session back at the
end of every request (last writer wins), so nothing that must not be overwritten by a slow
request, such as OAuth tokens, is kept in it (see jira_client/auth/tokens.py).

Redis may be ``redis://`` or ``rediss://`` (TLS). The certificate is checked unless
``REDIS_TLS_VERIFY=false``, which Heroku Key-Value Store needs: it serves a self-signed one.
When the store cannot be reached, a request that needs its session gets a 503 page
(``SessionStoreUnavailable``) instead of a traceback, and serves again as soon as Redis is back.
"""

from __future__ import annotations

import logging
import os
import secrets
import time

import redis
from cachelib.file import FileSystemCache
from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from flask_session import Session
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from werkzeug.exceptions import ServiceUnavailable

from jira_client.settings import Settings

log = logging.getLogger(__name__)

STORE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
STORE_DOWN = "jira_client.session_store_down"  # environ flag: this request's session could not be read


class SessionStoreUnavailable(ServiceUnavailable):
    """The session store (Redis) cannot be reached: nobody's session can be read or kept."""

    description = "The app cannot reach its session store. Reload in a minute."


def init_sessions(app: Flask, settings: Settings) -> None:
    """Configure Flask-Session: Redis when REDIS_URL is set, else the filesystem."""
    config = app.config
    config.setdefault("SESSION_PERMANENT", True)
    config.setdefault("SESSION_USE_SIGNER", False)
    config.setdefault("SESSION_KEY_PREFIX", "session:")
    if config.get("SESSION_TYPE"):
        pass  # given explicitly (tests use cachelib with an in-memory cache)
    elif settings.redis_url:
        config["SESSION_TYPE"] = "redis"
        config["SESSION_REDIS"] = redis_client(settings.redis_url, tls_verify=settings.redis_tls_verify)  # tokens share it
    else:
        directory = os.path.join(app.instance_path, "sessions")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        config["SESSION_TYPE"] = "cachelib"
        config["SESSION_CACHELIB"] = SessionFileCache(directory, threshold=0, mode=0o600)
    Session(app)
    app.session_interface = ResilientSessions(app.session_interface)
    app.before_request(_refuse_without_store)


def redis_client(url: str, *, tls_verify: bool = True) -> redis.Redis:
    """Return a Redis client for ``url`` that fails fast, so a stuck Redis cannot hang a worker.

    For ``rediss://`` the server certificate and host name are checked unless ``tls_verify`` is
    False (Heroku Key-Value Store's certificate is self-signed; traffic stays encrypted).
    """
    options: dict = {}
    if url.startswith("rediss://"):
        options = {"ssl_cert_reqs": "required" if tls_verify else "none", "ssl_check_hostname": tls_verify}
    return redis.Redis.from_url(
        url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1), **options,
    )


class SessionFileCache(FileSystemCache):
    """cachelib's file cache without a size threshold; expired files are swept now and then.

    With a threshold, cachelib evicts the entries closest to expiry once it is exceeded: a flood
    of anonymous visits to /login would evict everyone's real sessions. Without one, only what
    has expired is removed.
    """

    SWEEP_EVERY = 500  # writes, on average, between two sweeps of expired files

    def set(self, key, value, timeout=None, mgmt_element=False):
        if not mgmt_element and secrets.randbelow(self.SWEEP_EVERY) == 0:
            self._remove_expired(time.time())
        return super().set(key, value, timeout, mgmt_element)


class ResilientSessions(SessionInterface):
    """Wraps Flask-Session's interface: a store outage flags the request instead of crashing it.

    It also refuses to bring back a session that another request deleted while this one ran
    (a logout, or a sign-in that gave the session a new id): Flask-Session writes the whole
    session at the end of every request, so a slow request would otherwise resurrect it.
    """

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def __getattr__(self, name: str):
        return getattr(self.inner, name)  # regenerate(), serializer, client, ...

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """Return the stored session, or a null one flagged on the request when the store is down."""
        try:
            session = self.inner.open_session(app, request)
            session.loaded_sid = session.sid if request.cookies.get(app.config["SESSION_COOKIE_NAME"]) == session.sid else None
            return session
        except STORE_ERRORS as exc:
            log.error("Session store unreachable while reading a session: %s", type(exc).__name__)
            request.environ[STORE_DOWN] = True
            return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Store the session; when the store is down, turn the response into the 503 page.

        Failing closed matters: a sign-in whose ``state`` was never stored must not go on to
        Atlassian, and a redirect that relies on the session would lead nowhere.
        """
        try:
            if self._writes(app, session) and self._deleted_meanwhile(session):
                log.info("Not saving a session that was deleted while this request ran")
                return
            self.inner.save_session(app, session, response)
        except STORE_ERRORS as exc:
            log.error("Session store unreachable while saving a session: %s", type(exc).__name__)
            page = app.make_response(app.handle_user_exception(SessionStoreUnavailable()))
            response.status_code = page.status_code
            response.set_data(page.get_data())
            response.content_type = page.content_type
            response.headers.pop("Location", None)

    def _writes(self, app: Flask, session: SessionMixin) -> bool:
        """Return whether saving ``session`` changes the store: an unchanged session is not written back.

        Most page views change nothing, and asking the store whether the session is still there
        costs a read of it (a file, or a round trip to Redis). Flask-Session's own test decides:
        changed, or refreshed on every request.
        """
        return self.inner.should_set_storage(app, session)

    def _deleted_meanwhile(self, session: SessionMixin) -> bool:
        """Return whether this request's stored session (same id) is gone from the store now."""
        loaded = getattr(session, "loaded_sid", None)
        if loaded is None or loaded != session.sid:
            return False  # a new session, or one this request gave a new id
        store_id = self.inner._get_store_id(loaded)
        client = getattr(self.inner, "client", None)
        if client is not None:
            return not client.exists(store_id)
        return not self.inner.cache.has(store_id)


def _refuse_without_store() -> None:
    """Stop a request whose session could not be read, before any view or CSRF check runs."""
    if request.environ.get(STORE_DOWN):
        raise SessionStoreUnavailable()
