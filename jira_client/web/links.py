"""Links to pages: what ``url_for`` gives, at a fraction of its cost.

A list page links 50 rows. ``url_for`` takes about 4 µs a link (rule lookup, URL defaults,
converters, quoting), half the time of rendering a 50-project list. A key made only of the
characters URL quoting leaves alone (every Jira key) goes into the endpoint's URL as it is:
``url_for`` builds that URL for a placeholder key once per endpoint and path prefix (the app's
``SCRIPT_NAME``, the only part of the request such a link depends on), for the app's life. Any
other key, and any endpoint whose URL does not hold the placeholder exactly once, is built by
``url_for`` itself.

Templates' ``url_for`` keeps the URL of a page that takes no values (``url_for('projects.index')``:
the header alone links eight) the same way, per endpoint and path prefix; anything else goes to
Flask's. That holds because no URL default adds a value to a page's URL (the one there is,
``assets.py``'s, versions static files, whose URLs always take a file name).
"""

from __future__ import annotations

import re

from flask import Flask, current_app, request, url_for

PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,255}")  # quote() leaves these characters as they are
PLACEHOLDER = "KEYURLPLACEHOLDER-1"  # a valid issue and project key, found nowhere else in a URL
MAX_TEMPLATES = 1000  # (prefix, endpoint) pairs kept; a few dozen in practice


def init_links(app: Flask) -> None:
    """Offer ``key_url(endpoint, key)`` to templates, and their ``url_for`` with the URLs of pages kept."""
    app.extensions["key_url_templates"] = {}
    app.extensions["page_urls"] = {}
    app.add_template_global(key_url, "key_url")
    app.add_template_global(page_url_for, "url_for")


def page_url_for(endpoint: str, **values) -> str:
    """Return ``url_for(endpoint, **values)``; a page's URL without values is built once per path prefix."""
    if values or endpoint.startswith(".") or endpoint == "static":
        return url_for(endpoint, **values)  # values, or a blueprint-relative name: Flask's every time
    urls = current_app.extensions["page_urls"]
    where = (request.root_path, endpoint)
    url = urls.get(where)
    if url is None:
        if len(urls) >= MAX_TEMPLATES:
            urls.clear()
        url = urls[where] = url_for(endpoint)
    return url


def key_url(endpoint: str, key: str) -> str:
    """Return ``url_for(endpoint, key=key)``."""
    if not isinstance(key, str) or not PLAIN_KEY.fullmatch(key):
        return url_for(endpoint, key=key)
    templates = current_app.extensions["key_url_templates"]
    where = (request.root_path, endpoint)
    parts = templates.get(where)
    if parts is None:
        if len(templates) >= MAX_TEMPLATES:
            templates.clear()
        url = url_for(endpoint, key=PLACEHOLDER)
        parts = templates[where] = tuple(url.split(PLACEHOLDER)) if url.count(PLACEHOLDER) == 1 else ()
    if not parts:
        return url_for(endpoint, key=key)
    return parts[0] + key + parts[1]
