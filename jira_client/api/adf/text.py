"""ADF to plain text: for snippets, for search, and as every other converter's fallback.

Plain text never fails and never recurses: the tree is walked with an explicit stack, so a
hostile document nested 10,000 levels deep cannot reach Python's recursion limit, and the walk
stops at a size limit. The HTML renderer uses it to show over-deep subtrees flat and to fill
code blocks; the Markdown converters use it for whatever Markdown cannot carry.
"""

from __future__ import annotations

import re

from jira_client.api.adf.nodes import MAX_OUTPUT, children_of, label, node_of, str_of

_BLOCK_TYPES = frozenset({
    "paragraph", "heading", "bulletList", "orderedList", "listItem", "codeBlock", "blockquote",
    "rule", "panel", "table", "tableRow", "mediaSingle", "mediaGroup", "expand", "nestedExpand",
    "layoutSection", "layoutColumn", "taskList", "taskItem", "decisionList", "decisionItem",
    "blockCard", "embedCard", "extension", "bodiedExtension", "caption",
})
_CELL_TYPES = frozenset({"tableCell", "tableHeader"})


def plain_text(root: object, limit: int) -> str:
    """Return the text of a subtree, walked with an explicit stack, cut at about limit chars."""
    parts: list[str] = []
    size = 0
    stack: list[object] = [root]
    while stack and size < limit:
        item = stack.pop()
        if item.__class__ is dict:
            node = item
        elif isinstance(item, list):
            stack.extend(reversed(item))
            continue
        elif item.__class__ is _Separator:
            parts.append(item.text)
            continue
        else:
            node = node_of(item)
            if node is None:
                continue
        kind = node.get("type")
        if kind == "text":  # about half of all nodes: label() without the lookups
            text = node.get("text")
            if text.__class__ is not str:
                text = str_of(text)
        else:
            text = label(node)
        if text:
            parts.append(text)
            size += len(text)
        if kind in _BLOCK_TYPES:
            stack.append(_NEWLINE)
        elif kind in _CELL_TYPES:
            stack.append(_SPACE)
        if "content" in node:
            stack.extend(reversed(children_of(node)))
    return "".join(parts)[:limit]


class _Separator:
    """Text pushed on the plain-text stack between blocks (never mistaken for content)."""

    def __init__(self, text: str) -> None:
        self.text = text


_NEWLINE, _SPACE = _Separator("\n"), _Separator(" ")


def to_text(doc: object) -> str:
    """Return the plain text of an ADF document, for snippets and search."""
    text = plain_text(doc, 10 * MAX_OUTPUT)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
