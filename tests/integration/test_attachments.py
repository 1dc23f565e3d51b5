"""Attachments read through the app against the live sandbox, in both modes: the list, images inside text,
downloads byte for byte, hostile files never inline, credentials never at the media origin, Jira's refusals."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from sandbox import seed_media
from tests.support.forms import page
from tests.support.sandbox import call_count, media_stats, reset_stats, set_faults
from tests.support.writers import MODES, make_person, make_writer

SEEDED = {f.id: f for f in seed_media.SEEDED}
SAFE = {"X-Content-Type-Options": "nosniff", "Cross-Origin-Resource-Policy": "same-origin"}


@pytest.fixture(params=MODES)
def reader(request, sandbox, tmp_path):
    return make_writer(request.param, sandbox, tmp_path)


def sandboxed(response) -> bool:
    """Return whether the response's CSP has the sandbox directive (scripts off, an origin of its own)."""
    return "sandbox" in [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Resources(HTMLParser):
    """Every URL a browser would load or follow from a page (src, href)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("src") or "")
        elif tag in ("a", "link", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src"))


def resources(html: str) -> _Resources:
    parser = _Resources()
    parser.feed(html)
    return parser


def test_the_issue_page_lists_the_files_and_shows_their_images_through_the_app(reader, sandbox):
    html = page(reader.client, "/issues/ACME-14")
    section = html.split('id="attachments"')[1].split('id="comments"')[0]
    for seeded in (f for f in seed_media.SEEDED if f.issue_key == "ACME-14"):
        assert re.search(rf'href="/attachments/{seeded.id}\?name=[^"]+&amp;check=[0-9a-f]+">{re.escape(seeded.filename)}</a>', section)
        assert seeded.mime_type in section
    assert "1.0 KB · image/png" in section and "Alice Anders" in section and "Ada Admin" in section
    assert 'src="/attachments/10000/thumbnail"' in section and 'src="/attachments/10002/thumbnail"' not in section
    description = html.split("<h2>Description</h2>")[1].split('id="attachments"')[0]
    assert '<img class="adf-media-image" src="/attachments/10000/view" alt="login-page.png"' in description
    assert re.search(r'href="/attachments/10002\?[^"]+">quarterly-report.pdf</a>', description)  # the PDF named inline
    assert "Not attached to this issue:</span> old-login-page.png" in description
    assert f'href="{seed_media.EXTERNAL_IMAGE}"' in description
    assert 'src="/attachments/10001/view"' in html.split('id="comments"')[1]  # the comment's screenshot
    found = resources(html)
    assert found.images and all(src.startswith("/") and not src.startswith("//") for src in found.images)
    assert not any(sandbox.url in url or sandbox.media_url in url for url in found.images + found.links)


def test_files_arrive_byte_for_byte_and_the_media_origin_never_sees_credentials(reader, sandbox):
    reset_stats(sandbox)
    for attachment_id, seeded in SEEDED.items():
        if seeded.issue_key != "ACME-14":
            continue
        response = reader.client.get(f"/attachments/{attachment_id}")
        assert response.status_code == 200 and sha(response.data) == sha(seeded.make())
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert f"filename*=UTF-8''{seeded.filename}" in response.headers["Content-Disposition"]
        assert {k: response.headers.get(k) for k in SAFE} == SAFE and sandboxed(response)
    inline = reader.client.get("/attachments/10000/view")
    assert inline.status_code == 200 and inline.mimetype == "image/png" and sha(inline.data) == sha(SEEDED["10000"].make())
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert reader.client.get("/attachments/10001/thumbnail").data[:8] == b"\x89PNG\r\n\x1a\n"
    seen = media_stats(sandbox)
    assert seen["requests"] == 7 and seen["with_authorization"] == 0 and seen["with_cookie"] == 0


def test_files_are_never_gzipped_and_keep_their_own_headers(reader):
    """The app gzips pages (jira_client/compression.py); a file passes through as Jira's media service sent it."""
    for path, seeded in (("/attachments/10004", "10004"), ("/attachments/10003", "10003"), ("/attachments/10000/view", "10000")):
        response = reader.client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response.headers, path
        assert sha(response.data) == sha(SEEDED[seeded].make())
        assert response.headers["Content-Disposition"].startswith("inline;" if path.endswith("/view") else "attachment;")
        assert {k: response.headers.get(k) for k in SAFE} == SAFE and sandboxed(response)
    page_answer = reader.client.get("/issues/ACME-14", headers={"Accept-Encoding": "gzip"})
    assert page_answer.headers["Content-Encoding"] == "gzip"  # pages are, so the files' exemption is what is tested


@pytest.mark.parametrize("attachment_id", ["10003", "10004", "10002"])  # the SVG and the HTML file carry scripts
def test_anything_but_a_raster_image_is_a_sandboxed_download(reader, attachment_id):
    response = reader.client.get(f"/attachments/{attachment_id}")
    assert response.status_code == 200 and response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert {k: response.headers.get(k) for k in SAFE} == SAFE and sandboxed(response)
    shown = reader.client.get(f"/attachments/{attachment_id}/view")
    assert shown.status_code == 303 and shown.headers["Location"] == f"/attachments/{attachment_id}"


def test_the_pages_links_name_the_download_without_asking_jira_and_others_cannot(reader, sandbox):
    html = page(reader.client, "/issues/ACME-14")
    link = unescape(re.search(r'href="(/attachments/10002\?name=[^"]+)"', html).group(1))
    reset_stats(sandbox)
    assert "quarterly-report.pdf" in reader.client.get(link).headers["Content-Disposition"]
    assert call_count(sandbox) == 2  # the redirect and the media origin: no metadata call
    forged = reader.client.get(link.replace("name=quarterly-report.pdf", "name=invoice.exe"))
    assert "quarterly-report.pdf" in forged.headers["Content-Disposition"]  # the check failed: Jira's name


def test_ids_are_checked_before_any_call_to_jira(reader, sandbox):
    reset_stats(sandbox)
    for path in ("/attachments/abc", "/attachments/0", "/attachments/-1/view", "/attachments/1e5", "/attachments/%2e%2e",
                 "/attachments/10000x/thumbnail", "/attachments/" + "9" * 19):
        assert reader.client.get(path).status_code == 404, path
    assert call_count(sandbox) == 0


@pytest.mark.parametrize("mode", MODES)
def test_jiras_403_and_404_are_answered_as_such(sandbox, tmp_path, mode):
    bob = make_person(mode, sandbox, tmp_path, "bob")  # bob cannot browse ACME
    refused = bob.client.get("/attachments/10000")
    assert refused.status_code == 403 and "Not allowed" in refused.get_data(as_text=True)
    assert bob.client.get("/attachments/99999/view").status_code == 404
    assert bob.client.get("/attachments/10005").status_code == 200  # WEB-2's: bob may read WEB


def test_a_failing_file_store_is_a_clear_page(reader, sandbox):
    set_faults(sandbox, {"path": "^/file/", "status": 500})
    response = reader.client.get("/attachments/10000")
    assert response.status_code == 502 and "Jira" in response.get_data(as_text=True)
    set_faults(sandbox, {"path": "attachment/content", "status": 503, "retry_after": 0, "count": 1})
    assert reader.client.get("/attachments/10002").status_code == 200  # a read Jira asks to retry is retried


def test_the_issue_page_stays_one_call_to_jira(reader, sandbox):
    page(reader.client, "/issues/ACME-14")
    reset_stats(sandbox)
    page(reader.client, "/issues/ACME-14")
    assert call_count(sandbox) == 1
