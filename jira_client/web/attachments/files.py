"""How the app hands a file to a browser: what its bytes are, and the headers that keep it harmless.

Only raster images (PNG, JPEG, GIF, WebP) are ever shown inline, and only when their first bytes
say so: the name and the type Jira reports are the uploader's to choose. Everything else, HTML
and SVG above all (both run scripts when a browser renders them), goes out as a download, typed
``application/octet-stream``. Every file response also carries ``nosniff`` (the browser keeps
the type given), a CSP of ``sandbox`` (were it rendered after all, it would run nothing and be
an origin of its own) and ``Cross-Origin-Resource-Policy: same-origin``.

File names travel in ``Content-Disposition`` as RFC 6266 asks: an ASCII ``filename`` for old
browsers and the exact name in RFC 5987's ``filename*=UTF-8''...``. Control and invisible
formatting characters (a right-to-left override turns ``gpj.exe`` into a harmless-looking name)
and path separators are replaced first, so no name can break the header or point anywhere.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

DOWNLOAD_TYPE = "application/octet-stream"
MAX_NAME_CHARS = 180
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_ASCII_REPLACED = frozenset('"\\%;')  # quoting, escapes, percent-decoding browsers, parameter breaks


def raster_type(head: bytes) -> str | None:
    """Return the image type the bytes begin with (PNG, JPEG, GIF or WebP), or None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def content_disposition(kind: str, filename: str) -> str:
    """Return a Content-Disposition of ``kind`` (attachment or inline) naming ``filename`` safely."""
    name = _clean(filename)
    fallback = "".join(_ascii(ch) for ch in name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _ascii(ch: str) -> str:
    """Return the character as printable ASCII for the old ``filename`` parameter: "ü" is "u", "東" is "_"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if 0x20 <= ord(c) < 0x7F)
    return plain if plain and not set(plain) & _ASCII_REPLACED else "_"


def _clean(filename: str) -> str:
    """Return the name with controls, invisible formatting and path separators replaced, never empty."""
    name = unicodedata.normalize("NFC", filename or "")
    name = "".join("_" if unicodedata.category(ch)[0] in "CZ" and ch != " " or ch in "/\\" else ch for ch in name)
    name = name.strip(" .")[:MAX_NAME_CHARS].strip(" .")
    return name or "download"
