"""Compressed answers: gzip for pages and JSON when the client accepts it.

Heroku's router (and gunicorn) pass bytes through as the app writes them, so the app compresses,
with ISA-L's deflate (``isal``): an issue page of 31.6 kB goes out as 5.3 kB in 25 µs, where zlib
at its fastest level took 90 to 130 µs for 5.4 kB. Only whole, buffered bodies of a text type
above ``MIN_BYTES`` are compressed; a streamed or pass-through body (static files, which may
answer Range requests) is left alone, as is anything that already has a Content-Encoding.

BREACH (guessing a secret from the compressed size of pages that also reflect attacker-chosen
text) needs a secret that stays the same from one response to the next. The tokens pages carry
do not: Flask-WTF's CSRF token is signed with the current second, and one-time form tokens are
random per render.
"""

from __future__ import annotations

from flask import Flask, Response, request, request_finished
from isal import isal_zlib

MIN_BYTES = 1024  # below this, the gzip header and the CPU are not worth it
LEVEL = 1  # ISA-L's levels run 0-3; 1 makes the issue page 5.3 kB (0: 5.8 kB, for 18 µs instead of 25)
GZIP = 31  # wbits: a gzip member (header and CRC) around the deflate stream
COMPRESSIBLE = frozenset({
    "text/html", "text/plain", "text/css", "text/javascript", "application/javascript", "application/json",
    "image/svg+xml",
})


def init_compression(app: Flask) -> None:
    """Compress the responses of ``app`` for clients that accept gzip.

    On ``request_finished``, which comes after every after-request hook and the session save
    (a session store outage may still replace the body there), so the last body is compressed.
    """
    request_finished.connect(_compress_finished, app, weak=False)


def _compress_finished(sender: Flask, response: Response, **extra) -> None:
    compress(response)


def compress(response: Response) -> Response:
    """Gzip ``response`` in place when it is worth it and the client accepts gzip; return it."""
    if (response.direct_passthrough or response.is_streamed or response.status_code in (204, 304)
            or "Content-Encoding" in response.headers or response.mimetype not in COMPRESSIBLE):
        return response
    response.vary.add("Accept-Encoding")  # the answer depends on it, compressed this time or not
    if request.accept_encodings["gzip"] <= 0:
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(isal_zlib.compress(body, LEVEL, GZIP))
    response.headers["Content-Encoding"] = "gzip"
    return response
