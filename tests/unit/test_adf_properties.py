"""Property tests for the ADF renderer (checklist XS-6 and XS-7).

Hypothesis builds random, often malformed ADF trees full of hostile strings; every rendering must
parse, carry no script, no event handler, no ``javascript:``-style link and no free-form style.
nh3 (ammonia) with the allow-list below is a second net: on the real documents' structures with
hostile strings everywhere, cleaning the renderer's output must change nothing, so anything outside
the allow-list would show up as a difference.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jira_client.api.adf import to_html, to_text
from tests.support.paths import shared_path

NODE_TYPES = [
    "doc", "paragraph", "heading", "bulletList", "orderedList", "listItem", "codeBlock", "blockquote", "rule",
    "panel", "table", "tableRow", "tableHeader", "tableCell", "expand", "nestedExpand", "layoutSection",
    "layoutColumn", "taskList", "taskItem", "decisionList", "decisionItem", "mediaSingle", "mediaGroup", "media",
    "mediaInline", "text", "hardBreak", "mention", "emoji", "status", "date", "inlineCard", "blockCard",
    "embedCard", "placeholder", "extension", "bodiedExtension", "inlineExtension", "script", "iframe", "",
]
MARK_TYPES = ["strong", "em", "code", "strike", "underline", "subsup", "textColor", "backgroundColor",
              "alignment", "indentation", "border", "link", "annotation", "onclick"]
HOSTILE = [
    "<script>alert(1)</script>", "\" onmouseover=\"alert(1)", "' onerror='alert(1)", "javascript:alert(1)",
    "java\tscript:alert(1)", " JAVASCRIPT:alert(1)", "&#106;avascript:alert(1)", "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)", "red;background:url(javascript:alert(1))", "#12345g", "expression(alert(1))",
    "</textarea><img src=x onerror=alert(1)>", "\x00", "https://example.test/ok", "mailto:a@b.test", "#00ff00",
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20))
scalar = st.one_of(text, st.integers(-5, 10_000), st.none(), st.booleans())
attrs = st.dictionaries(
    st.sampled_from(["level", "order", "language", "panelType", "color", "href", "url", "text", "shortName",
                     "timestamp", "colspan", "rowspan", "state", "title", "id", "alt", "type", "background"]),
    scalar, max_size=4,
)
marks = st.lists(st.fixed_dictionaries({"type": st.sampled_from(MARK_TYPES)}, optional={"attrs": attrs}), max_size=3)


def node(children):
    return st.fixed_dictionaries(
        {"type": st.sampled_from(NODE_TYPES)},
        optional={"attrs": attrs, "text": text, "marks": marks, "content": children},
    )


documents = st.recursive(
    st.one_of(node(st.just([])), scalar),
    lambda inner: node(st.lists(inner, max_size=4)),
    max_leaves=40,
)

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "details", "div", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "input", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "th", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class"}, "a": {"href", "title"}, "code": {"data-language"}, "div": {"role", "style"},
    "input": {"aria-label", "checked", "disabled", "type"}, "ol": {"start"},
    "span": {"data-account-id", "style", "title"}, "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"}, "time": {"datetime"},
}
SAFE_HREF = re.compile(r"(https?:|mailto:)", re.IGNORECASE)
SAFE_STYLE = re.compile(r"^((background-|border-)?color: ?#[0-9a-fA-F]{3,6};? ?)+$")


class Events(HTMLParser):
    """Every start tag with its attributes, and the text, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attributes):
        self.tags.append((tag, tuple(sorted((name, value or "") for name, value in attributes if name != "rel"))))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def events(html: str) -> Events:
    parser = Events()
    parser.feed(html)
    parser.close()
    return parser


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_document_renders_to_safe_html(doc):
    html = str(to_html(doc))
    to_text(doc)  # never raises either
    parsed = events(html)
    assert "<script" not in html.lower()
    for tag, attributes in parsed.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name)
            if name == "href":
                assert SAFE_HREF.match(value), value
            if name == "style":
                assert SAFE_STYLE.match(value), value


def poisoned(value, strings: list[str], counter: list[int]):
    """Return ``value`` with every string except node and mark types replaced by hostile ones, in turn."""
    if isinstance(value, dict):
        return {k: v if k == "type" else poisoned(v, strings, counter) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, strings, counter) for v in value]
    if isinstance(value, str):
        counter[0] += 1
        return strings[counter[0] % len(strings)]
    return value


@pytest.fixture(scope="module")
def real_documents() -> list:
    folder = shared_path("adf")
    return [json.loads(path.read_text()) for path in sorted(folder.rglob("*.json")) if path.parent.name != "schema"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_sanitizer_with_our_allow_list_finds_nothing_to_remove(real_documents, data):
    """Real documents' structure, hostile strings everywhere: nh3 must keep every tag, attribute and text."""
    doc = data.draw(st.sampled_from(real_documents))
    strings = data.draw(st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(
        blacklist_categories=("Cs", "Cc")), max_size=12)), min_size=1, max_size=8))
    html = str(to_html(poisoned(doc, strings, [0])))
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel=None, strip_comments=True, filter_style_properties={"color", "background-color", "border-color"},
    )
    before, after = events(html), events(cleaned)
    assert after.tags == before.tags
    assert "".join(after.text) == "".join(before.text)
