"""@mentions in Markdown: `[@Name](mention:ACCOUNT_ID)` <-> ADF mention nodes, both ways."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator

from jira_client.api.adf import from_markdown, mention_markdown, to_html, to_markdown
from tests.support.documents import STRONG, doc, para, text

BOB = "712020:0b0b0b0b-0000-4000-8000-00000000b0b0"
ANN = "5b10ac8d82e05b22cc7d4ef5"


def mention(account_id: str, name: str) -> dict:
    return {"type": "mention", "attrs": {"id": account_id, "text": name}}


CASES = {
    "valid": (f"Hi [@Bob Brown](mention:{BOB})!", doc(para(text("Hi "), mention(BOB, "@Bob Brown"), text("!")))),
    "hex_id": (f"[@Ann](mention:{ANN})", doc(para(mention(ANN, "@Ann")))),
    "at_added": (f"[Ann](mention:{ANN})", doc(para(mention(ANN, "@Ann")))),
    "several": (f"[@Ann](mention:{ANN}), [@Bob Brown](mention:{BOB})\n[@Ann](mention:{ANN})",
                doc(para(mention(ANN, "@Ann"), text(", "), mention(BOB, "@Bob Brown"), {"type": "hardBreak"},
                         mention(ANN, "@Ann")))),
    "inside_bold": (f"**see [@Ann](mention:{ANN}) now**",
                    doc(para(text("see ", STRONG), mention(ANN, "@Ann"), text(" now", STRONG)))),
    "escaped_name": (f"[@A\\]n \\*n\\*](mention:{ANN})", doc(para(mention(ANN, "@A]n *n*")))),
    "invalid_id_is_text": ("[@Ann](mention:bad!id)", doc(para(text("@Ann")))),
    "id_with_space_is_text": ("[@Ann](mention:a b)", doc(para(text("[@Ann](mention:a b)")))),
    "empty_id_is_text": ("[@Ann](mention:)", doc(para(text("@Ann")))),
    "empty_name_is_text": (f"[@](mention:{ANN})", doc(para(text("@")))),
    "too_long_id_is_text": ("[@Ann](mention:" + "a" * 129 + ")", doc(para(text("@Ann")))),
    "autolink_is_text": ("<mention:abc>", doc(para(text("mention:abc")))),
    "other_scheme_is_not_a_mention": ("[@Ann](https://example.com)",
                                      doc(para(text("@Ann", {"type": "link", "attrs": {"href": "https://example.com"}})))),
}


@pytest.mark.parametrize("markdown,expected", CASES.values(), ids=CASES.keys())
def test_from_markdown(markdown: str, expected: dict, validator: Draft4Validator) -> None:
    document = from_markdown(markdown)
    assert document == expected
    assert not [e.message for e in validator.iter_errors(document)]


ROUND_TRIPS = [
    f"Hi [@Bob Brown](mention:{BOB}), see [@Ann](mention:{ANN}).",
    f"**bold** [@Ann](mention:{ANN}) *em*",
    f"- [@Ann](mention:{ANN})\n- two",
    f"| who |\n| --- |\n| [@A\\|B](mention:{ANN}) |",
    f"> [@Ann](mention:{ANN})",
]


@pytest.mark.parametrize("markdown", ROUND_TRIPS)
def test_round_trip_is_lossless(markdown: str) -> None:
    document = from_markdown(markdown)
    regenerated, lossless = to_markdown(document)
    assert lossless, regenerated
    assert regenerated == markdown
    assert from_markdown(regenerated) == document


def test_jira_mention_attrs_markdown_does_not_carry_are_ignored() -> None:
    stored = doc(para({"type": "mention", "attrs": {"id": ANN, "text": "@Ann", "accessLevel": "", "localId": "x"}}))
    assert to_markdown(stored) == (f"[@Ann](mention:{ANN})", True)


def test_mention_markdown_escapes_the_name() -> None:
    markdown = mention_markdown(ANN, "Eve ]*<b>[x]")
    assert markdown == f"[@Eve \\]\\*\\<b>\\[x\\]](mention:{ANN})"
    assert from_markdown(markdown) == doc(para(mention(ANN, "@Eve ]*<b>[x]")))


@pytest.mark.parametrize("markdown", [f"[@Ann](mention:{ANN})", "[x](mention:bad!id)", "<mention:abc>"])
def test_a_mention_href_never_becomes_a_link(markdown: str) -> None:
    assert "href" not in str(to_html(from_markdown(markdown)))


def test_a_link_mark_with_a_mention_href_is_not_rendered_as_a_link() -> None:
    node = text("Ann", {"type": "link", "attrs": {"href": f"mention:{ANN}"}})
    assert str(to_html(doc(para(node)))) == '<p class="adf-p">Ann</p>'
