"""Issue attachments through Jira: settings, metadata, the bytes of a file or thumbnail, upload, delete.

``AttachmentsApi`` wraps this request's ``JiraClient`` (same transport, time budget, retries of
reads, error tree and call counting), like ``AgileApi``.

Bytes. Jira answers ``GET attachment/content/{id}`` (and ``thumbnail/{id}``) with ``303 See
Other`` to its media service (``api.media.atlassian.com/file/<uuid>/binary?token=...``). The
redirect is followed here, by hand: the URL's token is the only credential the media service
needs, so the next request carries neither the person's credentials nor any header of the
client's own (``JiraClient.open_elsewhere``); a redirect may not leave https when Jira is https.
The file comes back as a ``Download`` that is read in chunks as the browser takes them, never
whole. The page's time budget covers getting to the first byte (Jira's redirect and the media
service's answer); after that the bytes flow for as long as they keep coming, each read waiting
at most the client's read timeout, so a large file is not cut off by the budget of a page.

Upload. ``POST issue/{key}/attachments`` is multipart, with every file in a part named ``file``
and Jira's ``X-Atlassian-Token: no-check`` header (without it Jira's XSRF filter answers 403).
The body is streamed from the uploaded files by requests-toolbelt's ``MultipartEncoder``, so a
large file is never held in memory; it is sent once, never retried.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator, Sequence
from urllib.parse import urljoin, urlsplit

import requests
from requests_toolbelt import MultipartEncoder

from jira_client.api import keys
from jira_client.api.client import JiraClient
from jira_client.api.errors import BadResponse, JiraError, NotFound, ServerError, TransportError, error_for_status
from jira_client.api.models import Attachment

log = logging.getLogger(__name__)

CHUNK = 256 * 1024  # read from the media service and written to the browser at once: few Python steps per file, little memory
SNIFF_BYTES = 16  # enough for every signature api.sniffing knows
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})
NO_CHECK = {"X-Atlassian-Token": "no-check"}  # Jira's rule for multipart requests (its XSRF filter)
UPLOAD_PART = "file"  # the name Jira requires for every file part


@dataclass(frozen=True)
class AttachmentSettings:
    """The site's attachment settings: whether people may attach files, and the largest file, in bytes."""

    enabled: bool
    upload_limit: int | None  # None when Jira did not say

    @classmethod
    def from_api(cls, data: Any) -> AttachmentSettings:
        data = data if isinstance(data, dict) else {}
        limit = data.get("uploadLimit")
        valid = isinstance(limit, int) and not isinstance(limit, bool) and limit > 0
        return cls(enabled=data.get("enabled") is not False, upload_limit=limit if valid else None)


@dataclass(frozen=True)
class Upload:
    """One file to attach: its name, a readable binary stream of its bytes, its declared type."""

    name: str
    stream: BinaryIO
    content_type: str = "application/octet-stream"


class Download:
    """A file's bytes on their way from Jira's media service, read as they are taken."""

    def __init__(self, response: requests.Response, idle_timeout: float) -> None:
        self._response = response
        self.status = response.status_code
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        length = response.headers.get("Content-Length", "")
        self.length = int(length) if length.isdigit() and not encoded else None  # requests decodes encoded bodies
        self._chunks = response.iter_content(CHUNK)
        self._head = b""
        _keep_reading_for(response, idle_timeout)

    def head(self) -> bytes:
        """Return the first bytes of the file (at least SNIFF_BYTES unless it is shorter), without using them up."""
        while len(self._head) < SNIFF_BYTES:
            chunk = self._next()
            if chunk is None:
                break
            self._head += chunk
        return self._head[:SNIFF_BYTES] if len(self._head) >= SNIFF_BYTES else self._head

    def chunks(self) -> Iterator[bytes]:
        """Yield the whole file in chunks, then close the connection (also when the reader stops early)."""
        try:
            if self._head:
                yield self._head
                self._head = b""
            while (chunk := self._next()) is not None:
                yield chunk
        finally:
            self.close()

    def close(self) -> None:
        """Give the connection back (or drop it, if the file was not read to its end)."""
        self._response.close()

    def _next(self) -> bytes | None:
        try:
            return next(self._chunks)
        except StopIteration:
            return None
        except requests.RequestException as exc:
            log.warning("A download from Jira's file store broke off: %s", type(exc).__name__)
            raise TransportError("Jira's file store stopped sending the file.", timed_out=True) from exc


class AttachmentsApi:
    """Attachment calls for one person, through their ``JiraClient``."""

    def __init__(self, jira: JiraClient) -> None:
        self.jira = jira

    def settings(self) -> AttachmentSettings:
        """Return whether attachments are on, and the largest file Jira accepts."""
        return AttachmentSettings.from_api(self.jira._request("GET", "attachment/meta"))

    def get(self, attachment_id: str) -> Attachment:
        """Return one attachment's metadata (name, size, type, author)."""
        found = Attachment.from_api(self.jira._request("GET", f"attachment/{keys.numeric_id(attachment_id)}"))
        if found is None:
            raise BadResponse("Jira's description of the attachment could not be read.")
        return found

    def open_content(self, attachment_id: str) -> Download:
        """Return the file's bytes, ready to be read."""
        return self._open(f"attachment/content/{keys.numeric_id(attachment_id)}", None)

    def open_thumbnail(self, attachment_id: str, width: int | None = None, height: int | None = None) -> Download:
        """Return the bytes of the file's thumbnail (Jira's generic one when it has none)."""
        params = {name: value for name, value in (("width", width), ("height", height)) if value}
        return self._open(f"attachment/thumbnail/{keys.numeric_id(attachment_id)}", params or None)

    def upload(self, key: str, files: Sequence[Upload]) -> tuple[Attachment, ...]:
        """Attach files to an issue and return them as Jira lists them; streamed, never retried."""
        encoder = MultipartEncoder(fields=[(UPLOAD_PART, (f.name, f.stream, f.content_type)) for f in files])
        headers = {**NO_CHECK, "Content-Type": encoder.content_type}
        response = self.jira.open("POST", f"issue/{keys.segment(keys.issue_key(key))}/attachments",
                                  data=encoder, headers=headers, idempotent=False)
        payload = self.jira.json_of(response)
        if not isinstance(payload, list):
            raise BadResponse("Jira's answer to the upload could not be read.")
        return tuple(a for a in (Attachment.from_api(raw) for raw in payload) if a)

    def delete(self, attachment_id: str) -> None:
        """Delete an attachment; never retried."""
        self.jira._request("DELETE", f"attachment/{keys.numeric_id(attachment_id)}")

    def _open(self, path: str, params: dict | None) -> Download:
        """Return the bytes behind a content or thumbnail path, following Jira's redirects without credentials."""
        response = self.jira.open("GET", path, params=params, headers={"Accept": "*/*"})
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in REDIRECTS:
                break
            url = self._next_hop(response)
            response.close()
            response = self.jira.open_elsewhere(url, headers={"Accept": "*/*", "Accept-Encoding": "identity"})
        if response.status_code in REDIRECTS or not 200 <= response.status_code < 300:
            raise _file_store_error(response)
        return Download(response, self.jira.timeout[1])

    def _next_hop(self, response: requests.Response) -> str:
        """Return where a redirect points, if it is a web URL that keeps https when Jira uses it."""
        location = response.headers.get("Location", "").strip()
        url = urljoin(response.url, location)
        scheme = urlsplit(url).scheme.lower()
        allowed = {"https"} if urlsplit(self.jira.base_url).scheme.lower() == "https" else {"https", "http"}
        if not location or scheme not in allowed or not urlsplit(url).hostname:
            raise BadResponse("Jira sent the file to a place the app does not fetch from.", status=response.status_code)
        return url


def _file_store_error(response: requests.Response) -> JiraError:
    """Return the error for an answer of Jira's media service that brings no file.

    Its refusals say nothing about the person's Jira sign-in (the URL's own token was refused),
    so only a missing file is passed on as such; anything else is Jira's file store failing.
    """
    status = response.status_code
    response.close()
    if status == 404:
        return NotFound("The file is missing from Jira's file store.", status=status, url=None)
    if status in REDIRECTS:
        return BadResponse("Jira redirected the file too many times.", status=status)
    error = error_for_status(status, "", None, response.headers.get("Retry-After"))
    if isinstance(error, ServerError) or status == 429:
        return error
    return ServerError("Jira's file store did not hand the file out.", status=status)


def _keep_reading_for(response: requests.Response, seconds: float) -> None:
    """Let each read of the body wait ``seconds`` (the budget's shorter timeout was for the answer to start)."""
    try:
        response.raw.connection.sock.settimeout(seconds)
    except AttributeError:
        pass  # no socket to adjust (a test double, or a body already read)
