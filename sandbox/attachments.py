"""The sandbox's attachments: metadata and bytes, the site's attachment settings, and signed media URLs.

``AttachmentStore`` holds every attachment by id, in the order they were added (the seeded
ones from ``seed_media``, then uploads), each with its bytes: seeded files in memory (built once
per process), uploads in files of a temporary folder, so a 50 MB upload never sits in the
sandbox's memory.
Like ``World``, readers never lock: the index and the per-issue lists are replaced whole.

Jira hands file bytes out through a separate media service: the content and thumbnail routes
answer ``303 See Other`` to a URL on the media origin that carries a short-lived signed token
(``media_url``), and the media origin (``sandbox.media``) checks that token instead of any
credentials.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import io
import os
import secrets
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO, Callable
from urllib.parse import quote, urlencode

from sandbox import seed, seed_media

STORE_KEY = "sandbox_attachments"  # app.extensions key of the AttachmentStore
MEDIA_STATS_KEY = "sandbox_media_stats"  # ... and of the media origin's MediaStats
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})  # what Jira makes thumbnails of
DEFAULT_UPLOAD_LIMIT = 1024 * 1024 * 1024  # bytes per file (1 GiB); POST /_sandbox/attachments changes it
MAX_FILES_PER_UPLOAD = 60  # Jira refuses more files in one request with 413
TOKEN_SECONDS = 600  # how long a media URL stays good
COPY_CHUNK = 1024 * 1024
JIRA_TIME = "%Y-%m-%dT%H:%M:%S.%f%z"


@dataclass(frozen=True)
class Stored:
    """One attachment: what Jira says about it, and where its bytes are."""

    id: str
    issue_id: str
    filename: str
    mime_type: str
    size: int
    author: str  # account id
    created: str  # Jira's time format
    media_id: str
    reader: Callable[[], IO[bytes]] = field(repr=False, compare=False)  # opens a fresh reader of the bytes

    @property
    def has_thumbnail(self) -> bool:
        """Return whether Jira would offer a thumbnail (raster images only)."""
        return self.mime_type in RASTER_TYPES


@dataclass
class Settings:
    """The site's attachment settings (GET attachment/meta)."""

    enabled: bool = True
    upload_limit: int = DEFAULT_UPLOAD_LIMIT


class AttachmentStore:
    """Every attachment of the sandbox's site, by id and by issue; ``reset(world)`` restores the seed."""

    def __init__(self, world) -> None:
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(32)  # signs media tokens; a new sandbox invalidates old URLs
        self._folder = tempfile.mkdtemp(prefix="sandbox-attachments-")
        weakref.finalize(self, shutil.rmtree, self._folder, True)
        self._files: dict[str, Stored] = {}
        self.media_url = ""  # the media origin's root, set when it starts serving (sandbox.server)
        self.reset(world)

    def reset(self, world) -> None:
        """Drop uploads and settings; keep only the seeded files of ``world``'s issues."""
        seeded = []
        for spec in seed_media.SEEDED:
            issue = world.issue(spec.issue_key)
            created = seed.format_time(datetime.strptime(issue["fields"]["created"], JIRA_TIME) + timedelta(hours=1))
            data = _seeded_bytes(spec.id)
            seeded.append(Stored(spec.id, issue["id"], spec.filename, spec.mime_type, len(data), spec.author, created,
                                 spec.media_id, functools.partial(io.BytesIO, data)))
        with self._lock:
            old = self._files
            self._files = {stored.id: stored for stored in seeded}
            self._by_issue: dict[str, tuple[str, ...]] = {}
            for stored in seeded:
                self._by_issue[stored.issue_id] = self._by_issue.get(stored.issue_id, ()) + (stored.id,)
            self._next_id = seed_media.NEXT_ID
            self.settings = Settings()
        for attachment_id in set(old) - set(self._files):
            self._discard(attachment_id)

    # --- reading ---------------------------------------------------------------------------------

    def get(self, attachment_id: str) -> Stored | None:
        """Return the attachment with that id, or None."""
        return self._files.get(attachment_id)

    def for_issue(self, issue_id: str) -> list[Stored]:
        """Return the issue's attachments, oldest first."""
        files = self._files
        return [files[i] for i in self._by_issue.get(issue_id, ()) if i in files]

    def by_media_id(self, media_id: str) -> Stored | None:
        """Return the attachment whose Media Services id this is, or None."""
        return next((f for f in self._files.values() if f.media_id == media_id), None)

    # --- changing --------------------------------------------------------------------------------

    def add(self, issue_id: str, filename: str, mime_type: str, stream: IO[bytes], author: str) -> Stored:
        """Store a new attachment whose bytes are read from ``stream`` (copied to a file of its own)."""
        with self._lock:
            attachment_id = str(self._next_id)
            self._next_id += 1
        path = os.path.join(self._folder, attachment_id)
        with open(path, "wb") as copy:
            shutil.copyfileobj(stream, copy, COPY_CHUNK)
            size = copy.tell()
        stored = Stored(attachment_id, issue_id, filename, mime_type, size, author,
                        seed.format_time(datetime.now(timezone.utc)), str(uuid.uuid4()), functools.partial(open, path, "rb"))
        with self._lock:
            self._files = {**self._files, attachment_id: stored}
            self._by_issue = {**self._by_issue, issue_id: self._by_issue.get(issue_id, ()) + (attachment_id,)}
        return stored

    def delete(self, attachment_id: str) -> None:
        """Remove an attachment (and its bytes)."""
        with self._lock:
            stored = self._files.get(attachment_id)
            if stored is None:
                return
            self._files = {k: v for k, v in self._files.items() if k != attachment_id}
            self._by_issue = {**self._by_issue, stored.issue_id: tuple(
                i for i in self._by_issue.get(stored.issue_id, ()) if i != attachment_id)}
        self._discard(attachment_id)

    def configure(self, changes: dict) -> dict:
        """Change ``enabled`` and/or ``upload_limit``; return the settings in effect."""
        unknown = sorted(set(changes) - {"enabled", "upload_limit"})
        if unknown:
            raise ValueError(f"unknown attachment setting {unknown[0]!r}; known: enabled, upload_limit")
        enabled = changes.get("enabled", self.settings.enabled)
        limit = changes.get("upload_limit", self.settings.upload_limit)
        if not isinstance(enabled, bool):
            raise ValueError("'enabled' must be true or false")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ValueError("'upload_limit' must be a whole number of bytes >= 1")
        self.settings = Settings(enabled, limit)
        return {"enabled": enabled, "upload_limit": limit}

    def _discard(self, attachment_id: str) -> None:
        """Remove an uploaded file's bytes (a reader that has it open keeps reading until it closes)."""
        try:
            os.remove(os.path.join(self._folder, attachment_id))
        except FileNotFoundError:
            pass  # a seeded file, in memory

    # --- media URLs ------------------------------------------------------------------------------

    def media_location(self, stored: Stored, kind: str, *, width: int | None = None, height: int | None = None) -> str:
        """Return the media origin URL of an attachment's bytes (``binary``) or thumbnail (``image``), signed."""
        expires = int(time.time()) + TOKEN_SECONDS
        query = {"token": f"{expires}.{self.sign(stored.media_id, kind, expires)}", "client": seed_media.CLIENT_ID}
        if kind == "binary":
            query.update({"dl": "true", "name": stored.filename})
        else:
            query.update({k: v for k, v in (("width", width), ("height", height)) if v}, mode="full-fit")
        return f"{self.media_url}/file/{quote(stored.media_id)}/{kind}?{urlencode(query)}"

    def default_thumbnail_location(self) -> str:
        """Return the media origin URL of the generic thumbnail Jira shows for files it cannot preview."""
        expires = int(time.time()) + TOKEN_SECONDS
        token = f"{expires}.{self.sign('default', 'image', expires)}"
        return f"{self.media_url}/file/default/image?{urlencode({'token': token, 'client': seed_media.CLIENT_ID})}"

    def sign(self, media_id: str, kind: str, expires: int) -> str:
        """Return the signature of a media token."""
        return hmac.new(self._secret, f"{media_id}:{kind}:{expires}".encode(), hashlib.sha256).hexdigest()

    def token_ok(self, media_id: str, kind: str, token: str) -> bool:
        """Return whether ``token`` grants ``kind`` access to the file and has not expired."""
        expires, _, signature = token.partition(".")
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(signature, self.sign(media_id, kind, int(expires)))


class MediaStats:
    """What the media origin saw: requests, those carrying credentials, bytes sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Start counting again from zero."""
        with self._lock:
            self._counts = {"requests": 0, "with_authorization": 0, "with_cookie": 0, "bytes_sent": 0}

    def saw(self, headers) -> None:
        """Count one request, noting whether it carried credentials."""
        with self._lock:
            self._counts["requests"] += 1
            self._counts["with_authorization"] += "Authorization" in headers
            self._counts["with_cookie"] += "Cookie" in headers

    def sent(self, size: int) -> None:
        """Count bytes of file content sent."""
        with self._lock:
            self._counts["bytes_sent"] += size

    def as_dict(self) -> dict:
        """Return the counts."""
        with self._lock:
            return dict(self._counts)


@functools.lru_cache(maxsize=None)
def _seeded_bytes(attachment_id: str) -> bytes:
    """Return a seeded file's bytes, made once per process."""
    return next(spec for spec in seed_media.SEEDED if spec.id == attachment_id).make()


def default_thumbnail() -> bytes:
    """Return the generic thumbnail's bytes."""
    return seed_media.DEFAULT_THUMBNAIL
