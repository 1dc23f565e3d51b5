"""Markdown to ADF: what people type becomes schema-valid ADF for Jira.

markdown-it-py parses (CommonMark plus tables and strikethrough, raw HTML kept as text); this
module only maps its syntax tree onto ADF. The output is what Jira accepts: no empty text
nodes, marks only where the schema allows them, and in places that hold only paragraphs (a
blockquote, a list item) other blocks are flattened to paragraphs rather than dropped. Single
newlines become hard breaks, as people expect in a comment box. A link whose URL is not
http/https/mailto keeps its text and loses the link; `[@Name](mention:ACCOUNT_ID)` becomes a
mention node (see `markdown_writer.mention_markdown`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from jira_client.api.adf.nodes import (
    ACCOUNT_ID,
    MAX_OUTPUT,
    MENTION_SCHEME,
    Node,
    children_of,
    int_of,
    safe_url,
    str_of,
)
from jira_client.api.adf.text import plain_text, to_text

_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
_MARK_OF = {"strong": "strong", "em": "em", "s": "strike"}


def _paragraph(content: list[Node]) -> Node:
    """Return a paragraph node."""
    return {"type": "paragraph", "content": content}


def _text_node(text: str, marks: list[Node]) -> Node:
    """Return a text node, with marks only when there are some."""
    return {"type": "text", "text": text, "marks": marks} if marks else {"type": "text", "text": text}


def _inline(nodes: list[SyntaxTreeNode], marks: list[Node]) -> Iterator[Node]:
    """Yield ADF inline nodes for markdown-it inline tokens under the given marks."""
    for tok in nodes:
        kind = tok.type
        if kind in ("text", "html_inline") and tok.content:
            yield _text_node(tok.content, marks)
        elif kind in ("softbreak", "hardbreak"):
            yield {"type": "hardBreak"}
        elif kind == "code_inline" and tok.content:
            links = [m for m in marks if m["type"] == "link"]
            yield _text_node(tok.content, [*links, {"type": "code"}])
        elif kind in _MARK_OF:
            yield from _inline(tok.children, [*marks, {"type": _MARK_OF[kind]}])
        elif kind == "link" and (mention := _mention_from(tok)):
            yield mention
        elif kind in ("link", "image"):
            yield from _link(tok, marks)
        else:
            yield from _inline(tok.children, marks)


def _link(tok: SyntaxTreeNode, marks: list[Node]) -> Iterator[Node]:
    """Yield a link's (or image's) text, linked only when the URL is allowed."""
    href = safe_url(tok.attrs.get("href" if tok.type == "link" else "src"))
    title = tok.attrs.get("title")
    if href:
        attrs = {"href": href, "title": title} if isinstance(title, str) and title else {"href": href}
        marks = [m for m in marks if m["type"] != "link"] + [{"type": "link", "attrs": attrs}]
    inner = list(_inline(tok.children, marks))
    if not inner and tok.type == "image" and href:
        inner = [_text_node(href, marks)]
    yield from inner


def _mention_from(tok: SyntaxTreeNode) -> Node | None:
    """Return the mention node for a `[@Name](mention:ACCOUNT_ID)` link, or None when it is not a valid one.

    A mention carries no marks (the schema allows none), so emphasis around it is dropped.
    """
    href = str_of(tok.attrs.get("href"))
    written = href.startswith(MENTION_SCHEME) and tok.markup != "autolink"  # `<mention:x>` names nobody
    account = href[len(MENTION_SCHEME):] if written else ""
    name = _inline_text(tok.children).strip()
    if not ACCOUNT_ID.fullmatch(account) or not name.lstrip("@"):
        return None
    return {"type": "mention", "attrs": {"id": account, "text": name if name.startswith("@") else "@" + name}}


def _inline_text(nodes: list[SyntaxTreeNode]) -> str:
    """Return the plain text of markdown-it inline tokens (line breaks become spaces)."""
    return "".join(
        tok.content if tok.type in ("text", "code_inline", "html_inline")
        else " " if tok.type in ("softbreak", "hardbreak") else _inline_text(tok.children)
        for tok in nodes
    )


def merge_text(content: list[Node]) -> list[Node]:
    """Return inline content with neighbouring text nodes of the same marks joined."""
    merged: list[Node] = []
    for node in content:
        last = merged[-1] if merged else None
        if last and node["type"] == last["type"] == "text" and node.get("marks") == last.get("marks"):
            merged[-1] = {**last, "text": last["text"] + node["text"]}
        else:
            merged.append(node)
    return merged


def _inline_content(tok: SyntaxTreeNode) -> list[Node]:
    """Return the ADF inline content of a block token (its single `inline` child)."""
    return merge_text([n for child in tok.children for n in _inline(child.children, [])])


def _code_block_from(tok: SyntaxTreeNode) -> Node:
    text = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    node: Node = {"type": "codeBlock", "content": [_text_node(text, [])] if text else []}
    language = (tok.info or "").split(maxsplit=1)[0] if (tok.info or "").strip() else ""
    if language:
        node["attrs"] = {"language": language}
    return node


def _list_from(tok: SyntaxTreeNode) -> Node:
    items = [_list_item_from(item) for item in tok.children]
    if tok.type == "bullet_list":
        return {"type": "bulletList", "content": items}
    node: Node = {"type": "orderedList", "content": items}
    start = tok.attrs.get("start")
    if isinstance(start, int) and start != 1:
        node["attrs"] = {"order": start}
    return node


def _list_item_from(tok: SyntaxTreeNode) -> Node:
    """Return a listItem holding only what the schema allows there (paragraphs, code, lists)."""
    content: list[Node] = []
    for block in _blocks(tok.children):
        if block["type"] in ("paragraph", "codeBlock", "bulletList", "orderedList"):
            content.append(block)
        else:
            content.extend(_as_paragraphs(block))
    if not content or content[0]["type"] not in ("paragraph", "codeBlock"):
        content.insert(0, _paragraph([]))
    return {"type": "listItem", "content": content}


def _as_paragraphs(block: Node) -> list[Node]:
    """Return a block flattened to paragraphs, for places where the schema allows nothing else."""
    kind = block["type"]
    if kind == "paragraph":
        return [block]
    if kind == "heading":
        return [_paragraph(block.get("content", []))]
    if kind in ("blockquote", "listItem"):
        return [p for child in block["content"] for p in _as_paragraphs(child)]
    if kind in ("bulletList", "orderedList"):
        return _list_paragraphs(block)
    if kind == "codeBlock":
        return [_paragraph(_lines(plain_text(children_of(block), 10 * MAX_OUTPUT), [{"type": "code"}]))]
    text = to_text(block)
    return [_paragraph(_lines(text, []))] if text else []


def _list_paragraphs(block: Node) -> list[Node]:
    """Return a list as paragraphs whose first text is the item's bullet or number."""
    out: list[Node] = []
    number = block.get("attrs", {}).get("order", 1)
    for offset, item in enumerate(block["content"]):
        paragraphs = _as_paragraphs(item)
        marker = "• " if block["type"] == "bulletList" else f"{number + offset}. "
        if paragraphs:
            first = paragraphs[0]
            paragraphs[0] = _paragraph(merge_text([_text_node(marker, []), *first.get("content", [])]))
        out.extend(paragraphs)
    return out


def _lines(text: str, marks: list[Node]) -> list[Node]:
    """Return text as text nodes separated by hardBreaks (no empty text nodes)."""
    content: list[Node] = []
    for index, line in enumerate(text.split("\n")):
        if index:
            content.append({"type": "hardBreak"})
        if line:
            content.append(_text_node(line, marks))
    return content


def _table_from(tok: SyntaxTreeNode) -> Node:
    rows = []
    for section in tok.children:
        cell_type = "tableHeader" if section.type == "thead" else "tableCell"
        for row in section.children:
            cells = [
                {"type": cell_type, "content": [_paragraph(_inline_content(cell))]}
                for cell in row.children
            ]
            rows.append({"type": "tableRow", "content": cells})
    return {"type": "table", "content": rows}


def _block(tok: SyntaxTreeNode) -> list[Node]:
    """Return the ADF blocks for one markdown-it block token."""
    kind = tok.type
    if kind == "paragraph":
        return [_paragraph(_inline_content(tok))]
    if kind == "heading":
        level = int_of(tok.tag[1:], 1, 1, 6)
        return [{"type": "heading", "attrs": {"level": level}, "content": _inline_content(tok)}]
    if kind in ("bullet_list", "ordered_list"):
        return [_list_from(tok)]
    if kind in ("fence", "code_block"):
        return [_code_block_from(tok)]
    if kind == "blockquote":
        paragraphs = [p for block in _blocks(tok.children) for p in _as_paragraphs(block)]
        return [{"type": "blockquote", "content": paragraphs or [_paragraph([])]}]
    if kind == "hr":
        return [{"type": "rule"}]
    if kind == "table":
        return [_table_from(tok)]
    text = tok.content.rstrip("\n")  # html_block and anything unforeseen: keep it as text
    return [_paragraph(_lines(text, []))] if text else []


def _blocks(tokens: list[SyntaxTreeNode]) -> list[Node]:
    """Return the ADF blocks for a list of markdown-it block tokens."""
    return [node for tok in tokens for node in _block(tok)]


def from_markdown(text: str) -> dict[str, Any]:
    """Return schema-valid ADF for Markdown text; single newlines become hard breaks."""
    if not isinstance(text, str) or not text.strip():
        return {"version": 1, "type": "doc", "content": []}
    tree = SyntaxTreeNode(_PARSER.parse(text))
    return {"version": 1, "type": "doc", "content": _blocks(tree.children)}

