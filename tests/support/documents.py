"""ADF documents written briefly, for inputs and expected values: ``doc(para(text("hi", STRONG)))``."""

from __future__ import annotations

STRONG, EM, STRIKE, CODE = {"type": "strong"}, {"type": "em"}, {"type": "strike"}, {"type": "code"}


def doc(*content: object) -> dict:
    return {"version": 1, "type": "doc", "content": list(content)}


def para(*content: object) -> dict:
    return {"type": "paragraph", "content": list(content)}


def text(value: str, *marks: dict) -> dict:
    return {"type": "text", "text": value, "marks": list(marks)} if marks else {"type": "text", "text": value}


def item(*content: object) -> dict:
    return {"type": "listItem", "content": list(content)}


def link(href: str, title: str | None = None) -> dict:
    return {"type": "link", "attrs": {"href": href, "title": title} if title else {"href": href}}


def adf(*paragraphs: str) -> dict:
    """Return a document of one plain paragraph per string."""
    return doc(*(para(text(value)) for value in paragraphs))
