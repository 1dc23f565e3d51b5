"""The checks behind ``/readyz`` and ``flask doctor``: one small function per question.

Each returns a ``Check`` (name, ok, detail). ``/readyz`` runs the cheap ones on every call and a
cached Jira probe; ``doctor`` runs them all once and prints them. The checks of a mode's
credentials belong to its auth strategy (``doctor_checks``), which knows what they mean.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import redis
import requests
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry

from jira_client.api.transport import Network

PROBE_TIMEOUT = (1.5, 3.0)  # (connect, read) seconds: a probe must never hang a worker
REDIS_PROBE_TIMEOUT = 1.0


@dataclass(frozen=True)
class Check:
    """One answered question: ``ok`` and a sentence saying what was found.

    ``public`` is the same sentence without addresses or paths, for anonymous callers of
    /readyz ("" when ``detail`` holds none).
    """

    name: str
    ok: bool
    detail: str
    public: str = ""

    @property
    def shown_to_anyone(self) -> str:
        """Return the sentence that may be shown to anyone."""
        return self.public or self.detail


def check_session_store(app: Flask, redis_probe: redis.Redis | None = None) -> Check:
    """Return whether the session store answers: Redis PING, or the session folder is writable."""
    interface = app.session_interface
    client = getattr(interface, "client", None)
    if client is not None and hasattr(client, "ping"):
        probe = redis_probe or redis_probe_for(client)
        try:
            probe.ping()
        except (redis.RedisError, OSError) as exc:
            return Check("session store", False, f"Redis did not answer PING: {type(exc).__name__}")
        return Check("session store", True, "Redis answered PING")
    directory = getattr(getattr(interface, "cache", None), "_path", None)
    if directory:
        return _check_writable(directory)
    return Check("session store", True, f"{type(interface).__name__} (in memory)")


def redis_probe_for(client: redis.Redis) -> redis.Redis:
    """Return a Redis client on the same server with short timeouts and no retries, for probes."""
    kwargs = dict(client.connection_pool.connection_kwargs)
    kwargs.update(socket_timeout=REDIS_PROBE_TIMEOUT, socket_connect_timeout=REDIS_PROBE_TIMEOUT)
    kwargs.update(retry=Retry(NoBackoff(), 0))
    pool = redis.ConnectionPool(connection_class=client.connection_pool.connection_class, max_connections=2, **kwargs)
    return redis.Redis(connection_pool=pool)


def _check_writable(directory: str) -> Check:
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".ready-"):
            pass
    except OSError as exc:
        return Check("session store", False, f"cannot write to the session folder {directory}: {exc.strerror}",
                     f"cannot write to the session folder: {exc.strerror}")
    return Check("session store", True, f"session folder {directory} is writable", "the session folder is writable")


def check_reachable(url: str, transport: requests.Session, name: str = "Jira") -> Check:
    """Return whether ``url`` answers HTTP at all (any status counts: it is about the network)."""
    started = time.perf_counter()
    try:
        response = transport.get(url, timeout=PROBE_TIMEOUT, allow_redirects=False, stream=True)
        response.close()
    except requests.RequestException as exc:
        return Check(f"{name} reachable", False, f"{url} did not answer: {type(exc).__name__}",
                     f"did not answer: {type(exc).__name__}")
    elapsed = (time.perf_counter() - started) * 1000
    answered = f"answered HTTP {response.status_code} in {elapsed:.0f} ms"
    return Check(f"{name} reachable", True, f"{url} {answered}{_route(transport, url)}", answered)


def _route(transport: requests.Session, url: str) -> str:
    """Return " (through the proxy host:port)" when ``transport`` sends calls to ``url`` through one."""
    network = getattr(transport, "network", None)
    proxy = network.proxy_for(url) if isinstance(network, Network) else ""
    return f" (through the proxy {proxy_address(proxy)})" if proxy else ""


def proxy_address(proxy_url: str) -> str:
    """Return a proxy URL's scheme, host and port only: its credentials are never shown."""
    parts = urlsplit(proxy_url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def check_network(network: Network) -> list[Check]:
    """Return how calls to Atlassian leave this machine, and whether a configured CA bundle loads."""
    routes = [f"{scheme} through {proxy_address(url)}" for scheme, url in (("https", network.https_proxy),
                                                                          ("http", network.http_proxy)) if url]
    detail = "; ".join(routes) + (f"; directly for NO_PROXY {network.no_proxy}" if network.no_proxy else "") if routes \
        else "direct connections (HTTPS_PROXY and HTTP_PROXY are not set)"
    checks = [Check("network", True, detail)]
    if network.ca_bundle:
        checks.append(_check_ca_bundle(network.ca_bundle))
    return checks


def _check_ca_bundle(path: str) -> Check:
    """Return whether the CA bundle (REQUESTS_CA_BUNDLE or SSL_CERT_FILE) loads, and how many CAs it holds."""
    name = "CA bundle (REQUESTS_CA_BUNDLE or SSL_CERT_FILE)"
    try:
        context = ssl.create_default_context(**({"capath": path} if os.path.isdir(path) else {"cafile": path}))
    except (OSError, ssl.SSLError) as exc:
        return Check(name, False, f"{path} could not be loaded: {exc}")
    count = len(context.get_ca_certs())
    held = f"{count} certificates" if count or not os.path.isdir(path) else "a folder of certificates"
    if not count and not os.path.isdir(path):
        return Check(name, False, f"{path} holds no certificate")
    return Check(name, True, f"{path}: {held}, trusted instead of the default bundle")


class CachedProbe:
    """Runs a reachability check at most once per ``ttl`` seconds per process (keeps /readyz cheap)."""

    def __init__(self, check: Callable[[], Check], ttl: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.check = check
        self.ttl = ttl
        self.clock = clock
        self._result: tuple[float, Check] | None = None
        self._refreshing = False
        self._lock = threading.Lock()

    def __call__(self) -> tuple[Check, float]:
        """Return the latest result and its age in seconds, probing again when it is stale.

        Only the very first call waits for the probe. Later, a stale result is refreshed in a
        background thread and returned meanwhile, so a slow Jira never slows /readyz down.
        """
        with self._lock:
            now = self.clock()
            if self._result is None:
                self._result = (now, self.check())
            elif now - self._result[0] >= self.ttl and not self._refreshing:
                self._refreshing = True
                threading.Thread(target=self._refresh, daemon=True).start()
            checked_at, result = self._result
        return result, now - checked_at

    def _refresh(self) -> None:
        try:
            result = self.check()
        finally:
            with self._lock:
                self._refreshing = False
        with self._lock:
            self._result = (self.clock(), result)
