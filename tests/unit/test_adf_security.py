"""The ADF renderer against hostile input: escaping, URL and attribute allow-lists, size, depth."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from jira_client.api.adf import MAX_OUTPUT, from_markdown, to_html, to_markdown, to_text
from tests.support.documents import doc, para
from tests.support.work import count_calls, peak_bytes

ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
COLOUR_STYLE = re.compile(r"(background-color|color|border-color):#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


class _Audit(HTMLParser):
    """Collects what a browser would see as elements and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((name, value or "") for name, value in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def audit(html: str) -> _Audit:
    """Parse html and assert it carries no script, handler, foreign scheme or free-form style."""
    assert "<script" not in html.lower()
    parser = _Audit()
    parser.feed(html)
    parser.close()
    assert "script" not in parser.tags and "iframe" not in parser.tags and "img" not in parser.tags
    for name, value in parser.attrs:
        assert not name.startswith("on"), (name, value)
        if name in ("href", "src"):
            assert value.lower().startswith(ALLOWED_SCHEMES), value
        if name == "style":
            assert COLOUR_STYLE.fullmatch(value), value
    return parser


def linked(href: str, title: str = "t") -> dict:
    return {"type": "text", "text": "click", "marks": [{"type": "link", "attrs": {"href": href, "title": title}}]}


SCRIPT = '"><script>alert(1)</script><img src=x onerror=alert(1)>'

BAD_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "java\rscript:alert(1)", "  javascript:alert(1)", "\x01javascript:alert(1)", "\x00javascript:alert(1)",
    "javascript\t:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "VBSCRIPT:msgbox(1)",
    "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
    "&#0000106;avascript:alert(1)", "jav&#x09;ascript:alert(1)", "file:///etc/passwd", "//evil.example/x",
    "/relative/path", "", None, 42, {"href": "https://x"},
]


@pytest.mark.parametrize("href", BAD_URLS, ids=repr)
def test_link_with_foreign_scheme_is_plain_text(href: object) -> None:
    html = str(to_html(doc(para(linked(href)))))  # type: ignore[arg-type]
    parser = audit(html)
    assert "<a" not in html
    assert "click" in "".join(parser.text)


@pytest.mark.parametrize("href", BAD_URLS, ids=repr)
@pytest.mark.parametrize("kind", ["inlineCard", "blockCard", "embedCard"])
def test_card_with_foreign_scheme_is_text(kind: str, href: object) -> None:
    html = str(to_html({"type": kind, "attrs": {"url": href}}))
    audit(html)
    assert "<a" not in html


@pytest.mark.parametrize("href", BAD_URLS, ids=repr)
def test_external_media_with_foreign_scheme_is_a_placeholder(href: object) -> None:
    html = str(to_html({"type": "media", "attrs": {"type": "external", "url": href}}))
    audit(html)
    assert "<a" not in html and "adf-media" in html


@pytest.mark.parametrize("href", ["https://ok.example/", " https://ok.example/", "HTTPS://OK.EXAMPLE/",
                                  "ht\ttps://ok.example/", "mailto:a@b.example", "http://ok.example/?a=1&b=2"])
def test_allowed_links_survive_cleaning(href: str) -> None:
    html = str(to_html(para(linked(href))))
    audit(html)
    assert '<a class="adf-link" href="' in html and 'rel="noopener noreferrer"' in html


def test_attribute_breakout_quotes_are_escaped_everywhere() -> None:
    quote = 'x" onmouseover="alert(1)\' onfocus=\'alert(1)'
    document = doc(
        para(linked("https://ok.example/" + quote, title=quote)),
        {"type": "heading", "attrs": {"level": "1 onclick=alert(1)"}, "content": [{"type": "text", "text": "h"}]},
        {"type": "codeBlock", "attrs": {"language": quote}, "content": [{"type": "text", "text": "c"}]},
        {"type": "panel", "attrs": {"panelType": quote, "panelColor": quote}, "content": [para()]},
        {"type": "expand", "attrs": {"title": quote}, "content": [para()]},
        {"type": "table", "content": [{"type": "tableRow", "content": [
            {"type": "tableCell", "attrs": {"colspan": quote, "rowspan": "2 onclick=x", "background": quote}, "content": [para()]},
            {"type": "tableHeader", "attrs": {"colspan": 10**9, "rowspan": -5}, "content": [para()]}]}]},
        {"type": "orderedList", "attrs": {"order": quote}, "content": [{"type": "listItem", "content": [para()]}]},
        {"type": "taskList", "content": [{"type": "taskItem", "attrs": {"state": quote}, "content": []}]},
        para({"type": "mention", "attrs": {"id": quote, "text": quote}},
             {"type": "emoji", "attrs": {"shortName": quote, "text": quote}},
             {"type": "status", "attrs": {"text": quote, "color": quote}},
             {"type": "date", "attrs": {"timestamp": quote}},
             {"type": "inlineCard", "attrs": {"url": "https://ok.example/" + quote}},
             {"type": "placeholder", "attrs": {"text": quote}},
             {"type": "inlineExtension", "attrs": {"extensionKey": quote, "text": quote}},
             {"type": "mediaInline", "attrs": {"id": quote, "alt": quote}},
             {"type": "text", "text": "t", "marks": [
                 {"type": "subsup", "attrs": {"type": quote}}, {"type": "alignment", "attrs": {"align": quote}},
                 {"type": "indentation", "attrs": {"level": quote}}, {"type": "border", "attrs": {"size": quote, "color": quote}}]}),
        {"type": "media", "attrs": {"type": "external", "url": "https://ok.example/" + quote, "alt": quote}},
    )
    html = str(to_html(document))
    parser = audit(html)
    assert "onmouseover" not in [name for name, _ in parser.attrs]
    assert '<h1 class="adf-heading">' in html
    assert ('colspan', '100') in parser.attrs and ('rowspan', '1') not in parser.attrs
    assert "adf-panel-info" in html and "adf-status-neutral" in html


@pytest.mark.parametrize("colour", [
    "red;background:url(javascript:alert(1))", "#fff;background:url(x)", "#ffffff\n", "expression(alert(1))",
    "#ggg", "rgb(1,2,3)", "#12345678", " #ffffff", 123,
])
@pytest.mark.parametrize("mark", ["textColor", "backgroundColor", "border"])
def test_css_injection_in_colours_gives_no_style(mark: str, colour: object) -> None:
    html = str(to_html({"type": "text", "text": "t", "marks": [{"type": mark, "attrs": {"color": colour, "size": 1}}]}))
    audit(html)
    assert "style=" not in html


@pytest.mark.parametrize("field", ["text", "mention", "emoji", "status", "date", "placeholder", "inlineCard",
                                   "unknown", "media", "expand", "codeBlock", "extension"])
def test_script_in_any_text_is_escaped(field: str) -> None:
    nodes = {
        "text": {"type": "text", "text": SCRIPT},
        "mention": {"type": "mention", "attrs": {"id": "1", "text": SCRIPT}},
        "emoji": {"type": "emoji", "attrs": {"shortName": SCRIPT, "text": SCRIPT}},
        "status": {"type": "status", "attrs": {"text": SCRIPT, "color": "red"}},
        "date": {"type": "date", "attrs": {"timestamp": SCRIPT}},
        "placeholder": {"type": "placeholder", "attrs": {"text": SCRIPT}},
        "inlineCard": {"type": "inlineCard", "attrs": {"url": SCRIPT}},
        "unknown": {"type": "script", "text": SCRIPT},
        "media": {"type": "media", "attrs": {"type": "file", "id": SCRIPT, "alt": SCRIPT}},
        "expand": {"type": "expand", "attrs": {"title": SCRIPT}, "content": []},
        "codeBlock": {"type": "codeBlock", "content": [{"type": "text", "text": SCRIPT}]},
        "extension": {"type": "bodiedExtension", "attrs": {"extensionKey": SCRIPT}, "content": [{"type": "text", "text": SCRIPT}]},
    }
    html = str(to_html(doc(para(nodes[field]))))
    parser = audit(html)
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script>" in "".join(parser.text)


def test_unknown_script_node_renders_children_as_text() -> None:
    html = str(to_html({"type": "script", "content": [{"type": "text", "text": "alert(1)"}]}))
    audit(html)
    assert html == "alert(1)"


def nested(depth: int, kind: str = "blockquote") -> dict:
    node: dict = {"type": "text", "text": "bottom"}
    for _ in range(depth):
        node = {"type": kind, "content": [node]}
    return doc(node)


@pytest.mark.parametrize("kind", ["blockquote", "bulletList", "unknownWrapper", "paragraph"])
def test_ten_thousand_levels_render_flat_without_recursion_error(kind: str) -> None:
    document = nested(10_000, kind)
    html = str(to_html(document))
    audit(html)
    assert "adf-flat" in html and "bottom" in html
    assert to_text(document) == "bottom"
    markdown, lossless = to_markdown(document)
    assert "bottom" in markdown and lossless is False


def test_five_megabyte_text_node_is_truncated_with_notice() -> None:
    text = "<b>" + "x" * 5_000_000
    document = doc(para({"type": "text", "text": text}))
    html, held = peak_bytes(lambda: str(to_html(document)))
    assert held < len(text)  # cut before it is escaped: never a copy of the whole text (about 1.5 MB today)
    audit(html[:1000] + html[-1000:])
    assert "adf-truncated" in html and len(html) < 2 * MAX_OUTPUT


def test_five_megabyte_document_of_many_nodes_renders_with_bounded_work() -> None:
    inline = [{"type": "text", "text": "word <i> ", "marks": [{"type": "strong"}, {"type": "link", "attrs": {"href": "https://a.b"}}]},
              {"type": "mention", "attrs": {"id": "1", "text": "Ada"}}]
    document = doc(*[para(*inline) for _ in range(30_000)])
    twice_as_long = doc(*document["content"] * 2)
    html, calls = count_calls(lambda: str(to_html(document)))
    _, calls_for_twice_as_long = count_calls(lambda: str(to_html(twice_as_long)))
    assert calls <= 20 * MAX_OUTPUT  # about 5 calls per character of the output budget today
    assert calls_for_twice_as_long <= calls  # rendering stops at the output budget: more input is no more work
    assert "adf-truncated" in html
    audit(html)


def test_markdown_html_is_kept_as_text() -> None:
    document = from_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[x](javascript:alert(1))')
    html = str(to_html(document))
    parser = audit(html)
    assert "<script>alert(1)</script>" in "".join(parser.text)
    assert "<a" not in html
