"""HTTP hardening: which proxies to believe, https, the session cookie and its lifetimes, headers.

- Proxies. ``X-Forwarded-*`` headers are believed only from a peer in ``FORWARDED_ALLOW_IPS``
  and only for ``TRUSTED_PROXY_COUNT`` hops (ProxyFix; Heroku's router is one hop). From any
  other peer they are removed before the app sees them, so ``url_for`` and ``remote_addr`` stay
  as the socket says. ``X-Forwarded-Host`` is believed only with ``TRUST_FORWARDED_HOST``.
- https. With ``FORCE_HTTPS`` (default: when the OAuth redirect URI is https) the session cookie
  is ``__Host-session`` (Secure, Path=/, no Domain), URLs are built with https, plain http is
  redirected (health probes excepted) and HSTS is sent. Without it the cookie is ``session``:
  a ``__Host-`` cookie without Secure would be dropped by the browser.
- Lifetimes. ``auth_time`` and ``last_seen`` (int epoch seconds) are kept in the session; past
  ``SESSION_IDLE_MINUTES`` of inactivity or ``SESSION_MAX_HOURS`` in all it is cleared on the
  server. The store's expiry (``PERMANENT_SESSION_LIFETIME``) equals the idle limit, and a
  multi_user session's token record shares it (renewed together), so neither outlives the other.
  A session is written back only when it changed: ``last_seen`` is renewed once it is
  ``LAST_SEEN_EVERY`` seconds old, not on every request (a file-store write costs milliseconds:
  the idle limit may end a session up to a minute early, never late).
- Bodies. A body over ``MAX_CONTENT_LENGTH`` is refused with 413 before any view or CSRF check
  reads it, however it arrives: with a ``Content-Length``, or chunked (``BoundedBodies`` reads a
  chunked body whole, up to the limit, first; Werkzeug alone would stop at the limit and hand the
  app the truncated form as if it were all). A view marked ``takes_large_bodies`` (the upload
  page) sets its own larger limit before anything reads the body, and its chunked bodies are
  passed on unread: Werkzeug's multipart parser enforces that limit as it reads, files spooled to
  disk, never the whole body in memory.
- Other sites. A post, put, patch or delete whose ``Origin`` is another site (or ``null``), or
  that the browser marks ``Sec-Fetch-Site: cross-site``, is refused like a bad CSRF token, on
  plain http too (Flask-WTF checks the Referer only under https). The host and an explicit port
  must match; the scheme may differ, since behind a TLS proxy the browser sees https and the app
  http. A request without either header (an old browser, a script) is left to the CSRF token.
- Headers. Every response gets a CSP without inline script, framing refused, nosniff,
  ``Referrer-Policy: same-origin`` (Flask-WTF's https Referer check needs it), a
  Permissions-Policy, and ``Cache-Control: no-store`` on everything but static files.
"""

from __future__ import annotations

import io
import ipaddress
import logging
import time
from datetime import timedelta
from typing import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request, session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import RoutingException

from jira_client.settings import Settings
from jira_client.state import current_strategy

log = logging.getLogger(__name__)

HTTPS_COOKIE_NAME = "__Host-session"
HSTS = "max-age=31536000; includeSubDomains"
PLAIN_HTTP_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})  # probes from inside the host
LAST_SEEN_EVERY = 60  # seconds between two renewals of a session's last_seen (each one is a store write)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)


def init_security(app: Flask, settings: Settings) -> None:
    """Apply proxy trust, the https and cookie policy, session lifetimes and security headers."""
    if settings.trusted_proxy_count:
        app.wsgi_app = TrustedProxies(
            app.wsgi_app, settings.forwarded_allow_ips, settings.trusted_proxy_count,
            trust_host=settings.trust_forwarded_host,
        )
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=False,  # written when changed; _stamp_session renews last_seen
        MAX_CONTENT_LENGTH=settings.max_content_length,
    )
    app.wsgi_app = BoundedBodies(app.wsgi_app, settings.max_content_length, app)
    app.before_request(_refuse_large_bodies)
    app.before_request(_refuse_cross_site_writes)
    if settings.force_https:
        app.config.update(SESSION_COOKIE_NAME=HTTPS_COOKIE_NAME, SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
        app.before_request(_redirect_plain_http)
    app.before_request(_session_limits(settings.session_idle_minutes * 60, settings.session_max_hours * 3600))
    app.after_request(_stamp_session)
    app.after_request(_headers(content_security_policy(settings.atlassian_auth_url)))


def content_security_policy(auth_url: str) -> str:
    """Return the CSP: same-origin everything, no inline script, no framing.

    ``style-src-attr 'unsafe-inline'`` lets through the ``style="color:#rrggbb"`` attributes
    the ADF renderer writes for validated colours; style attributes cannot run script, and
    ``<style>`` elements stay blocked (``style-src-elem`` falls back to ``'self'``). The sign-in
    host is in ``form-action`` because browsers apply it to the redirect after a form post.
    """
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        f"form-action 'self' {auth_url}",
        "frame-ancestors 'none'",
    ))


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from the allowed proxies; forwarded headers dropped otherwise."""

    def __init__(self, wsgi_app: Callable, allowed: Iterable[str], hops: int, *, trust_host: bool = False) -> None:
        self.wsgi_app = wsgi_app
        self.allow_all = "*" in allowed
        self.networks = [ipaddress.ip_network(entry, strict=False) for entry in allowed if entry != "*"]
        self.proxied = ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops if trust_host else 0)

    def __call__(self, environ: dict, start_response: Callable):
        if self._trusted(environ.get("REMOTE_ADDR", "")):
            return self.proxied(environ, start_response)
        for key in [key for key in environ if key.startswith("HTTP_X_FORWARDED_") or key == "HTTP_FORWARDED"]:
            del environ[key]
        return self.wsgi_app(environ, start_response)

    def _trusted(self, peer: str) -> bool:
        if self.allow_all:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False  # a Unix socket or no address: nothing to match
        return any(address in network for network in self.networks)


class BoundedBodies:
    """WSGI middleware: a body without Content-Length (chunked) is read whole, or flagged as too large.

    The server ends such a body (``wsgi.input_terminated``); Werkzeug then reads at most
    ``MAX_CONTENT_LENGTH`` bytes of it and silently stops there. Here it is read first, up to one
    byte past the limit: within the limit it is handed on with its length, like any other body;
    past it, the request is marked and ``_refuse_large_bodies`` answers 413 before anything acts.

    A body for a view marked ``takes_large_bodies`` is left unread (the view's own limit applies,
    see there); the URL is matched against ``app``'s routes only for bodies without a length.
    """

    CHUNK = 64 * 1024

    def __init__(self, wsgi_app: Callable, limit: int, app: Flask | None = None) -> None:
        self.wsgi_app, self.limit, self.app = wsgi_app, limit, app

    def __call__(self, environ: dict, start_response: Callable):
        if environ.get("wsgi.input_terminated") and not environ.get("CONTENT_LENGTH") and not self._large_allowed(environ):
            body = self._read_at_most(environ["wsgi.input"], self.limit + 1)
            environ[TOO_LARGE] = len(body) > self.limit
            environ["wsgi.input"] = io.BytesIO(b"" if environ[TOO_LARGE] else body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)

    def _read_at_most(self, stream, size: int) -> bytes:
        chunks, got = [], 0
        while got < size:
            chunk = stream.read(min(self.CHUNK, size - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _large_allowed(self, environ: dict) -> bool:
        """Return whether the request goes to a view marked ``takes_large_bodies``."""
        if self.app is None:
            return False
        try:
            adapter = self.app.url_map.bind_to_environ(environ, server_name=self.app.config.get("SERVER_NAME"))
            endpoint, _ = adapter.match()
        except (HTTPException, RoutingException):
            return False  # no such page (or a redirect): the small limit applies
        return getattr(self.app.view_functions.get(endpoint), LARGE_BODIES, False) is True


TOO_LARGE = "jira_client.body_too_large"
LARGE_BODIES = "takes_large_bodies"


def takes_large_bodies(view: Callable) -> Callable:
    """Mark a view that raises ``request.max_content_length`` itself before anything reads the body.

    Werkzeug enforces that limit on every body as its parser reads it, chunked ones too (413 past
    it); ``BoundedBodies`` therefore hands such a view its chunked bodies unread, instead of
    reading them into memory against ``MAX_CONTENT_LENGTH``.
    """
    setattr(view, LARGE_BODIES, True)
    return view


def _refuse_large_bodies() -> None:
    """Answer 413 for a body over the limit before any view, form or CSRF check reads it."""
    limit = request.max_content_length
    if request.environ.get(TOO_LARGE) or (limit is not None and (request.content_length or 0) > limit):
        raise RequestEntityTooLarge()


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _refuse_cross_site_writes() -> None:
    """Refuse a write that another site's page sent (the browser says so in Origin or Sec-Fetch-Site)."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is None:
        if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
            raise CSRFError("The form was sent from another site.")
        return
    if not same_host(origin, request.host):
        # A proxy that rewrites Host (nginx without "proxy_set_header Host $host") shows up here too.
        log.warning("Refused a %s from another site: Origin %r, Host %r", request.method, origin[:200], request.host[:200])
        raise CSRFError("The form was sent from another site.")


def same_host(origin: str, host: str) -> bool:
    """Return whether ``origin`` (scheme://host[:port]) names ``host`` (a Host header), default ports aside."""
    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port
        here = urlsplit(f"//{host}")
        host_port = here.port
    except ValueError:
        return False
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path or parts.query:
        return False  # "null", or not an origin at all
    if origin_port == DEFAULT_PORTS[parts.scheme]:
        origin_port = None
    if host_port in DEFAULT_PORTS.values():
        host_port = None
    return parts.hostname == here.hostname and origin_port == host_port


def _redirect_plain_http() -> Response | None:
    """Send a plain-http request to the same URL over https (probes from inside the host excepted)."""
    if request.is_secure or request.path in PLAIN_HTTP_PATHS:
        return None
    code = 301 if request.method in ("GET", "HEAD") else 308
    return redirect(request.url.replace("http://", "https://", 1), code=code)


def _now() -> int:
    return int(time.time())


def _session_limits(idle_seconds: int, max_seconds: int) -> Callable[[], None]:
    """Return a before-request hook that clears a session idle or older than allowed."""

    def enforce() -> None:
        if not session:
            return
        now = _now()
        idle = now - int(session.get("last_seen", now))
        age = now - int(session.get("auth_time", now))
        if idle > idle_seconds or age > max_seconds:
            # The refresh token must not outlive the session that held it: ended here, its record is
            # deleted with it; a session that simply expires in the store takes its record along
            # (same expiry, renewed together: jira_client/auth/tokens.py, point 6).
            current_strategy().forget_tokens()
            session.clear()

    return enforce


def _stamp_session(response: Response) -> Response:
    """Record when a session began and when it was last used (ints: they survive msgspec).

    ``last_seen`` is renewed once it is LAST_SEEN_EVERY seconds old, so a page that changes
    nothing in the session does not write it back (nor re-send its cookie).
    """
    if session:
        now = _now()
        session.setdefault("auth_time", now)
        if now - int(session.get("last_seen", 0)) >= LAST_SEEN_EVERY:
            session["last_seen"] = now
    return response


def _headers(policy: str) -> Callable[[Response], Response]:
    """Return an after-request hook that adds the security headers to every response."""

    defaults = (
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )

    def add(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # a view's own (an attachment's CSP) stays
        headers.extend([(name, value) for name, value in defaults if name.lower() not in present])
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"  # pages carry people's Jira data
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return add
