"""ADF -> HTML, text and Markdown: every node and mark, real documents, malformed input."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup

from jira_client.api.adf import to_html, to_markdown, to_text
from tests.support.documents import doc, para, text
from tests.support.paths import IN_CI, SHARED_FIXTURES

ADF_FIXTURES = SHARED_FIXTURES / "adf"


def _fixture_files() -> list[Path]:
    if ADF_FIXTURES.is_dir():
        return sorted(p for p in ADF_FIXTURES.rglob("*.json") if p.parent.name != "schema")
    if IN_CI:
        pytest.fail(f"ADF fixtures missing at {ADF_FIXTURES} (required when CI=true)")
    return []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def texts(node: object) -> list[str]:
    out, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "text" and isinstance(item.get("text"), str):
                out.append(item["text"])
            stack.extend(item.get("content", []) if isinstance(item.get("content"), list) else [])
    return out


# --- real documents ---------------------------------------------------------------------------

FIXTURES = _fixture_files()


@pytest.mark.skipif(not FIXTURES, reason=f"ADF fixtures not found at {ADF_FIXTURES}")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_document_renders_with_every_text_visible(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    html = to_html(document)
    assert isinstance(html, Markup)
    shown, plain = visible(str(html)), " ".join(to_text(document).split())
    for value in texts(document):
        words = " ".join(value.split())
        assert words in shown, f"{words!r} missing from HTML of {path.name}"
        assert words in plain, f"{words!r} missing from text of {path.name}"
    to_markdown(document)  # best effort, must not raise


# --- nodes ------------------------------------------------------------------------------------

MEDIA_FILE = {"type": "media", "attrs": {"type": "file", "id": "abc-123", "collection": "c", "alt": "report.pdf"}}

NODE_CASES = {
    "doc": (doc(para(text("hi"))), ['<p class="adf-p">hi</p>']),
    "paragraph": (para(text("p")), ['<p class="adf-p">p</p>']),
    "heading": ({"type": "heading", "attrs": {"level": 3}, "content": [text("H")]}, ['<h3 class="adf-heading">H</h3>']),
    "heading_clamped": ({"type": "heading", "attrs": {"level": 9}, "content": [text("H")]}, ["<h6"]),
    "bulletList": ({"type": "bulletList", "content": [{"type": "listItem", "content": [para(text("a"))]}]},
                   ['<ul class="adf-list"><li><p class="adf-p">a</p></li></ul>']),
    "orderedList": ({"type": "orderedList", "attrs": {"order": 4}, "content": [{"type": "listItem", "content": [para(text("a"))]}]},
                    ['<ol class="adf-list" start="4">']),
    "orderedList_default": ({"type": "orderedList", "content": [{"type": "listItem", "content": [para(text("a"))]}]},
                            ['<ol class="adf-list">']),
    "listItem": ({"type": "listItem", "content": [para(text("x"))]}, ["<li>", "x"]),
    "codeBlock": ({"type": "codeBlock", "attrs": {"language": "Python"}, "content": [text("if a < b:")]},
                  ['<pre class="adf-code"><code class="language-python" data-language="python">if a &lt; b:</code></pre>']),
    "codeBlock_no_language": ({"type": "codeBlock", "content": [text("x")]}, ['<pre class="adf-code"><code>x</code></pre>']),
    "blockquote": ({"type": "blockquote", "content": [para(text("q"))]}, ['<blockquote class="adf-quote">']),
    "rule": ({"type": "rule"}, ['<hr class="adf-rule">']),
    "panel_warning": ({"type": "panel", "attrs": {"panelType": "warning"}, "content": [para(text("w"))]},
                      ['class="adf-panel adf-panel-warning"', "w"]),
    "panel_unknown_type": ({"type": "panel", "attrs": {"panelType": "evil"}, "content": [para(text("w"))]},
                           ["adf-panel-info"]),
    "panel_custom": ({"type": "panel", "attrs": {"panelType": "custom", "panelColor": "#abcdef"}, "content": [para(text("c"))]},
                     ['adf-panel-custom', 'style="background-color:#abcdef"']),
    "table": ({"type": "table", "content": [{"type": "tableRow", "content": [
        {"type": "tableHeader", "attrs": {"colspan": 2}, "content": [para(text("h"))]},
        {"type": "tableCell", "attrs": {"rowspan": 3, "background": "#ffeeee"}, "content": [para(text("c"))]}]}]},
              ['<table class="adf-table"><tbody><tr>', '<th class="adf-cell" colspan="2">',
               '<td class="adf-cell" rowspan="3" style="background-color:#ffeeee">']),
    "expand": ({"type": "expand", "attrs": {"title": "More"}, "content": [para(text("body"))]},
               ['<details class="adf-expand"><summary>More</summary>', "body"]),
    "nestedExpand": ({"type": "nestedExpand", "attrs": {}, "content": [para(text("n"))]}, ["<summary>Details</summary>"]),
    "layoutSection": ({"type": "layoutSection", "content": [{"type": "layoutColumn", "attrs": {"width": 50}, "content": [para(text("l"))]}]},
                      ['<div class="adf-layout"><div class="adf-layout-column">']),
    "taskList": ({"type": "taskList", "attrs": {"localId": "1"}, "content": [
        {"type": "taskItem", "attrs": {"localId": "a", "state": "DONE"}, "content": [text("done")]},
        {"type": "taskItem", "attrs": {"localId": "b", "state": "TODO"}, "content": [text("todo")]}]},
                 ['<ul class="adf-tasks">', 'class="adf-task adf-task-done"><input type="checkbox" disabled checked',
                  'class="adf-task adf-task-todo"><input type="checkbox" disabled aria-label="todo">']),
    "decisionList": ({"type": "decisionList", "attrs": {"localId": "1"}, "content": [
        {"type": "decisionItem", "attrs": {"localId": "a", "state": "DECIDED"}, "content": [text("we ship")]}]},
                     ['<ul class="adf-decisions"><li class="adf-decision">we ship</li></ul>']),
    "mediaSingle": ({"type": "mediaSingle", "attrs": {"layout": "center"}, "content": [MEDIA_FILE]},
                    ['<figure class="adf-media-single"><span class="adf-media adf-media-kept"', "report.pdf"]),
    "mediaGroup": ({"type": "mediaGroup", "content": [MEDIA_FILE, {"type": "media", "attrs": {"type": "file", "id": "only-id", "collection": ""}}]},
                   ['<div class="adf-media-group">', "report.pdf", "only-id"]),
    "media_external": ({"type": "media", "attrs": {"type": "external", "url": "https://img.example/a.png", "alt": "diagram"}},
                       ['<a class="adf-media adf-media-external" href="https://img.example/a.png" rel="noopener noreferrer">diagram</a>']),
    "media_external_bad_url": ({"type": "media", "attrs": {"type": "external", "url": "mailto:x@y", "alt": "d"}},
                               ['<span class="adf-media"']),
    "mediaInline": ({"type": "mediaInline", "attrs": {"id": "f-1", "collection": "c", "name": "notes.txt"}},
                    ['<span class="adf-media adf-media-kept"', "notes.txt"]),
    "caption": ({"type": "caption", "content": [text("cap")]}, ['<figcaption class="adf-caption">cap</figcaption>']),
    "text": (text("a & b"), ["a &amp; b"]),
    "hardBreak": (para(text("a"), {"type": "hardBreak"}, text("b")), ["a<br>b"]),
    "mention": ({"type": "mention", "attrs": {"id": "5b10:abc", "text": "Ada"}},
                ['<span class="adf-mention" data-account-id="5b10:abc">@Ada</span>']),
    "mention_with_at": ({"type": "mention", "attrs": {"id": "x", "text": "@Ada"}}, [">@Ada<"]),
    "emoji": ({"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}}, ['title=":smile:">😄</span>']),
    "emoji_short_name_only": ({"type": "emoji", "attrs": {"shortName": ":custom:"}}, [">:custom:</span>"]),
    "status": ({"type": "status", "attrs": {"text": "In progress", "color": "blue"}},
               ['<span class="adf-status adf-status-blue">In progress</span>']),
    "status_unknown_colour": ({"type": "status", "attrs": {"text": "x", "color": "pink"}}, ["adf-status-neutral"]),
    "date": ({"type": "date", "attrs": {"timestamp": "1767225600000"}},
             ['<time class="adf-date" datetime="2026-01-01">2026-01-01</time>']),
    "date_int": ({"type": "date", "attrs": {"timestamp": 0}}, [">1970-01-01<"]),
    "date_bad": ({"type": "date", "attrs": {"timestamp": "soon<b>"}}, ['<span class="adf-date">soon&lt;b&gt;</span>']),
    "date_huge": ({"type": "date", "attrs": {"timestamp": "9" * 16}}, ['<span class="adf-date">9999999999999999</span>']),
    "inlineCard": ({"type": "inlineCard", "attrs": {"url": "https://x.atlassian.net/browse/A-1"}},
                   ['<a class="adf-card adf-card-inline" href="https://x.atlassian.net/browse/A-1" rel="noopener noreferrer">']),
    "blockCard": ({"type": "blockCard", "attrs": {"url": "https://example.com/page"}},
                  ['<div class="adf-card-block"><a class="adf-card adf-card-block-link" href="https://example.com/page"']),
    "embedCard": ({"type": "embedCard", "attrs": {"url": "https://example.com/e", "layout": "center"}},
                  ['class="adf-card adf-card-embed" href="https://example.com/e"']),
    "placeholder": ({"type": "placeholder", "attrs": {"text": "Type here"}}, ['<span class="adf-placeholder">Type here</span>']),
    "extension": ({"type": "extension", "attrs": {"extensionType": "t", "extensionKey": "app/toc"}},
                  ['<div class="adf-extension">', "Not shown here: toc"]),
    "inlineExtension": ({"type": "inlineExtension", "attrs": {"extensionType": "t", "extensionKey": "k", "text": "Macro"}},
                        ['<span class="adf-extension">', "Not shown here: Macro"]),
    "bodiedExtension": ({"type": "bodiedExtension", "attrs": {"extensionType": "t", "extensionKey": "k"}, "content": [para(text("inside"))]},
                        ["Not shown here: k", '<div class="adf-extension-body"><p class="adf-p">inside</p>']),
    "unknown_with_children": ({"type": "futureThing", "content": [para(text("kept"))]}, ['<p class="adf-p">kept</p>']),
    "unknown_with_text": ({"type": "futureLeaf", "attrs": {"text": "leaf"}}, ['<span class="adf-unknown">leaf</span>']),
}


@pytest.mark.parametrize("node,expected", NODE_CASES.values(), ids=NODE_CASES.keys())
def test_node(node: dict, expected: list[str]) -> None:
    html = str(to_html(node))
    for fragment in expected:
        assert fragment in html


# --- marks ------------------------------------------------------------------------------------

MARK_CASES = {
    "strong": ({"type": "strong"}, "<strong>t</strong>"),
    "em": ({"type": "em"}, "<em>t</em>"),
    "code": ({"type": "code"}, '<code class="adf-inline-code">t</code>'),
    "strike": ({"type": "strike"}, "<s>t</s>"),
    "underline": ({"type": "underline"}, "<u>t</u>"),
    "subsup_sub": ({"type": "subsup", "attrs": {"type": "sub"}}, "<sub>t</sub>"),
    "subsup_sup": ({"type": "subsup", "attrs": {"type": "sup"}}, "<sup>t</sup>"),
    "textColor": ({"type": "textColor", "attrs": {"color": "#FF5630"}}, '<span class="adf-text-color" style="color:#FF5630">t</span>'),
    "textColor_short": ({"type": "textColor", "attrs": {"color": "#f00"}}, '<span class="adf-text-color" style="color:#f00">t</span>'),
    "link_mailto": ({"type": "link", "attrs": {"href": "mailto:a@b.c"}}, '<a class="adf-link" href="mailto:a@b.c" rel="noopener noreferrer">t</a>'),
    "backgroundColor": ({"type": "backgroundColor", "attrs": {"color": "#fedec8"}},
                        '<span class="adf-bg-color" style="background-color:#fedec8">t</span>'),
    "link": ({"type": "link", "attrs": {"href": "https://example.com/a?b=1&c=2", "title": "Example"}},
             '<a class="adf-link" href="https://example.com/a?b=1&amp;c=2" title="Example" rel="noopener noreferrer">t</a>'),
    "alignment": ({"type": "alignment", "attrs": {"align": "center"}}, '<div class="adf-align-center">t</div>'),
    "indentation": ({"type": "indentation", "attrs": {"level": 2}}, '<div class="adf-indent-2">t</div>'),
    "border": ({"type": "border", "attrs": {"size": 2, "color": "#091e42"}},
               '<span class="adf-border adf-border-2" style="border-color:#091e42">t</span>'),
    "annotation": ({"type": "annotation", "attrs": {"id": "x", "annotationType": "inlineComment"}}, "t"),
}


@pytest.mark.parametrize("mark,expected", MARK_CASES.values(), ids=MARK_CASES.keys())
def test_mark(mark: dict, expected: str) -> None:
    assert str(to_html(text("t", mark))) == expected


def test_marks_nest_first_outermost() -> None:
    html = to_html(text("t", {"type": "link", "attrs": {"href": "https://a.b"}}, {"type": "strong"}))
    assert str(html).endswith("><strong>t</strong></a>")


def test_unknown_mark_and_bad_colour_keep_text_only() -> None:
    html = to_html(text("t", {"type": "sparkle"}, {"type": "textColor", "attrs": {"color": "red"}}))
    assert str(html) == "t"


# --- malformed input --------------------------------------------------------------------------

MALFORMED = {
    "none": (None, ""),
    "list": ([text("a")], ""),
    "int_doc": (5, "5"),
    "content_string": ({"type": "paragraph", "content": "loose text"}, "loose text"),
    "content_dict": ({"type": "paragraph", "content": text("single")}, "single"),
    "marks_object": (text("m", {"type": "strong"}) | {"marks": {"type": "strong"}}, "<strong>m</strong>"),
    "marks_string": ({"type": "text", "text": "m", "marks": "strong"}, "m"),
    "none_nodes": (doc(None, para(None, text("x")), 7), "x"),
    "missing_type": ({"text": "orphan"}, "orphan"),
    "missing_type_children": ({"content": [text("kid")]}, "kid"),
    "attrs_not_dict": ({"type": "heading", "attrs": ["level", 2], "content": [text("h")]}, "<h1"),
    "text_not_string": ({"type": "text", "text": {"a": 1}}, ""),
    "status_no_attrs": ({"type": "status"}, 'adf-status-neutral'),
    "bool_level": ({"type": "heading", "attrs": {"level": True}, "content": [text("h")]}, "<h1"),
}


@pytest.mark.parametrize("node,expected", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_never_raises(node: object, expected: str) -> None:
    html = to_html(node)
    assert expected in str(html)
    to_text(node)
    to_markdown(node)


# --- text -------------------------------------------------------------------------------------


def test_to_text_joins_blocks_and_labels() -> None:
    document = doc(
        {"type": "heading", "attrs": {"level": 1}, "content": [text("Title")]},
        para(text("Hi "), {"type": "mention", "attrs": {"id": "1", "text": "Ada"}}, {"type": "hardBreak"},
             {"type": "status", "attrs": {"text": "DONE", "color": "green"}}, text(" on "),
             {"type": "date", "attrs": {"timestamp": "0"}}),
    )
    assert to_text(document) == "Title\nHi @Ada\nDONE on 1970-01-01"


def test_to_text_of_nothing_is_empty() -> None:
    assert to_text(None) == "" and to_text(doc()) == ""


# --- Markdown out -----------------------------------------------------------------------------

LOSSY = {
    "panel": {"type": "panel", "attrs": {"panelType": "info"}, "content": [para(text("p"))]},
    "mention_text_without_at": para({"type": "mention", "attrs": {"id": "1", "text": "Ada"}}),
    "mention_with_bad_id": para({"type": "mention", "attrs": {"id": "no such id", "text": "@Ada"}}),
    "media": {"type": "mediaSingle", "content": [MEDIA_FILE]},
    "colour": para(text("c", {"type": "textColor", "attrs": {"color": "#ff0000"}})),
    "underline": para(text("u", {"type": "underline"})),
    "colspan": {"type": "table", "content": [{"type": "tableRow", "content": [
        {"type": "tableHeader", "attrs": {"colspan": 2}, "content": [para(text("h"))]}]}]},
    "javascript_link": para(text("x", {"type": "link", "attrs": {"href": "javascript:alert(1)"}})),
    "alignment": para(text("a")) | {"marks": [{"type": "alignment", "attrs": {"align": "center"}}]},
    "leading_spaces": para(text("   indented")),
}


@pytest.mark.parametrize("node", LOSSY.values(), ids=LOSSY.keys())
def test_to_markdown_flags_what_markdown_cannot_carry(node: dict) -> None:
    markdown, lossless = to_markdown(doc(node))
    assert lossless is False
    assert all(value.strip() in markdown for value in texts(node))


def test_to_markdown_supported_document_is_lossless() -> None:
    document = doc(
        {"type": "heading", "attrs": {"level": 2}, "content": [text("Plan")]},
        para(text("Use "), text("snake_case", {"type": "code"}), text(" and "), text("bold", {"type": "strong"}),
             {"type": "hardBreak"}, text("# not a heading, 1. not a list, *not em*")),
        {"type": "bulletList", "content": [{"type": "listItem", "content": [para(text("one"))]}]},
        {"type": "codeBlock", "attrs": {"language": "sql"}, "content": [text("select 1;\n```")]},
    )
    markdown, lossless = to_markdown(document)
    assert lossless, markdown
    assert markdown.startswith("## Plan\n\nUse `snake_case` and **bold**\n\\# not a heading")


def test_to_markdown_ignores_empty_paragraphs_and_jira_table_attrs() -> None:
    table = {"type": "table", "attrs": {"layout": "default", "isNumberColumnEnabled": False}, "content": [
        {"type": "tableRow", "content": [{"type": "tableHeader", "attrs": {}, "content": [para(text("h"))]}]},
        {"type": "tableRow", "content": [{"type": "tableCell", "attrs": {}, "content": [para(text("c|d"))]}]}]}
    markdown, lossless = to_markdown(doc(para(), table, para()))
    assert lossless, markdown
    assert markdown == "| h |\n| --- |\n| c\\|d |"
