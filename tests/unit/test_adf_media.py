"""Images and files inside ADF: each media node shows its attachment through the app, or a placeholder naming it.

Never a request from the browser to another host: every ``src`` and ``href`` the renderer writes
for a file is a path on the app; an external image stays a link; a resolver that answered with
anything else gets the placeholder.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

from jira_client.api.adf import to_html
from jira_client.api.media import MediaTarget, media_resolver
from jira_client.api.models import Attachment
from tests.support.documents import doc, para, text

WHEN = datetime(2026, 11, 1, tzinfo=timezone.utc)
FILES = (
    Attachment("10000", "login-page.png", 1024, "image/png", None, WHEN, True),
    Attachment("10001", "report.pdf", 606, "application/pdf", None, WHEN),
    Attachment("10002", "diagram.svg", 280, "image/svg+xml", None, WHEN),
    Attachment("10003", "login-page.png", 2048, "image/png", None, WHEN, True),  # the same name, added later
)
RESOLVE = media_resolver(FILES, lambda a: f"/attachments/{a.id}", lambda a: f"/attachments/{a.id}/view")


def media(**attrs) -> dict:
    return {"type": "media", "attrs": {"type": "file", "collection": "", **attrs}}


def single(node: dict) -> dict:
    return {"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [node]}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self.anchors_open = 0
        self.nested = False

    def handle_starttag(self, tag, attrs):
        self.nested |= tag == "a" and self.anchors_open > 0
        self.anchors_open += tag == "a"
        self.found += [(tag, name, value or "") for name, value in attrs if name in ("src", "href")]

    def handle_endtag(self, tag):
        self.anchors_open -= tag == "a"


def links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_a_screenshot_is_an_image_through_the_app_that_opens_the_file():
    html = str(to_html(doc(single(media(id="3fcbbbe8-uuid", alt="login-page.png", width=320, height=200))), RESOLVE))
    assert '<a class="adf-media-image-link" href="/attachments/10003">' in html  # the later of two files of that name
    assert '<img class="adf-media-image" src="/attachments/10003/view" alt="login-page.png" loading="lazy" width="320" height="200">' in html


def test_a_node_naming_the_attachment_id_finds_it():
    html = str(to_html(single(media(id="10000")), RESOLVE))
    assert 'src="/attachments/10000/view"' in html and 'alt="login-page.png"' in html


@pytest.mark.parametrize("node", [media(id="x", alt="report.pdf"), media(id="x", name="report.pdf"),
                                  {"type": "mediaInline", "attrs": {"type": "file", "id": "x", "alt": "report.pdf"}}])
def test_other_files_are_links_through_the_app(node):
    html = str(to_html(node, RESOLVE))
    assert html == '<a class="adf-media adf-media-file" href="/attachments/10001">report.pdf</a>'


def test_an_svg_is_never_an_image_and_an_inline_image_is_a_link():
    assert "<img" not in str(to_html(single(media(id="x", alt="diagram.svg")), RESOLVE))
    inline = str(to_html(para(text("see "), {"type": "mediaInline", "attrs": {"id": "x", "alt": "login-page.png"}}), RESOLVE))
    assert "<img" not in inline and 'href="/attachments/10003"' in inline


def test_a_file_that_is_not_attached_shows_its_name_and_a_placeholder():
    html = str(to_html(doc(single(media(id="gone", alt="old-screenshot.png"))), RESOLVE))
    assert "adf-media-missing" in html and "old-screenshot.png" in html and "Not attached to this issue" in html
    assert "<img" not in html and "<a" not in html


def test_without_a_resolver_media_are_placeholders_as_in_the_editor():
    html = str(to_html(single(media(id="x", alt="login-page.png"))))
    assert html == ('<figure class="adf-media-single"><span class="adf-media adf-media-kept">'
                    '<span class="adf-media-label">Attachment:</span> login-page.png</span></figure>')


def test_an_external_image_stays_a_link_and_is_never_loaded():
    html = str(to_html(single({"type": "media", "attrs": {"type": "external", "url": "https://img.example/a.png", "alt": "logo"}}),
                       RESOLVE))
    assert "<img" not in html and 'href="https://img.example/a.png"' in html


@pytest.mark.parametrize("url", ["https://evil.example/x.png", "//evil.example/x.png", "/\\evil.example", "javascript:alert(1)",
                                 "", "/ok path with space", "relative/path"])
def test_a_resolver_that_points_elsewhere_gets_the_placeholder(url):
    rogue = lambda attrs: MediaTarget("x.png", url, url)  # noqa: E731
    html = str(to_html(single(media(id="x", alt="x.png")), rogue))
    assert "<a" not in html and "<img" not in html and "adf-media-missing" in html


def test_image_urls_from_elsewhere_fall_back_to_a_link_on_the_app():
    half = lambda attrs: MediaTarget("x.png", "/attachments/7", "https://evil.example/x.png")  # noqa: E731
    html = str(to_html(single(media(id="x", alt="x.png")), half))
    assert "<img" not in html and links(html).found == [("a", "href", "/attachments/7")]


def test_hostile_names_are_text():
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    files = (Attachment("5", payload, 1, "image/png", None, None, True), Attachment("6", payload + ".pdf", 1, "application/pdf", None, None))
    resolve = media_resolver(files, lambda a: f"/attachments/{a.id}", lambda a: f"/attachments/{a.id}/view")
    html = str(to_html(doc(single(media(id="q", alt=payload)), single(media(id="q", alt=payload + ".pdf")),
                           single(media(id="gone", alt=payload))), resolve))
    assert "<script" not in html and "onerror=" not in html.replace("onerror=alert", "")
    parsed = links(html)
    assert {value for _, _, value in parsed.found} == {"/attachments/5", "/attachments/5/view", "/attachments/6"}


def test_an_image_with_a_link_mark_is_not_wrapped_in_a_second_link():
    node = {**media(id="x", alt="login-page.png"), "marks": [{"type": "link", "attrs": {"href": "https://example.com"}}]}
    parsed = links(str(to_html(single(node), RESOLVE)))
    assert not parsed.nested and ("img", "src", "/attachments/10003/view") in parsed.found


@pytest.mark.parametrize(("width", "height", "shown"), [(320, 200, 'width="320" height="200"'), (0, 200, None),
                                                        ("wide", 200, None), (10**9, 10**9, 'width="10000" height="10000"')])
def test_image_dimensions_are_numbers_or_left_out(width, height, shown):
    html = str(to_html(single(media(id="x", alt="login-page.png", width=width, height=height)), RESOLVE))
    assert (shown in html) if shown else ("width=" not in html)


def test_every_file_url_of_a_busy_document_is_on_the_app():
    nodes = [single(media(id=str(n), alt=name)) for n, name in enumerate(["login-page.png", "report.pdf", "diagram.svg", "nope"])]
    nodes.append({"type": "mediaGroup", "content": [media(id="a", alt="report.pdf"), media(id="b", alt="login-page.png")]})
    found = links(str(to_html(doc(*nodes), RESOLVE))).found
    assert found and all(value.startswith("/attachments/") for _, _, value in found)
