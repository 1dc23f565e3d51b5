"""Links to pages: what ``url_for`` gives, at a fraction of its cost.

A list page links 50 rows. ``url_for`` takes about 4 µs a link (rule lookup, URL defaults,
converters, quoting), half the time of rendering a 50-project list. A key made only of the
characters URL quoting leaves alone (every Jira key) goes into the endpoint's URL as it is:
``url_for`` builds that URL for a placeholder key once per endpoint and path prefix (the app's
``SCRIPT_NAME``, the only part of the request such a link depends on), for the app's life. Any
other key, and any endpoint whose URL does not hold the placeholder exactly once, is built by
``url_for`` itself. What was kept for the request's prefix is looked up once per request.

Templates' ``url_for`` keeps the URL of a page that takes no values (``url_for('projects.index')``:
the header alone links eight) the same way, per endpoint and path prefix; anything else goes to
Flask's. That holds because no URL default adds a value to a page's URL (the one there is,
``assets.py``'s, versions static files, whose URLs always take a file name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for

PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,255}")  # quote() leaves these characters as they are
PLACEHOLDER = "KEYURLPLACEHOLDER-1"  # a valid issue and project key, found nowhere else in a URL
KEPT = "jira_client.links_kept"  # the request's environ entry for what is kept for its prefix
MAX_PREFIXES = 100  # path prefixes whose URLs are kept; one in practice


@dataclass
class _Kept:
    """The URLs kept for one path prefix: each endpoint's URL around a key, and pages' URLs."""

    around_key: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)


def init_links(app: Flask) -> None:
    """Offer ``key_url(endpoint, key)`` to templates, and their ``url_for`` with the URLs of pages kept."""
    app.extensions["links_kept"] = {}
    app.add_template_global(key_url, "key_url")
    app.add_template_global(page_url_for, "url_for")


def key_url(endpoint: str, key: str) -> str:
    """Return ``url_for(endpoint, key=key)``."""
    if not isinstance(key, str) or not PLAIN_KEY.fullmatch(key):
        return url_for(endpoint, key=key)
    around_key = _kept().around_key
    parts = around_key.get(endpoint)
    if parts is None:
        url = url_for(endpoint, key=PLACEHOLDER)
        parts = around_key[endpoint] = tuple(url.split(PLACEHOLDER)) if url.count(PLACEHOLDER) == 1 else ()
    if not parts:
        return url_for(endpoint, key=key)
    return parts[0] + key + parts[1]


def page_url_for(endpoint: str, **values) -> str:
    """Return ``url_for(endpoint, **values)``; a page's URL without values is built once per path prefix."""
    if values or endpoint.startswith(".") or endpoint == "static":
        return url_for(endpoint, **values)  # values, or a blueprint-relative name: Flask's every time
    pages = _kept().pages
    url = pages.get(endpoint)
    if url is None:
        url = pages[endpoint] = url_for(endpoint)
    return url


def _kept() -> _Kept:
    """Return what is kept for this request's path prefix (looked up once per request, noted in its environ)."""
    environ = request.environ
    kept = environ.get(KEPT)
    if kept is None:
        by_prefix = current_app.extensions["links_kept"]
        kept = by_prefix.get(request.root_path)
        if kept is None:
            if len(by_prefix) >= MAX_PREFIXES:
                by_prefix.clear()
            kept = by_prefix[request.root_path] = _Kept()
        environ[KEPT] = kept
    return kept
