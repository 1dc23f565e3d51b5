"""How the app hands a file to a browser: what its bytes are, and the headers that keep it harmless.

Only raster images (PNG, JPEG, GIF, WebP) are ever shown inline, and only when their first bytes
say so: the name and the type Jira reports are the uploader's to choose. Everything else, HTML
and SVG above all (both run scripts when a browser renders them), goes out as a download, typed
``application/octet-stream``. Every file response also carries ``nosniff`` (the browser keeps
the type given), the app's CSP with ``sandbox`` added (were it rendered after all, it would run
nothing and be an origin of its own) and ``Cross-Origin-Resource-Policy: same-origin``.

A download link carries the file's name as the page got it from Jira, with a check (an HMAC
with the app's secret) so that only the app's own links can name a download: the view then needs
no call to Jira for the name, and a link made by anyone else falls back to asking Jira.

File names travel in ``Content-Disposition`` as RFC 6266 asks: an ASCII ``filename`` for old
browsers and the exact name in RFC 5987's ``filename*=UTF-8''...``. Control and invisible
formatting characters (a right-to-left override turns ``gpj.exe`` into a harmless-looking name)
and path separators are replaced first, so no name can break the header or point anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from urllib.parse import quote

from flask import current_app, url_for

from jira_client.api.models import Attachment
from jira_client.security import content_security_policy
from jira_client.state import app_state

DOWNLOAD_TYPE = "application/octet-stream"
MAX_NAME_CHARS = 180
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_ASCII_REPLACED = frozenset('"\\%;')  # quoting, escapes, percent-decoding browsers, parameter breaks


def file_policy() -> str:
    """Return the Content-Security-Policy of a file: the app's own, plus ``sandbox``."""
    return content_security_policy(app_state().settings.atlassian_auth_url) + "; sandbox"


def download_url(attachment: Attachment) -> str:
    """Return the app's download link of an attachment, carrying its name and the name's check."""
    return url_for("attachments.download", attachment_id=attachment.id, name=attachment.filename,
                   check=name_check(attachment.id, attachment.filename))


def name_check(attachment_id: str, name: str) -> str:
    """Return the check that ties a file name to an attachment id in the app's own links."""
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    message = f"attachment-name\x00{attachment_id}\x00{name}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def checked_name(attachment_id: str, name: str | None, check: str | None) -> str | None:
    """Return ``name`` when the link's check vouches for it, else None (then Jira is asked)."""
    if not name or not check or len(name) > 1000:
        return None
    return name if hmac.compare_digest(check, name_check(attachment_id, name)) else None


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
