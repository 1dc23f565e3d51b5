"""ADF to Markdown, for editing what is already in Jira, and whether that round trip is lossless.

`to_markdown` writes the Markdown that `markdown_reader.from_markdown` reads back; it escapes
every character Markdown would take as syntax and opens each mark once over the longest run it
covers. It also says whether the result is lossless, which it decides by converting its own
output back to ADF and comparing the parts Markdown can carry: the edit form uses that to warn
before a save would drop tables, panels or colours. A mention is written as a link with the
`mention:` scheme, `[@Display Name](mention:ACCOUNT_ID)` (see `mention_markdown`); that scheme
is never an allowed link, so it can only ever become a mention node, never an `<a href>`.
"""

from __future__ import annotations

import re
from typing import Any

from jira_client.api.adf.markdown_reader import from_markdown, merge_text
from jira_client.api.adf.nodes import (
    ACCOUNT_ID,
    MAX_OUTPUT,
    MENTION_SCHEME,
    Node,
    attrs_of,
    children_of,
    int_of,
    marks_of,
    mention_text,
    node_of,
    safe_url,
    str_of,
)
from jira_client.api.adf.text import plain_text, to_text

_ESCAPE_ALWAYS = re.compile(r"[*`\[\]]|\\(?=[!-/:-@\[-`{-~]|$)|<(?=[A-Za-z/!?])|~(?=~)|(?<=~)~"
                            r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)")
_MAY_ESCAPE = re.compile(r"[*`\[\]\\<~_&]")  # every match of _ESCAPE_ALWAYS is one of these
_LINE_START = re.compile(r"^([#>+=\-])|^(\d{1,9})([.)])")
_MD_DELIMS = {"strong": "**", "em": "*", "strike": "~~"}


def _md_escape(text: str, line_start: bool, in_table: bool) -> str:
    """Return text with Markdown syntax characters backslash-escaped."""
    if _MAY_ESCAPE.search(text) is not None:  # most text has none: a quick scan saves the full one
        text = _ESCAPE_ALWAYS.sub(lambda m: "\\" + m.group(0), text)
    if in_table:
        text = text.replace("|", "\\|")
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text) if line_start else text


def _code_span(text: str) -> str:
    """Return text as an inline code span with a fence longer than any backtick run inside."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text[:1] == text[-1:] == " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Markdown:
    """One ADF -> Markdown pass; `lossless` turns False on anything Markdown cannot carry."""

    def __init__(self) -> None:
        self.lossless = True

    def lossy(self, text: str = "") -> str:
        """Record a loss and return the fallback text."""
        self.lossless = False
        return text

    def blocks(self, nodes: list[Any], depth: int) -> str:
        """Return block nodes as Markdown separated by blank lines."""
        return "\n\n".join(out for raw in nodes if (out := self.block(raw, depth)) is not None)

    def block(self, raw: object, depth: int) -> str | None:
        """Return one block node as Markdown (None for an empty paragraph)."""
        node = node_of(raw)
        if node is None or not isinstance(raw, dict) or depth > 40:
            return self.lossy(plain_text(raw, MAX_OUTPUT))
        kind = node.get("type")
        if kind == "paragraph":
            return self.inline(children_of(node), in_table=False) or None
        if kind == "heading":
            level = int_of(attrs_of(node).get("level"), 1, 1, 6)
            return "#" * level + " " + self.inline(children_of(node), in_table=False)
        if kind in ("bulletList", "orderedList"):
            return self.list(node, depth)
        if kind == "codeBlock":
            return self.code_block(node)
        if kind == "blockquote":
            inner = self.blocks(children_of(node), depth + 1)
            return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
        if kind == "rule":
            return "---"
        if kind == "table":
            return self.table(node)
        return self.lossy(to_text(node))

    def list(self, node: Node, depth: int) -> str:
        """Return a bullet or ordered list."""
        start = int_of(attrs_of(node).get("order"), 1, 0, 999_999_999)
        items = []
        for offset, item in enumerate(children_of(node)):
            marker = "- " if node.get("type") == "bulletList" else f"{start + offset}. "
            if not isinstance(item, dict) or item.get("type") != "listItem":
                self.lossy()
            body = self.blocks(children_of(item) if isinstance(item, dict) else [item], depth + 1)
            indent = " " * len(marker)
            items.append(marker + body.replace("\n", "\n" + indent).replace("\n" + indent + "\n", "\n\n"))
        return "\n".join(items)

    def code_block(self, node: Node) -> str:
        """Return a fenced code block."""
        text = plain_text(children_of(node), 10 * MAX_OUTPUT)
        fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
        language = str_of(attrs_of(node).get("language"))
        if language and not re.fullmatch(r"[^\s`]+", language):
            language = self.lossy("")
        return f"{fence}{language}\n{text}\n{fence}"

    def table(self, node: Node) -> str:
        """Return a pipe table (header row first), or flag a loss for shapes it cannot carry."""
        rows = []
        for index, row in enumerate(children_of(node)):
            cells = children_of(row) if isinstance(row, dict) else []
            expected = "tableHeader" if index == 0 else "tableCell"
            texts = []
            for cell in cells:
                if not isinstance(cell, dict) or cell.get("type") != expected:
                    self.lossy()
                cell = cell if isinstance(cell, dict) else {}
                attrs = attrs_of(cell)
                if int_of(attrs.get("colspan"), 1, 1, 100) > 1 or int_of(attrs.get("rowspan"), 1, 1, 100) > 1 or attrs.get("background"):
                    self.lossy()
                blocks = children_of(cell)
                if len(blocks) > 1 or any(not isinstance(b, dict) or b.get("type") != "paragraph" for b in blocks):
                    self.lossy()
                content = children_of(blocks[0]) if len(blocks) == 1 and isinstance(blocks[0], dict) else []
                texts.append(self.inline(content, in_table=True).replace("\n", " ") if blocks else self.lossy(to_text(cell)))
            rows.append("| " + " | ".join(texts) + " |")
        if not rows:
            return self.lossy("")
        width = rows[0].count(" | ") + 1
        return "\n".join([rows[0], "| " + " | ".join(["---"] * width) + " |", *rows[1:]])

    def inline(self, nodes: list[Any], in_table: bool) -> str:
        """Return inline nodes as Markdown, opening each mark once over the longest run it covers."""
        items: list[tuple[frozenset[Any], str]] = []
        line_start = True
        for raw in nodes:
            node = raw if raw.__class__ is dict else node_of(raw)
            if node is None:
                continue
            kind = node.get("type")
            parent = "content" in node and bool(children_of(node))
            if kind == "hardBreak" and not parent:
                items.append((frozenset(), "\n"))
                line_start = True
                continue
            if kind == "mention" and not parent and not marks_of(node):
                items.append((frozenset(), self.mention(node, in_table)))
            elif kind != "text" or parent:
                items.append((frozenset(), _md_escape(self.lossy(to_text(node)), line_start, in_table)))
            else:
                items.append(self.leaf(node, line_start, in_table))
            line_start = False
        return self.runs(items, 0, len(items), frozenset())

    def leaf(self, node: Node, line_start: bool, in_table: bool) -> tuple[frozenset[Any], str]:
        """Return a text node's Markdown marks and its escaped text (or code span)."""
        text = str_of(node.get("text"))
        keys = set()
        code = False
        for mark in marks_of(node) if "marks" in node else ():
            kind = mark.get("type")
            if kind in _MD_DELIMS:
                keys.add(kind)
            elif kind == "link" and (href := safe_url(attrs_of(mark).get("href"))):
                keys.add(("link", href, str_of(attrs_of(mark).get("title"))))
            elif kind == "code":
                code = True
            else:
                self.lossy()
        if code:
            return frozenset(keys), _code_span(text.replace("|", "\\|") if in_table else text)
        return frozenset(keys), _md_escape(text, line_start, in_table)

    def mention(self, node: Node, in_table: bool) -> str:
        """Return a mention as `[@Name](mention:ACCOUNT_ID)`, or as its text when the id cannot be written so."""
        account = str_of(attrs_of(node).get("id"))
        label = _md_escape(mention_text(node), False, in_table)
        return f"[{label}]({MENTION_SCHEME}{account})" if ACCOUNT_ID.fullmatch(account) else self.lossy(label)

    def runs(self, items: list[tuple[frozenset[Any], str]], start: int, end: int, opened: frozenset[Any]) -> str:
        """Return items[start:end] with every mark not yet opened wrapped around its longest run."""
        out = []
        index = start
        while index < end:
            pending = items[index][0] - opened
            if not pending:
                out.append(items[index][1])
                index += 1
                continue
            best, best_end = None, index
            for key in sorted(pending, key=str):
                stop = index
                while stop < end and key in items[stop][0]:
                    stop += 1
                if stop > best_end:
                    best, best_end = key, stop
            out.append(self.wrap(best, self.runs(items, index, best_end, opened | {best})))
            index = best_end
        return "".join(out)

    def wrap(self, key: Any, inner: str) -> str:
        """Return inner inside one mark's Markdown syntax (spaces stay outside emphasis)."""
        if isinstance(key, tuple):
            _, href, title = key
            target = f"<{href}>" if re.search(r"[\s()<>]", href) else href
            suffix = ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"' if title else ""
            return f"[{inner}]({target}{suffix})" if inner.strip() else self.lossy(inner)
        core = inner.strip(" ")
        if not core:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip(" "))]
        trail = inner[len(inner.rstrip(" ")) :]
        return lead + _MD_DELIMS[key] + core + _MD_DELIMS[key] + trail


def mention_markdown(account_id: str, display_name: str) -> str:
    """Return the Markdown that `from_markdown` turns into a mention of this person."""
    return _Markdown().mention({"type": "mention", "attrs": {"id": account_id, "text": "@" + display_name}}, in_table=False)


def _canon(node: Node) -> list[Node]:
    """Return the part of a node that Markdown can carry, for the lossless comparison."""
    kind = node.get("type")
    if kind == "text":
        return _canon_text(str_of(node.get("text")), sorted((_canon_mark(m) for m in marks_of(node)), key=str))
    out: Node = {"type": kind}
    attrs = attrs_of(node)
    if kind == "heading":
        out["level"] = attrs.get("level")
    elif kind == "orderedList":
        out["order"] = attrs.get("order", 1)
    elif kind == "codeBlock":
        out["language"] = attrs.get("language") or None
    elif kind == "mention":
        out["id"], out["text"] = attrs.get("id"), attrs.get("text")
    if marks_of(node):
        out["marks"] = [_canon_mark(m) for m in marks_of(node)]
    children = [piece for c in children_of(node) if isinstance(c, dict) for piece in _canon(c)]
    out["content"] = merge_text([c for c in children if c != {"type": "paragraph", "content": []}])
    return [out]


def _canon_text(text: str, marks: list[Node]) -> list[Node]:
    """Return a text node split so that spaces at its edges do not carry emphasis (invisible there)."""
    core = text.strip(" ")
    emphasis = [m for m in marks if m["type"] in _MD_DELIMS]
    if not emphasis or core == text:
        return [{"type": "text", "text": text, "marks": marks}]
    plain = [m for m in marks if m["type"] not in _MD_DELIMS]
    lead, trail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")) :] if core else ""
    pieces = [(lead, plain), (core, marks), (trail, plain)]
    return [{"type": "text", "text": t, "marks": m} for t, m in pieces if t]


def _canon_mark(mark: Node) -> Node:
    """Return a mark's type plus the attrs Markdown keeps."""
    if mark.get("type") != "link":
        return {"type": mark.get("type")}
    attrs = attrs_of(mark)
    return {"type": "link", "href": attrs.get("href"), "title": attrs.get("title") or None}


def _deeper_than(root: Node, limit: int) -> bool:
    """Return whether the tree nests deeper than limit (checked without recursion)."""
    stack: list[tuple[object, int]] = [(root, 0)]
    while stack:
        raw, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(raw, dict):
            stack.extend((child, depth + 1) for child in children_of(raw))
    return False


def to_markdown(doc: object) -> tuple[str, bool]:
    """Return (Markdown, lossless); lossless is False when from_markdown would not give doc back."""
    writer = _Markdown()
    node = node_of(doc)
    if node is None or node.get("type") != "doc":
        return to_text(doc), node is None
    text = writer.blocks(children_of(node), 0)
    if writer.lossless and not _deeper_than(node, 60):
        writer.lossless = _canon(from_markdown(text)) == _canon(node)
    else:
        writer.lossless = False
    return text, writer.lossless
