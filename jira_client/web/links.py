"""Links to pages: what ``url_for`` gives, at a fraction of its cost.

A list page links 50 rows. ``url_for`` takes about 4 µs a link (rule lookup, URL defaults,
converters, quoting), half the time of rendering a 50-project list. A key made only of the
characters URL quoting leaves alone (every Jira key) goes into the endpoint's URL as it is:
``url_for`` builds that URL for a placeholder key once per endpoint and path prefix (the app's
``SCRIPT_NAME``, the only part of the request such a link depends on), for the app's life. Any
other key, and any endpoint whose URL does not hold the placeholder exactly once, is built by
``url_for`` itself. What was kept for the request's prefix is looked up once per request. A
query and an anchor are added as werkzeug and Flask write them (the issue page links a dozen
such: its activity tabs, comment order and pages, the inline edit forms).

Templates' ``url_for`` keeps the URL of a page that takes no values (``url_for('projects.index')``:
the header alone links eight) the same way, per endpoint and path prefix; anything else goes to
Flask's. That holds because no URL default adds a value to a page's URL (the one there is,
``assets.py``'s, versions static files, whose URLs always take a file name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from flask import Flask, current_app, request, url_for
from werkzeug.routing import BuildError

PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,255}")  # quote() leaves these characters as they are
PLAIN_PART = re.compile(r"[A-Za-z0-9_.-]*")  # a query name or value, or an anchor, that quoting leaves as it is
PLACEHOLDER = "KEYURLPLACEHOLDER-1"  # a valid issue and project key, found nowhere else in a URL
QUERY_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unquoted in a query (werkzeug.urls._urlencode)
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # what Flask leaves unquoted in an anchor (Flask.url_for)
KEPT = "jira_client.links_kept"  # the request's environ entry for what is kept for its prefix
MAX_PREFIXES = 100  # path prefixes whose URLs are kept; one in practice


@dataclass
class _Kept:
    """The URLs kept for one path prefix: each endpoint's URL around a key, and pages' URLs."""

    around_key: dict[str, tuple[tuple[str, ...], frozenset[str]]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)


def init_links(app: Flask) -> None:
    """Offer ``key_url(endpoint, key)`` to templates, and their ``url_for`` with the URLs of pages kept."""
    app.extensions["links_kept"] = {}
    app.add_template_global(key_url, "key_url")
    app.add_template_global(page_url_for, "url_for")


def key_url(endpoint: str, key: str, _anchor: str | None = None, **query: str | int | None) -> str:
    """Return ``url_for(endpoint, key=key, _anchor=_anchor, **query)``.

    The query is written as werkzeug writes it (in the order given, None left out, the same
    characters quoted) and the anchor as Flask does. A value that is not a str or an int, a
    query name that is part of the endpoint's path, or a map that sorts its parameters, sends
    the link to ``url_for``.
    """
    if not isinstance(key, str) or not PLAIN_KEY.fullmatch(key) or (query and not _plain(query)):
        return url_for(endpoint, key=key, _anchor=_anchor, **query)
    around_key = _kept().around_key
    shape = around_key.get(endpoint)
    if shape is None:
        shape = around_key[endpoint] = _shape_around_key(endpoint)
    parts, path_names = shape
    if not parts or (query and not path_names.isdisjoint(query)):
        return url_for(endpoint, key=key, _anchor=_anchor, **query)
    url = parts[0] + key + parts[1]
    pairs = [_pair(name, value) for name, value in query.items() if value is not None]
    if pairs:
        url += "?" + "&".join(pairs)
    if _anchor is not None:
        url += "#" + (_anchor if PLAIN_PART.fullmatch(_anchor) else quote(_anchor, safe=ANCHOR_SAFE))
    return url


def _pair(name: str, value: str | int) -> str:
    """Return ``name=value`` as werkzeug writes it into a query (quoted only where quoting changes it)."""
    text = value if type(value) is str else str(value)
    if PLAIN_PART.fullmatch(name) and PLAIN_PART.fullmatch(text):
        return f"{name}={text}"
    return urlencode([(name, text)], safe=QUERY_SAFE)


def _plain(query: dict) -> bool:
    """Return whether every query value is one werkzeug writes as its ``str`` (a str, an int, or None)."""
    for value in query.values():
        if value is not None and type(value) is not str and type(value) is not int:
            return False
    return True


def _shape_around_key(endpoint: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Return the endpoint's URL split around its key (empty when that cannot be done), and its path's names."""
    try:
        url = url_for(endpoint, key=PLACEHOLDER)
    except BuildError:
        url = ""  # the path takes more than the key: every link goes to url_for
    if current_app.url_map.sort_parameters:
        url = ""  # werkzeug would sort the query: every link goes to url_for
    parts = tuple(url.split(PLACEHOLDER)) if url.count(PLACEHOLDER) == 1 else ()
    names = frozenset(name for rule in current_app.url_map.iter_rules(endpoint) for name in rule.arguments)
    return parts, names


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
