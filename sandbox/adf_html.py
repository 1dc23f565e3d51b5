"""ADF to plain, escaped HTML for ``renderedFields`` and ``renderedBody``.

Deliberately small: Jira's own rendering is richer, and the app renders ADF itself. Every text is
escaped; nodes without a tag here render their children (or their ``text``/``shortName``).
"""

from datetime import datetime, timezone
from html import escape

_BLOCKS = {
    "paragraph": "p", "bulletList": "ul", "orderedList": "ol", "listItem": "li", "blockquote": "blockquote",
    "table": "table", "tableRow": "tr", "tableHeader": "th", "tableCell": "td", "panel": "div",
    "expand": "div", "nestedExpand": "div", "taskList": "ul", "taskItem": "li",
}
_MARKS = {"strong": "b", "em": "em", "code": "code", "strike": "del", "underline": "u"}


def to_html(node) -> str | None:
    """Return escaped HTML for an ADF node or document (None for None)."""
    if node is None:
        return None
    return "".join(_node(child) for child in node.get("content", []))


def _node(node: dict) -> str:
    kind = node.get("type")
    attrs = node.get("attrs") or {}
    inner = "".join(_node(child) for child in node.get("content", []))
    if kind == "text":
        return _marked(escape(node.get("text", "")), node.get("marks", []))
    if kind == "heading":
        level = attrs.get("level", 1) if attrs.get("level") in range(1, 7) else 1
        return f"<h{level}>{inner}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{inner}</code></pre>"
    if kind == "rule":
        return "<hr>"
    if kind == "hardBreak":
        return "<br>"
    if kind == "date":
        return _date(attrs.get("timestamp"))
    if kind in ("mention", "emoji", "status"):
        return escape(str(attrs.get("text") or attrs.get("shortName") or ""))
    if kind == "inlineCard":
        return _link(attrs.get("url", ""), escape(attrs.get("url", "")))
    if kind in _BLOCKS:
        tag = _BLOCKS[kind]
        return f"<{tag}>{inner}</{tag}>"
    return inner


def _marked(html: str, marks: list[dict]) -> str:
    for mark in marks:
        if mark.get("type") == "link":
            html = _link((mark.get("attrs") or {}).get("href", ""), html)
        elif mark.get("type") in _MARKS:
            tag = _MARKS[mark["type"]]
            html = f"<{tag}>{html}</{tag}>"
    return html


def _date(timestamp) -> str:
    try:
        return datetime.fromtimestamp(int(timestamp) / 1000, timezone.utc).strftime("%Y-%m-%d")
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def _link(href: str, html: str) -> str:
    if not href.startswith(("http://", "https://", "mailto:")):
        return html
    return f'<a href="{escape(href)}">{html}</a>'
