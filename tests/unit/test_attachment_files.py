"""How a file may be served: its type from its first bytes only, and its name in a header that nothing can break."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from werkzeug.http import parse_options_header

from jira_client.web.attachments.files import content_disposition, raster_type
from jira_client.web.attachments.uploads import size_text
from sandbox import seed_media

PNG = seed_media.png(2, 2, lambda x, y: (255, 0, 0))


@pytest.mark.parametrize(("head", "expected"), [
    (PNG[:16], "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"GIF87a\x01\x00\x01\x00", "image/gif"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
])
def test_raster_images_are_known_by_their_first_bytes(head, expected):
    assert raster_type(head) == expected


@pytest.mark.parametrize("head", [
    seed_media.SVG_WITH_SCRIPT[:16], seed_media.HTML_WITH_SCRIPT[:16], seed_media.pdf()[:16],
    b"<?xml version='1", b"\x89PNG\r\n\x1a", b"", b"RIFF\x24\x00\x00\x00WAVEfmt ", b"GIF90a", b" \x89PNG\r\n\x1a\n",
    b"\xef\xbb\xbf<svg xmlns=",
], ids=["svg", "html", "pdf", "xml", "png-cut-short", "empty", "wav", "gif-unknown", "png-after-a-space", "svg-with-bom"])
def test_nothing_else_counts_as_an_image(head):
    assert raster_type(head) is None


@pytest.mark.parametrize("name", [
    "report.pdf", "Grüße aus Köln.txt", "東京 2026.xlsx", 'quote " and ; semicolon.png', "100%;done.txt",
    "emoji 🎉.gif", "a" * 500 + ".txt",
])
def test_the_exact_name_survives_in_filename_star(name):
    header = content_disposition("attachment", name)
    kind, params = parse_options_header(header)
    assert kind == "attachment"
    assert params["filename"] == unquote(header.split("filename*=UTF-8''")[1]) == name[:180]
    assert header.isascii()


@pytest.mark.parametrize(("name", "shown"), [
    ("evil\r\nSet-Cookie: x=1.txt", "evil__Set-Cookie: x=1.txt"),
    ("invoice\u202egpj.exe", "invoice_gpj.exe"),  # a right-to-left override would show "exe.jpg"
    ("../../etc/passwd", "_.._etc_passwd"),
    ("C:\\Users\\me\\secret.doc", "C:_Users_me_secret.doc"),
    ("zero\u200bwidth.txt", "zero_width.txt"),
    ("", "download"),
    ("  ...  ", "download"),
])
def test_names_lose_what_could_break_a_header_or_hide_an_extension(name, shown):
    header = content_disposition("inline", name)
    assert "\r" not in header and "\n" not in header
    assert unquote(header.split("filename*=UTF-8''")[1]) == shown


def test_the_plain_filename_is_printable_ascii_without_quotes_or_percent():
    header = content_disposition("attachment", 'Ünïcödé "q" 50% 東.png')
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback == "Unicode _q_ 50_ _.png"


@pytest.mark.parametrize(("size", "text"), [
    (None, "unknown size"), (0, "0 bytes"), (1, "1 byte"), (930, "930 bytes"), (1024, "1.0 KB"),
    (12_700, "12.4 KB"), (100 * 1024 * 1024, "100 MB"), (3 * 1024**3, "3.0 GB"),
])
def test_sizes_read_like_jiras(size, text):
    assert size_text(size) == text
