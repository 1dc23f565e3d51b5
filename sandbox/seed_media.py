"""The seeded attachments: real small files made in code, and the media nodes that embed them.

Two issues carry files. ACME-14's description shows a screenshot (``mediaSingle``), names the
PDF inline (``mediaInline``), groups the SVG and the HTML file (``mediaGroup``), embeds a
screenshot that is no longer attached (a media node that matches no attachment) and an
external image; its first comment, the admin's, shows a second screenshot. WEB-2's description
shows one screenshot (bob may read WEB but not change it). The SVG and the HTML file carry
scripts: a client that shows them inline, instead of offering them as downloads, runs them.

Media nodes carry what Jira's editor writes: ``type: file``, the file's Media Services id (a
UUID, the one the content redirect names), an empty ``collection`` and the file name as ``alt``.
Everything here is deterministic: the same bytes and ids on every build.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import Callable

FIRST_ID = 10000
ADMIN, ALICE = "712020:00000000-0000-4000-8000-0000000000ad", "712020:00000000-0000-4000-8000-00000000a11c"
_NAMESPACE = uuid.UUID("6f1d7c1e-8a43-4d0e-9a7b-2b8f1f0a5c11")
CLIENT_ID = str(uuid.uuid5(_NAMESPACE, "media-client"))  # the ``client`` of every media URL


@dataclass(frozen=True)
class SeededFile:
    """One seeded attachment: where it hangs, what it is called, who added it, how to make its bytes."""

    id: str
    issue_key: str
    filename: str
    mime_type: str
    author: str
    make: Callable[[], bytes]

    @property
    def media_id(self) -> str:
        """Return the file's Media Services id (what media nodes and the content redirect name)."""
        return media_id_for(self.id)


def media_id_for(attachment_id: str) -> str:
    """Return the Media Services id of a seeded attachment."""
    return str(uuid.uuid5(_NAMESPACE, f"attachment-{attachment_id}"))


# --- files --------------------------------------------------------------------------------------

def png(width: int, height: int, paint: Callable[[int, int], tuple[int, int, int]]) -> bytes:
    """Return an RGB PNG whose pixel (x, y) has the colour ``paint(x, y)``."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            rows.extend(paint(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def _screenshot(accent: tuple[int, int, int], bars: tuple[int, ...]) -> Callable[[], bytes]:
    """Return a maker of a 320x200 'screenshot': a title bar, a sidebar, lines of text and a bar chart."""

    def paint(x: int, y: int) -> tuple[int, int, int]:
        if y < 24:
            return (0xE5, 0x48, 0x3B) if 8 <= x < 16 and 8 <= y < 16 else accent
        if x < 64:
            return (0xF4, 0xF5, 0xF7) if (y - 40) % 20 > 6 or x < 10 or x > 54 else (0xA5, 0xAD, 0xBA)
        if 40 <= y < 100:
            return (0x97, 0xA0, 0xAF) if (y - 40) % 14 < 6 and x < 80 + (y * 37) % 200 else (0xFF, 0xFF, 0xFF)
        slot, offset = divmod(x - 80, 36)
        if 0 <= slot < len(bars) and offset < 24 and 190 - bars[slot] <= y < 190:
            return accent
        return (0xFF, 0xFF, 0xFF)

    return lambda: png(320, 200, paint)


def pdf() -> bytes:
    """Return a one-page PDF that says what it is."""
    text = b"BT /F1 18 Tf 72 720 Td (Quarterly report - sandbox demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">'
    b"<script>alert('script inside an SVG attachment: ' + document.domain)</script>"
    b'<rect x="10" y="10" width="100" height="60" fill="#0c66e4"/><text x="20" y="100">web -&gt; api -&gt; db</text></svg>'
)
HTML_WITH_SCRIPT = (
    b"<!doctype html><html><head><title>Release notes</title></head><body>"
    b"<script>alert('script inside an HTML attachment: ' + document.cookie)</script>"
    b"<h1>Release notes</h1><p>Version 2.0 ships the new billing dashboard.</p></body></html>"
)
# Jira's own small grey thumbnail for files it cannot preview (fallbackToDefault).
DEFAULT_THUMBNAIL = png(48, 48, lambda x, y: (0xDF, 0xE1, 0xE6) if 8 <= x < 40 and 4 <= y < 44 else (0xFF, 0xFF, 0xFF))

SEEDED = (
    SeededFile("10000", "ACME-14", "login-page.png", "image/png", ADMIN, _screenshot((0x0C, 0x66, 0xE4), (40, 90, 60, 120, 30, 80))),
    SeededFile("10001", "ACME-14", "dashboard-error.png", "image/png", ALICE, _screenshot((0xC9, 0x37, 0x2C), (20, 140, 70))),
    SeededFile("10002", "ACME-14", "quarterly-report.pdf", "application/pdf", ALICE, pdf),
    SeededFile("10003", "ACME-14", "architecture.svg", "image/svg+xml", ADMIN, lambda: SVG_WITH_SCRIPT),
    SeededFile("10004", "ACME-14", "release-notes.html", "text/html", ADMIN, lambda: HTML_WITH_SCRIPT),
    SeededFile("10005", "WEB-2", "footer-mockup.png", "image/png", ADMIN, _screenshot((0x1F, 0x84, 0x5A), (100, 50))),
)
NEXT_ID = FIRST_ID + len(SEEDED)
MISSING_MEDIA_ID = str(uuid.uuid5(_NAMESPACE, "a file that is no longer attached"))
EXTERNAL_IMAGE = "https://example.com/images/company-logo.png"


# --- media nodes ----------------------------------------------------------------------------------

def _file(seeded: SeededFile, *, width: int = 320, height: int = 200) -> dict:
    return {"type": "media", "attrs": {"type": "file", "id": seeded.media_id, "collection": "", "alt": seeded.filename,
                                       "width": width, "height": height}}


def _single(media: dict) -> dict:
    return {"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [media]}


def _text(text: str) -> dict:
    return {"type": "text", "text": text}


def _paragraph(*content: dict) -> dict:
    return {"type": "paragraph", "content": list(content)}


def _by_name(name: str) -> SeededFile:
    return next(f for f in SEEDED if f.filename == name)


def _acme_14_blocks() -> list[dict]:
    pdf_file = _by_name("quarterly-report.pdf")
    return [
        _paragraph(_text("The login page as it looks today:")),
        _single(_file(_by_name("login-page.png"))),
        _paragraph(_text("The numbers are in "),
                   {"type": "mediaInline", "attrs": {"type": "file", "id": pdf_file.media_id, "collection": "",
                                                     "alt": pdf_file.filename}},
                   _text(".")),
        {"type": "mediaGroup", "content": [_file(_by_name("architecture.svg"), width=240, height=120),
                                           _file(_by_name("release-notes.html"), width=1, height=1)]},
        _paragraph(_text("An earlier screenshot, since removed from the issue:")),
        _single({"type": "media", "attrs": {"type": "file", "id": MISSING_MEDIA_ID, "collection": "",
                                            "alt": "old-login-page.png", "width": 320, "height": 200}}),
        _single({"type": "media", "attrs": {"type": "external", "url": EXTERNAL_IMAGE, "alt": "Company logo"}}),
    ]


def embed(issue: dict, thread: list[dict]) -> None:
    """Add the seeded files' media nodes to the description (and first comment) of the issues that carry them."""
    key = issue["key"]
    if key == "ACME-14":
        _append(issue, _acme_14_blocks())
        if thread:
            thread[0] = {**thread[0], "author": ADMIN, "update_author": ADMIN, "body": {
                "type": "doc", "version": 1, "content": [
                    _paragraph(_text("Here is the error I get after signing in:")),
                    _single(_file(_by_name("dashboard-error.png"))),
                    _paragraph(_text("It happens on every reload.")),
                ]}}
    elif key == "WEB-2":
        _append(issue, [_paragraph(_text("The mock-up we agreed on:")), _single(_file(_by_name("footer-mockup.png")))])


def _append(issue: dict, blocks: list[dict]) -> None:
    """Add blocks at the end of the issue's description (making one when it has none)."""
    description = issue["fields"].get("description") or {"type": "doc", "version": 1, "content": []}
    issue["fields"]["description"] = {**description, "content": [*description["content"], *blocks]}
