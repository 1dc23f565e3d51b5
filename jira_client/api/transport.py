"""The one HTTP session per process that every JiraClient shares.

Keeping one ``requests.Session`` alive means one pool of keep-alive connections to Jira (or
api.atlassian.com) per worker, instead of a TLS handshake per call. It keeps no cookies: Jira sets
some, and a shared jar would carry one person's cookies into another person's calls.
"""

from __future__ import annotations

import threading
from http.cookiejar import CookieJar

import requests
from requests.adapters import HTTPAdapter

USER_AGENT = "jira-web-client/0.1 (+self-hosted)"


class NoCookies(CookieJar):
    """A cookie jar that never stores anything."""

    def set_cookie(self, cookie) -> None:  # noqa: D401 - CookieJar API
        return None

    def extract_cookies(self, response, request) -> None:
        return None


def create_transport(pool_size: int = 16) -> requests.Session:
    """Return a cookie-less session with a keep-alive pool and no automatic retries."""
    session = requests.Session()
    session.cookies = NoCookies()
    session.trust_env = False  # no proxies or .netrc credentials picked up from the environment
    session.headers["User-Agent"] = USER_AGENT
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_transport: requests.Session | None = None
_lock = threading.Lock()


def get_transport() -> requests.Session:
    """Return this process's shared transport, creating it on first use."""
    global _transport
    if _transport is None:
        with _lock:
            if _transport is None:
                _transport = create_transport()
    return _transport
