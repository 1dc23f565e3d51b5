"""Markdown to ADF: what people type becomes schema-valid ADF for Jira.

markdown-it-py parses (CommonMark plus tables and strikethrough, raw HTML kept as text); this
module only maps its token stream onto ADF. The output is what Jira accepts: no empty text
nodes, marks only where the schema allows them, and in places that hold only paragraphs (a
blockquote, a list item) other blocks are flattened to paragraphs rather than dropped. Single
newlines become hard breaks, as people expect in a comment box. A link whose URL is not
http/https/mailto keeps its text and loses the link; `[@Name](mention:ACCOUNT_ID)` becomes a
mention node (see `markdown_writer.mention_markdown`).

Speed (a 32,000-character comment is Jira's limit): the parse is most of the time; the parser in
`markdown_parser` skips what cannot match and gives exactly the stock parser's tokens (and so the
same ADF). The token stream is read in place instead of through markdown-it's SyntaxTreeNode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token

from jira_client.api.adf.markdown_parser import parse
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

_MARK_OF = {"strong": "strong", "em": "em", "s": "strike"}


def _paragraph(content: list[Node]) -> Node:
    """Return a paragraph node."""
    return {"type": "paragraph", "content": content}


def _text_node(text: str, marks: list[Node]) -> Node:
    """Return a text node, with marks only when there are some."""
    return {"type": "text", "text": text, "marks": marks} if marks else {"type": "text", "text": text}


# markdown-it gives a flat token stream: a block or an emphasis is an `_open` token, its
# children, and a `_close` token; an inline token and an image carry their children in
# `.children`. `_nodes` reads one level of that stream as (token, kind, tokens, start, end):
# the node's own token (the opening one for pairs), its type without `_open`, and where its
# children are (tokens[start:end]). It is the shape markdown-it's SyntaxTreeNode gives, without
# building a tree of objects that point at their parents (which only the garbage collector
# could free again).
_Item = tuple[Token, str, Sequence[Token], int, int]


def _nodes(tokens: Sequence[Token], start: int, end: int) -> list[_Item]:
    """Return the nodes of tokens[start:end], one level deep."""
    items: list[_Item] = []
    index = start
    while index < end:
        tok = tokens[index]
        if not tok.nesting:
            children = tok.children or ()
            items.append((tok, tok.type, children, 0, len(children)))
            index += 1
        else:
            close = _close(tokens, index, end)
            items.append((tok, tok.type.removesuffix("_open"), tokens, index + 1, close))
            index = close + 1
    return items


def _close(tokens: Sequence[Token], index: int, end: int) -> int:
    """Return the index of the token that closes the one opened at tokens[index]."""
    if tokens[index].nesting != 1:
        raise ValueError("Invalid token nesting")
    close, nesting = index, 1
    while nesting:
        close += 1
        if close >= end:
            raise ValueError(f"unclosed tokens starting {tokens[index]}")
        nesting += tokens[close].nesting
    return close


def _inline(tokens: Sequence[Token], start: int, end: int, marks: list[Node], out: list[Node]) -> None:
    """Append to out the ADF inline nodes for markdown-it inline tokens[start:end] under the given marks."""
    index = start
    while index < end:
        tok = tokens[index]
        kind = tok.type
        if kind == "text":  # most tokens: read here rather than through _nodes
            index += 1
            if tok.content:
                out.append(_text_node(tok.content, marks))
            continue
        if tok.nesting:
            kind, children, first = kind.removesuffix("_open"), tokens, index + 1
            index = last = _close(tokens, index, end)
        else:
            children = tok.children or ()
            first, last = 0, len(children)
        index += 1
        if kind == "html_inline" and tok.content:
            out.append(_text_node(tok.content, marks))
        elif kind in ("softbreak", "hardbreak"):
            out.append({"type": "hardBreak"})
        elif kind == "code_inline" and tok.content:
            links = [m for m in marks if m["type"] == "link"]
            out.append(_text_node(tok.content, [*links, {"type": "code"}]))
        elif kind in _MARK_OF:
            _inline(children, first, last, [*marks, {"type": _MARK_OF[kind]}], out)
        elif kind == "link" and (mention := _mention_from(tok, children, first, last)):
            out.append(mention)
        elif kind in ("link", "image"):
            _link(tok, kind, children, first, last, marks, out)
        else:
            _inline(children, first, last, marks, out)


def _link(tok: Token, kind: str, tokens: Sequence[Token], start: int, end: int, marks: list[Node],
          out: list[Node]) -> None:
    """Append a link's (or image's) text, linked only when the URL is allowed."""
    href = safe_url(tok.attrs.get("href" if kind == "link" else "src"))
    title = tok.attrs.get("title")
    if href:
        attrs = {"href": href, "title": title} if isinstance(title, str) and title else {"href": href}
        marks = [m for m in marks if m["type"] != "link"] + [{"type": "link", "attrs": attrs}]
    before = len(out)
    _inline(tokens, start, end, marks, out)
    if len(out) == before and kind == "image" and href:
        out.append(_text_node(href, marks))


def _mention_from(tok: Token, tokens: Sequence[Token], start: int, end: int) -> Node | None:
    """Return the mention node for a `[@Name](mention:ACCOUNT_ID)` link, or None when it is not a valid one.

    A mention carries no marks (the schema allows none), so emphasis around it is dropped.
    """
    href = str_of(tok.attrs.get("href"))
    written = href.startswith(MENTION_SCHEME) and tok.markup != "autolink"  # `<mention:x>` names nobody
    account = href[len(MENTION_SCHEME):] if written else ""
    if not ACCOUNT_ID.fullmatch(account):
        return None
    name = _inline_text(tokens[start:end]).strip()
    if not name.lstrip("@"):
        return None
    return {"type": "mention", "attrs": {"id": account, "text": name if name.startswith("@") else "@" + name}}


def _inline_text(tokens: Sequence[Token]) -> str:
    """Return the plain text of markdown-it inline tokens (line breaks become spaces)."""
    return "".join(
        tok.content if tok.type in ("text", "code_inline", "html_inline")
        else " " if tok.type in ("softbreak", "hardbreak") else _inline_text(tok.children or ())
        for tok in tokens
    )


def merge_text(content: list[Node]) -> list[Node]:
    """Return inline content with neighbouring text nodes of the same marks joined."""
    if len(content) < 2:
        return content
    merged: list[Node] = []
    for node in content:
        last = merged[-1] if merged else None
        if last and node["type"] == last["type"] == "text" and node.get("marks") == last.get("marks"):
            merged[-1] = {**last, "text": last["text"] + node["text"]}
        else:
            merged.append(node)
    return merged


def _inline_content(tokens: Sequence[Token], start: int, end: int) -> list[Node]:
    """Return the ADF inline content of a block node's children (its single `inline` token)."""
    out: list[Node] = []
    if end == start + 1 and not tokens[start].nesting:
        children = tokens[start].children or ()
        _inline(children, 0, len(children), [], out)
    else:
        for _, _, children, first, last in _nodes(tokens, start, end):
            _inline(children, first, last, [], out)
    return merge_text(out)


def _code_block_from(tok: Token) -> Node:
    text = tok.content[:-1] if tok.content.endswith("\n") else tok.content
    node: Node = {"type": "codeBlock", "content": [_text_node(text, [])] if text else []}
    language = (tok.info or "").split(maxsplit=1)[0] if (tok.info or "").strip() else ""
    if language:
        node["attrs"] = {"language": language}
    return node


def _list_from(tok: Token, kind: str, tokens: Sequence[Token], start: int, end: int) -> Node:
    items = [_list_item_from(item_tokens, item_start, item_end) for _, _, item_tokens, item_start, item_end
             in _nodes(tokens, start, end)]
    if kind == "bullet_list":
        return {"type": "bulletList", "content": items}
    node: Node = {"type": "orderedList", "content": items}
    order = tok.attrs.get("start")
    if isinstance(order, int) and order != 1:
        node["attrs"] = {"order": order}
    return node


def _list_item_from(tokens: Sequence[Token], start: int, end: int) -> Node:
    """Return a listItem holding only what the schema allows there (paragraphs, code, lists)."""
    content: list[Node] = []
    for block in _blocks(tokens, start, end):
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


def _table_from(tokens: Sequence[Token], start: int, end: int) -> Node:
    rows = []
    for _, section, section_tokens, section_start, section_end in _nodes(tokens, start, end):
        cell_type = "tableHeader" if section == "thead" else "tableCell"
        for _, _, row_tokens, row_start, row_end in _nodes(section_tokens, section_start, section_end):
            cells = [
                {"type": cell_type, "content": [_paragraph(_inline_content(cell_tokens, cell_start, cell_end))]}
                for _, _, cell_tokens, cell_start, cell_end in _nodes(row_tokens, row_start, row_end)
            ]
            rows.append({"type": "tableRow", "content": cells})
    return {"type": "table", "content": rows}


def _block(tok: Token, kind: str, tokens: Sequence[Token], start: int, end: int) -> list[Node]:
    """Return the ADF blocks for one markdown-it block node (children: tokens[start:end])."""
    if kind == "paragraph":
        return [_paragraph(_inline_content(tokens, start, end))]
    if kind == "heading":
        level = int_of(tok.tag[1:], 1, 1, 6)
        return [{"type": "heading", "attrs": {"level": level}, "content": _inline_content(tokens, start, end)}]
    if kind in ("bullet_list", "ordered_list"):
        return [_list_from(tok, kind, tokens, start, end)]
    if kind in ("fence", "code_block"):
        return [_code_block_from(tok)]
    if kind == "blockquote":
        paragraphs = [p for block in _blocks(tokens, start, end) for p in _as_paragraphs(block)]
        return [{"type": "blockquote", "content": paragraphs or [_paragraph([])]}]
    if kind == "hr":
        return [{"type": "rule"}]
    if kind == "table":
        return [_table_from(tokens, start, end)]
    text = tok.content.rstrip("\n")  # html_block and anything unforeseen: keep it as text
    return [_paragraph(_lines(text, []))] if text else []


def _blocks(tokens: Sequence[Token], start: int, end: int) -> list[Node]:
    """Return the ADF blocks for markdown-it block tokens[start:end]."""
    return [node for item in _nodes(tokens, start, end) for node in _block(*item)]


def from_markdown(text: str) -> dict[str, Any]:
    """Return schema-valid ADF for Markdown text; single newlines become hard breaks."""
    if not isinstance(text, str) or not text.strip():
        return {"version": 1, "type": "doc", "content": []}
    tokens = parse(text)
    return {"version": 1, "type": "doc", "content": _blocks(tokens, 0, len(tokens))}
