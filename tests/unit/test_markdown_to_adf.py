"""Markdown -> ADF: each construct, schema validity of every output (``validator`` is in conftest), and round trips."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator

from jira_client.api.adf import from_markdown, to_markdown
from tests.support.documents import CODE, EM, STRIKE, STRONG, doc, item, link, para, text

CASES = {
    "empty": ("", doc()),
    "blank": ("  \n\n ", doc()),
    "paragraphs": ("one\n\ntwo", doc(para(text("one")), para(text("two")))),
    "single_newlines_are_hard_breaks": ("line 1\nline 2", doc(para(text("line 1"), {"type": "hardBreak"}, text("line 2")))),
    "backslash_hard_break": ("a\\\nb", doc(para(text("a"), {"type": "hardBreak"}, text("b")))),
    "heading": ("### Three", doc({"type": "heading", "attrs": {"level": 3}, "content": [text("Three")]})),
    "setext_heading": ("Title\n=====", doc({"type": "heading", "attrs": {"level": 1}, "content": [text("Title")]})),
    "bold": ("**b**", doc(para(text("b", STRONG)))),
    "italic": ("_i_", doc(para(text("i", EM)))),
    "strike": ("~~s~~", doc(para(text("s", STRIKE)))),
    "inline_code": ("`x < y`", doc(para(text("x < y", CODE)))),
    "code_drops_other_marks": ("**`c`**", doc(para(text("c", CODE)))),
    "nested_marks": ("***bi***", doc(para(text("bi", EM, STRONG)))),
    "link": ('[site](https://example.com/a "Title")', doc(para(text("site", link("https://example.com/a", "Title"))))),
    "mailto_autolink": ("<mailto:a@b.example>", doc(para(text("mailto:a@b.example", link("mailto:a@b.example"))))),
    "code_in_link": ("[`c`](https://x.example)", doc(para(text("c", link("https://x.example"), CODE)))),
    "javascript_link_is_text": ("[x](javascript:alert(1))", doc(para(text("[x](javascript:alert(1))")))),
    "ftp_link_is_text": ("[x](ftp://host/file)", doc(para(text("x")))),
    "image_is_a_link": ("![logo](https://img.example/a.png)", doc(para(text("logo", link("https://img.example/a.png"))))),
    "html_is_text": ("<b>hi</b>\n\n<div onclick=x>", doc(para(text("<b>hi</b>")), para(text("<div onclick=x>")))),
    "bullet_list": ("- a\n- b", doc({"type": "bulletList", "content": [item(para(text("a"))), item(para(text("b")))]})),
    "ordered_list_start": ("3. c\n4. d", doc({"type": "orderedList", "attrs": {"order": 3},
                                              "content": [item(para(text("c"))), item(para(text("d")))]})),
    "ordered_list_one": ("1. a", doc({"type": "orderedList", "content": [item(para(text("a")))]})),
    "nested_list": ("- a\n  1. b", doc({"type": "bulletList", "content": [
        item(para(text("a")), {"type": "orderedList", "content": [item(para(text("b")))]})]})),
    "list_item_starting_with_list": ("- - x", doc({"type": "bulletList", "content": [
        item(para(), {"type": "bulletList", "content": [item(para(text("x")))]})]})),
    "empty_list_item": ("-", doc({"type": "bulletList", "content": [item(para())]})),
    "fenced_code": ("```python\nprint(1)\n```", doc({"type": "codeBlock", "attrs": {"language": "python"},
                                                     "content": [text("print(1)")]})),
    "indented_code": ("    x = 1", doc({"type": "codeBlock", "content": [text("x = 1")]})),
    "empty_code": ("```\n```", doc({"type": "codeBlock", "content": []})),
    "blockquote": ("> q\n>\n> r", doc({"type": "blockquote", "content": [para(text("q")), para(text("r"))]})),
    "blockquote_flattens_what_schema_forbids": ("> # h\n> - a\n> ```\n> c\n> ```", doc({"type": "blockquote", "content": [
        para(text("h")), para(text("• a")), para(text("c", CODE))]})),
    "rule": ("---", doc({"type": "rule"})),
    "table": ("| a | b |\n|---|---|\n| 1 | **2** |", doc({"type": "table", "content": [
        {"type": "tableRow", "content": [{"type": "tableHeader", "content": [para(text("a"))]},
                                         {"type": "tableHeader", "content": [para(text("b"))]}]},
        {"type": "tableRow", "content": [{"type": "tableCell", "content": [para(text("1"))]},
                                         {"type": "tableCell", "content": [para(text("2", STRONG))]}]}]})),
    "table_empty_cell": ("| a |\n|---|\n|  |", doc({"type": "table", "content": [
        {"type": "tableRow", "content": [{"type": "tableHeader", "content": [para(text("a"))]}]},
        {"type": "tableRow", "content": [{"type": "tableCell", "content": [para()]}]}]})),
    "entities_decoded": ("&amp; &lt;", doc(para(text("& <")))),
}


@pytest.mark.parametrize("markdown,expected", CASES.values(), ids=CASES.keys())
def test_construct(markdown: str, expected: dict) -> None:
    assert from_markdown(markdown) == expected


@pytest.mark.parametrize("markdown", [m for m, _ in CASES.values()], ids=CASES.keys())
def test_output_is_schema_valid(markdown: str, validator: Draft4Validator) -> None:
    errors = [e.message for e in validator.iter_errors(from_markdown(markdown))]
    assert not errors


EXTRA_SCHEMA_INPUTS = [
    "> - a\n>   - b\n> 1. c\n> | t |\n> |---|\n> | u |\n> ---",
    "- # heading in item\n- > quote in item\n- ---\n- | t |\n  |---|\n  | u |",
    "1. ```\n   code\n   ```\n2. after",
    "*" * 50 + "x",
    "[" * 30 + "x" + "]" * 30,
    "> " * 40 + "deep",
    "- " * 40 + "deep",
    "text with trailing spaces   \nnext",
    "\x00 nul and \u202e bidi",
]


@pytest.mark.parametrize("markdown", EXTRA_SCHEMA_INPUTS)
def test_awkward_input_is_schema_valid(markdown: str, validator: Draft4Validator) -> None:
    document = from_markdown(markdown)
    assert not [e.message for e in validator.iter_errors(document)]


def test_text_nodes_are_never_empty() -> None:
    stack: list = [from_markdown("**``**\n\n[](https://x.example)\n\n![](https://y.example/i.png)\n\n` `")]
    while stack:
        node = stack.pop()
        if node.get("type") == "text":
            assert node["text"]
        stack.extend(node.get("content", []))


ROUND_TRIPS = [
    "Plain words.",
    "line one\nline two",
    "# H1\n\n###### H6",
    "**bold** *italic* ~~strike~~ `code` and **bold *nested italic***",
    '[site](https://example.com/a?b=1&c=2 "Title") and <https://example.com>',
    "- one\n- two\n  - nested\n\n    more in nested",
    "7. seven\n8. eight",
    "```js\nconst a = `x`;\n```",
    "> quoted\n> still quoted",
    "---",
    "| a | b |\n| --- | --- |\n| 1 | 2 |",
    "Characters \\* \\_ \\` \\[x\\] \\# 1\\. \\> \\~\\~ snake_case 2*3 a_b_c",
    "C:\\Users\\me and 5 < 6 > 4 & AT&T &amp;",
]


@pytest.mark.parametrize("markdown", ROUND_TRIPS)
def test_round_trip(markdown: str, validator: Draft4Validator) -> None:
    document = from_markdown(markdown)
    assert not [e.message for e in validator.iter_errors(document)]
    regenerated, lossless = to_markdown(document)
    assert lossless, regenerated
    assert from_markdown(regenerated) == document
