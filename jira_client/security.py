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
  server. The store's expiry (``PERMANENT_SESSION_LIFETIME``) equals the idle limit.
  A session is written back only when it changed: ``last_seen`` is renewed once it is
  ``LAST_SEEN_EVERY`` seconds old, not on every request (a file-store write costs milliseconds:
  the idle limit may end a session up to a minute early, never late).
- Headers. Every response gets a CSP without inline script, framing refused, nosniff,
  ``Referrer-Policy: same-origin`` (Flask-WTF's https Referer check needs it), a
  Permissions-Policy, and ``Cache-Control: no-store`` on everything but static files.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import timedelta
from typing import Callable, Iterable

from flask import Flask, Response, redirect, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from jira_client.settings import Settings
from jira_client.state import current_strategy

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
            current_strategy().forget_tokens()  # the refresh token must not outlive the session that held it
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

    def add(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"  # pages carry people's Jira data
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return add
