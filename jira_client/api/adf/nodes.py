"""What every ADF conversion shares: the limits, the node type, and tolerant accessors.

Everything that arrives from Jira is untrusted and may be malformed (`content` a string, `attrs`
a list, a node a bare number). The converters read nodes through these accessors (their hot
loops check for the common case, a dict node with a list `content`, before calling one), so bad
input degrades to "nothing there" instead of raising, and the rules that more than one
conversion applies (which link schemes are allowed, what an account id looks like, what text a
leaf node shows) are written once. Internal to the `adf` package; import the package instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

MAX_DEPTH = 100  # deeper nesting is rendered flat, as text
MAX_OUTPUT = 500_000  # about this many characters of HTML, then a visible notice

ACCOUNT_ID = re.compile(r"[A-Za-z0-9:_\-]{1,128}")
MENTION_SCHEME = "mention:"

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space (WHATWG)
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_DIGITS = re.compile(r"-?\d{1,16}")
_SMALL_INT = re.compile(r"\d{1,9}")

Node = dict[str, Any]


def node_of(raw: object) -> Node | None:
    """Return raw as a node dict; a bare string or number becomes a text node."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return {"type": "text", "text": str(raw)}
    return None


def children_of(node: Node) -> list[Any]:
    """Return the node's content as a list, whatever shape it came in."""
    content = node.get("content")
    if isinstance(content, list):
        return content
    if isinstance(content, (str, dict)):
        return [content]
    return []


def attrs_of(node: Node) -> dict[str, Any]:
    """Return the node's attrs, or an empty dict."""
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def marks_of(node: Node) -> list[Node]:
    """Return the node's marks as a list of dicts."""
    marks = node.get("marks")
    if isinstance(marks, dict):
        marks = [marks]
    return [m for m in marks if isinstance(m, dict)] if isinstance(marks, list) else []


def str_of(value: object) -> str:
    """Return value if it is a string, else ''."""
    return value if isinstance(value, str) else ""


def int_of(value: object, default: int, low: int, high: int) -> int:
    """Return value as an int clamped to [low, high], or default when it is not a plain number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and _SMALL_INT.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return default
    return min(max(value, low), high)


def safe_url(value: object) -> str | None:
    """Return the URL cleaned of control characters if its scheme is http, https or mailto."""
    if not isinstance(value, str) or len(value) > 4096:
        return None
    cleaned = _TAB_NEWLINE.sub("", value.strip(_CONTROL_EDGES))
    decoded = _TAB_NEWLINE.sub("", html.unescape(cleaned).strip(_CONTROL_EDGES))
    for candidate in (cleaned, decoded):
        scheme = _SCHEME.match(candidate)
        if not scheme or scheme.group(1).lower() not in _ALLOWED_SCHEMES:
            return None
    return cleaned


def iso_date(value: object) -> str | None:
    """Return an epoch-milliseconds timestamp as `YYYY-MM-DD` in UTC, or None."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=value)
    except OverflowError:
        return None
    return moment.strftime("%Y-%m-%d") if moment.year >= 1000 else None


def media_name(node: Node) -> str:
    """Return the best human name of a media node: alt, name, id, or 'file'."""
    attrs = attrs_of(node)
    for key in ("alt", "name", "fileName", "id"):
        if str_of(attrs.get(key)).strip():
            return attrs[key]
    return "file"


def card_url(node: Node) -> str:
    """Return a card's url, from attrs.url or its JSON-LD data."""
    attrs = attrs_of(node)
    data = attrs.get("data") if isinstance(attrs.get("data"), dict) else {}
    return str_of(attrs.get("url")) or str_of(data.get("url")) or str_of(data.get("name"))


def mention_text(node: Node) -> str:
    """Return a mention as `@Name`."""
    text = str_of(attrs_of(node).get("text")) or "user"
    return text if text.startswith("@") else "@" + text


def label(node: Node) -> str:
    """Return the visible text a leaf node carries ('' when it has none)."""
    kind, attrs = node.get("type"), attrs_of(node)
    if kind == "text" or (kind not in _LABELS and isinstance(node.get("text"), str)):
        return str_of(node.get("text"))
    if kind in _LABELS:
        return _LABELS[kind](node)
    return str_of(attrs.get("text"))


_LABELS: dict[str, Callable[[Node], str]] = {
    "hardBreak": lambda n: "\n",
    "mention": mention_text,
    "emoji": lambda n: str_of(attrs_of(n).get("text")) or str_of(attrs_of(n).get("shortName")),
    "status": lambda n: str_of(attrs_of(n).get("text")),
    "date": lambda n: iso_date(attrs_of(n).get("timestamp")) or str(attrs_of(n).get("timestamp", "")),
    "inlineCard": card_url,
    "blockCard": card_url,
    "embedCard": card_url,
    "placeholder": lambda n: str_of(attrs_of(n).get("text")),
    "media": media_name,
    "mediaInline": media_name,
    "extension": lambda n: str_of(attrs_of(n).get("text")),
    "inlineExtension": lambda n: str_of(attrs_of(n).get("text")),
}
