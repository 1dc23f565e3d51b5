"""Static files with their content hash in the URL, cached by browsers for good.

Templates write ``static_url('app.css')``: the URL ``url_for('static', filename='app.css')``
gives, where a URL default adds ``?v=<hash of the file's bytes>``, so a changed file gets a new
URL. ``static_url`` builds each file's URL once per version (building one took 11 µs, and the
issue page links 11), and looks at a file again (its size and mtime) at most every
``RECHECK_SECONDS``, not once per link: an edited file gets its new URL within that time. A
static answer whose ``v`` is the hash of the file it serves is marked ``Cache-Control: public,
max-age=31536000, immutable``: the browser asks for it once, not on every page. A URL without
``v``, or with a stale one, keeps Flask's revalidated caching, so an old hash never pins new bytes.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Callable

from flask import Flask, Response, request, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
HASH_CHARS = 12
MAX_BUILT = 1000  # static URLs kept built
RECHECK_SECONDS = 2.0  # how long a file's hash is trusted before its size and mtime are looked at again


def init_assets(app: Flask, recheck_seconds: float = RECHECK_SECONDS) -> None:
    """Version ``app``'s static URLs by content, and let browsers keep versioned files."""
    hashes = ContentHashes(app.static_folder or "", recheck_seconds)

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            version = hashes.of(values.get("filename", ""))
            if version:
                values["v"] = version

    built: dict[tuple[str, str, str], str] = {}  # (script root, file name, version): URL

    @app.template_global()
    def static_url(filename: str) -> str:
        """Return the versioned URL of a static file, as ``url_for('static', filename=...)`` gives it."""
        key = (request.script_root, filename, hashes.of(filename))
        url = built.get(key)
        if url is None:
            if len(built) >= MAX_BUILT:
                built.clear()  # only edited files and unusual script roots get here
            url = built[key] = url_for("static", filename=filename)
        return url

    @app.after_request
    def cache_versioned(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200:
            version = request.args.get("v")
            if version and version == hashes.of((request.view_args or {}).get("filename", "")):
                response.headers["Cache-Control"] = IMMUTABLE
        return response


class ContentHashes:
    """The content hash of each static file, read again only when its size or mtime changes.

    Size and mtime are looked at when the hash is older than ``recheck_seconds``: a page links a
    dozen files, and a stat each was a system call per link.
    """

    def __init__(self, folder: str, recheck_seconds: float = RECHECK_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.folder = os.path.realpath(folder)
        self.recheck_seconds, self.clock = recheck_seconds, clock
        self._known: dict[str, tuple[str, int, int, str, float]] = {}  # name: (path, mtime, size, hash, checked at)

    def of(self, filename: str) -> str:
        """Return the hash of ``filename`` in the static folder, or "" when it is not a file there."""
        known, now = self._known.get(filename), self.clock()
        if known and now - known[4] < self.recheck_seconds:
            return known[3]
        try:
            stat = os.stat(known[0] if known else self._inside(filename))
        except (OSError, ValueError):
            self._known.pop(filename, None)
            return ""
        if known and known[1:3] == (stat.st_mtime_ns, stat.st_size):
            self._known[filename] = (*known[:4], now)
            return known[3]
        path = self._inside(filename)
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()[:HASH_CHARS]
        self._known[filename] = (path, stat.st_mtime_ns, stat.st_size, digest, now)
        return digest

    def _inside(self, filename: str) -> str:
        """Return the real path of ``filename``; ValueError when it is outside the static folder."""
        path = os.path.realpath(os.path.join(self.folder, filename))
        if not path.startswith(self.folder + os.sep):
            raise ValueError(filename)  # Flask refuses to serve it anyway
        return path
