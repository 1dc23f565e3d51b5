"""Atlassian Document Format (ADF): safe HTML, plain text and Markdown, both ways.

Everything that arrives from Jira is untrusted. `to_html` is the only code in the project that
creates `Markup`, so it renders through an allow-list: every text node is escaped, every
attribute is validated before it becomes HTML (links keep only http/https/mailto, the only
`style` is a validated colour), unknown nodes show their children or a visible placeholder and
never drop text, and malformed input never raises.

Hostile size is bounded two ways: nesting deeper than `MAX_DEPTH` is rendered flat as escaped
text (plain text is collected with an explicit stack, so 10,000 levels never reach Python's
recursion limit), and rendering stops after about `MAX_OUTPUT` characters with a visible notice.

`from_markdown` turns what people type (Markdown, parsed by markdown-it-py) into schema-valid
ADF; `to_markdown` goes back for editing and says whether it was lossless, which it decides by
converting its own output again and comparing. A mention is written as a link with the
`mention:` scheme, `[@Display Name](mention:ACCOUNT_ID)` (see `mention_markdown`); that scheme
is never an allowed link, so it can only ever become a mention node, never an `<a href>`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from markupsafe import Markup

MAX_DEPTH = 100
MAX_OUTPUT = 500_000

EMPTY_DOC: dict[str, Any] = {"version": 1, "type": "doc", "content": []}

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space (WHATWG)
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_LANGUAGE = re.compile(r"[a-z0-9+#\-]{1,30}")
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9:_\-]{1,128}")
_MENTION_SCHEME = "mention:"
_DIGITS = re.compile(r"-?\d{1,16}")

_PANEL_TYPES = frozenset({"info", "note", "warning", "success", "error", "tip", "custom"})
_STATUS_COLOURS = frozenset({"neutral", "purple", "blue", "red", "yellow", "green"})
_BLOCK_TYPES = frozenset({
    "paragraph", "heading", "bulletList", "orderedList", "listItem", "codeBlock", "blockquote",
    "rule", "panel", "table", "tableRow", "mediaSingle", "mediaGroup", "expand", "nestedExpand",
    "layoutSection", "layoutColumn", "taskList", "taskItem", "decisionList", "decisionItem",
    "blockCard", "embedCard", "extension", "bodiedExtension", "caption",
})
_CELL_TYPES = frozenset({"tableCell", "tableHeader"})
_TRUNCATED = (
    '<p class="adf-truncated">This content is too large to show in full; the rest was cut.</p>'
)

Node = dict[str, Any]


# --- tolerant accessors: malformed ADF never raises ------------------------------------------


def _node(raw: object) -> Node | None:
    """Return raw as a node dict; a bare string or number becomes a text node."""
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return {"type": "text", "text": str(raw)}
    return None


def _children(node: Node) -> list[Any]:
    """Return the node's content as a list, whatever shape it came in."""
    content = node.get("content")
    if isinstance(content, list):
        return content
    if isinstance(content, (str, dict)):
        return [content]
    return []


def _attrs(node: Node) -> dict[str, Any]:
    """Return the node's attrs, or an empty dict."""
    attrs = node.get("attrs")
    return attrs if isinstance(attrs, dict) else {}


def _marks(node: Node) -> list[Node]:
    """Return the node's marks as a list of dicts."""
    marks = node.get("marks")
    if isinstance(marks, dict):
        marks = [marks]
    return [m for m in marks if isinstance(m, dict)] if isinstance(marks, list) else []


def _str(value: object) -> str:
    """Return value if it is a string, else ''."""
    return value if isinstance(value, str) else ""


def _int(value: object, default: int, low: int, high: int) -> int:
    """Return value as an int clamped to [low, high], or default when it is not a plain number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{1,9}", value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return default
    return min(max(value, low), high)


def _colour(value: object) -> str | None:
    """Return a `#rgb`/`#rrggbb` colour, or None."""
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else None


def _safe_url(value: object) -> str | None:
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


_NOT_IN_HTML = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])  # C0 controls but tab and newlines


def _esc(value: str) -> str:
    """Return value escaped for HTML text and double-quoted attributes, without control characters.

    HTML has no place for NUL and the other C0 controls; parsers drop or replace them, each
    differently, so they are removed here rather than left for a browser to interpret.
    """
    return html.escape(value.translate(_NOT_IN_HTML), quote=True)


def _date(value: object) -> str | None:
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


def _media_name(node: Node) -> str:
    """Return the best human name of a media node: alt, name, id, or 'file'."""
    attrs = _attrs(node)
    for key in ("alt", "name", "fileName", "id"):
        if _str(attrs.get(key)).strip():
            return attrs[key]
    return "file"


def _card_url(node: Node) -> str:
    """Return a card's url, from attrs.url or its JSON-LD data."""
    attrs = _attrs(node)
    data = attrs.get("data") if isinstance(attrs.get("data"), dict) else {}
    return _str(attrs.get("url")) or _str(data.get("url")) or _str(data.get("name"))


def _mention_text(node: Node) -> str:
    """Return a mention as `@Name`."""
    text = _str(_attrs(node).get("text")) or "user"
    return text if text.startswith("@") else "@" + text


def _label(node: Node) -> str:
    """Return the visible text a leaf node carries ('' when it has none)."""
    kind, attrs = node.get("type"), _attrs(node)
    if kind == "text" or (kind not in _LABELS and isinstance(node.get("text"), str)):
        return _str(node.get("text"))
    if kind in _LABELS:
        return _LABELS[kind](node)
    return _str(attrs.get("text"))


_LABELS: dict[str, Callable[[Node], str]] = {
    "hardBreak": lambda n: "\n",
    "mention": _mention_text,
    "emoji": lambda n: _str(_attrs(n).get("text")) or _str(_attrs(n).get("shortName")),
    "status": lambda n: _str(_attrs(n).get("text")),
    "date": lambda n: _date(_attrs(n).get("timestamp")) or str(_attrs(n).get("timestamp", "")),
    "inlineCard": _card_url,
    "blockCard": _card_url,
    "embedCard": _card_url,
    "placeholder": lambda n: _str(_attrs(n).get("text")),
    "media": _media_name,
    "mediaInline": _media_name,
    "extension": lambda n: _str(_attrs(n).get("text")),
    "inlineExtension": lambda n: _str(_attrs(n).get("text")),
}


# --- plain text -------------------------------------------------------------------------------


def _plain(root: object, limit: int) -> str:
    """Return the text of a subtree, walked with an explicit stack, cut at about limit chars."""
    parts: list[str] = []
    size = 0
    stack: list[object] = [root]
    while stack and size < limit:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if isinstance(item, _Separator):
            parts.append(item.text)
            continue
        node = _node(item)
        if node is None:
            continue
        text = _label(node)
        if text:
            parts.append(text)
            size += len(text)
        kind = node.get("type")
        if kind in _BLOCK_TYPES:
            stack.append(_NEWLINE)
        elif kind in _CELL_TYPES:
            stack.append(_SPACE)
        stack.extend(reversed(_children(node)))
    return "".join(parts)[:limit]


class _Separator:
    """Text pushed on the plain-text stack between blocks (never mistaken for content)."""

    def __init__(self, text: str) -> None:
        self.text = text


_NEWLINE, _SPACE = _Separator("\n"), _Separator(" ")


def to_text(doc: object) -> str:
    """Return the plain text of an ADF document, for snippets and search."""
    text = _plain(doc, 10 * MAX_OUTPUT)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- HTML -------------------------------------------------------------------------------------


class _Html:
    """One rendering pass: walks nodes through RENDERERS within a depth and output budget."""

    def __init__(self, media: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.left = MAX_OUTPUT
        self.truncated = False
        self.media = media  # attrs of a media node -> api.media.MediaTarget or None (see to_html)

    def render(self, raw: object, depth: int) -> str:
        """Return one node as HTML."""
        node = _node(raw)
        if node is None or self.truncated:
            return ""
        self.left -= 8
        if self.left <= 0:
            self.truncated = True
            return ""
        if depth > MAX_DEPTH:
            return '<span class="adf-flat">' + self.text(_plain(node, self.left + 1)) + "</span>"
        out = RENDERERS.get(node.get("type"), _unknown)(self, node, depth)
        return _apply_marks(out, _marks(node)) if "marks" in node else out

    def inner(self, node: Node, depth: int) -> str:
        """Return the node's children as HTML."""
        parts = []
        for child in _children(node):
            if self.truncated:
                break
            parts.append(self.render(child, depth + 1))
        return "".join(parts)

    def text(self, value: str) -> str:
        """Return value escaped, counted against the output budget."""
        if len(value) > self.left:
            value, self.truncated = value[: max(self.left, 0)], True
        self.left -= len(value)
        return _esc(value)


def _tag(name: str, cls: str = "", **attrs: str | None) -> tuple[str, str]:
    """Return an opening and closing tag; attribute values are escaped, None ones left out."""
    pairs = ([("class", cls)] if cls else []) + [(k.replace("_", "-"), v) for k, v in attrs.items()]
    rendered = "".join(f' {k}="{_esc(v)}"' for k, v in pairs if v is not None)
    return f"<{name}{rendered}>", f"</{name}>"


def _wrap(r: _Html, node: Node, depth: int, name: str, cls: str = "", **attrs: str | None) -> str:
    """Return the node's children inside one element."""
    start, end = _tag(name, cls, **attrs)
    return start + r.inner(node, depth) + end


def _simple(name: str, cls: str = "") -> Callable[[_Html, Node, int], str]:
    """Return a renderer that wraps children in one fixed element."""
    return lambda r, node, depth: _wrap(r, node, depth, name, cls)


def _text(r: _Html, node: Node, depth: int) -> str:
    return r.text(_str(node.get("text")))


def _heading(r: _Html, node: Node, depth: int) -> str:
    level = _int(_attrs(node).get("level"), 1, 1, 6)
    return _wrap(r, node, depth, f"h{level}", "adf-heading")


def _ordered_list(r: _Html, node: Node, depth: int) -> str:
    order = _int(_attrs(node).get("order"), 1, 0, 999_999_999)
    return _wrap(r, node, depth, "ol", "adf-list", start=str(order) if order != 1 else None)


def _code_block(r: _Html, node: Node, depth: int) -> str:
    language = _str(_attrs(node).get("language")).lower()
    cls = f"language-{language}" if _LANGUAGE.fullmatch(language) else ""
    code_start, code_end = _tag("code", cls, data_language=language if cls else None)
    return f'<pre class="adf-code">{code_start}{r.text(_plain(_children(node), r.left + 1))}{code_end}</pre>'


def _panel(r: _Html, node: Node, depth: int) -> str:
    attrs = _attrs(node)
    kind = attrs.get("panelType") if attrs.get("panelType") in _PANEL_TYPES else "info"
    colour = _colour(attrs.get("panelColor")) if kind == "custom" else None
    style = f"background-color:{colour}" if colour else None
    return _wrap(r, node, depth, "div", f"adf-panel adf-panel-{kind}", role="note", style=style)


def _table(r: _Html, node: Node, depth: int) -> str:
    body = _wrap(r, node, depth, "tbody")
    return f'<div class="adf-table-wrap"><table class="adf-table">{body}</table></div>'


def _cell(name: str) -> Callable[[_Html, Node, int], str]:
    """Return a renderer for table cells (th or td) with small colspan/rowspan and background."""

    def render(r: _Html, node: Node, depth: int) -> str:
        attrs = _attrs(node)
        span = {k: _int(attrs.get(k), 1, 1, 100) for k in ("colspan", "rowspan")}
        colour = _colour(attrs.get("background"))
        return _wrap(
            r, node, depth, name, "adf-cell",
            colspan=str(span["colspan"]) if span["colspan"] > 1 else None,
            rowspan=str(span["rowspan"]) if span["rowspan"] > 1 else None,
            style=f"background-color:{colour}" if colour else None,
        )

    return render


def _expand(r: _Html, node: Node, depth: int) -> str:
    title = _str(_attrs(node).get("title")) or "Details"
    body = _wrap(r, node, depth, "div", "adf-expand-body")
    return f'<details class="adf-expand"><summary>{r.text(title)}</summary>{body}</details>'


def _task_list(r: _Html, node: Node, depth: int) -> str:
    items = []
    for child in _children(node):
        item = r.render(child, depth + 1)
        nested = isinstance(child, dict) and child.get("type") == "taskList"
        items.append(f'<li class="adf-task-nested">{item}</li>' if nested else item)
    return '<ul class="adf-tasks">' + "".join(items) + "</ul>"


def _task_item(r: _Html, node: Node, depth: int) -> str:
    done = _attrs(node).get("state") == "DONE"
    state = "done" if done else "todo"
    box = f'<input type="checkbox" disabled{" checked" if done else ""} aria-label="{state}">'
    body = _wrap(r, node, depth, "span", "adf-task-body")
    return f'<li class="adf-task adf-task-{state}">{box} {body}</li>'


def _decision_item(r: _Html, node: Node, depth: int) -> str:
    return _wrap(r, node, depth, "li", "adf-decision")


def _media(r: _Html, node: Node, depth: int) -> str:
    attrs = _attrs(node)
    name = r.text(_media_name(node))
    url = _safe_url(attrs.get("url")) if attrs.get("type") == "external" else None
    if url and url.lower().startswith(("http:", "https:")):
        start, end = _tag("a", "adf-media adf-media-external", href=url, rel="noopener noreferrer")
        return f"{start}{name if _str(attrs.get('alt')) else r.text(url)}{end}"
    if attrs.get("type") == "external":
        return f'<span class="adf-media" title="Image not shown here">{name}</span>'
    if r.media is None:
        return f'<span class="adf-media adf-media-kept"><span class="adf-media-label">Attachment:</span> {name}</span>'
    return _attached(r.media(attrs), node, attrs, name)


_APP_PATH = re.compile(r"/(?![/\\])[^\s\\]*")  # a path on the app itself: never another host


def _attached(target: Any, node: Node, attrs: dict[str, Any], name: str) -> str:
    """Return a file's media node: its image or a link through the app, or a placeholder naming it when not attached."""
    file_url = getattr(target, "file_url", "")
    if not _APP_PATH.fullmatch(file_url):
        return f'<span class="adf-media adf-media-missing"><span class="adf-media-label">Not attached to this issue:</span> {name}</span>'
    image_url = getattr(target, "image_url", "")
    if node.get("type") == "mediaInline" or not _APP_PATH.fullmatch(image_url):
        start, end = _tag("a", "adf-media adf-media-file", href=file_url)
        return start + name + end
    width, height = (_int(attrs.get(k), 0, 0, 10_000) for k in ("width", "height"))
    size = {"width": str(width), "height": str(height)} if width and height else {}
    image = _tag("img", "adf-media-image", src=image_url, alt=_str(attrs.get("alt")) or getattr(target, "name", ""),
                 loading="lazy", **size)[0]
    if any(mark.get("type") == "link" for mark in _marks(node)):
        return image  # the node's own link mark wraps it
    start, end = _tag("a", "adf-media-image-link", href=file_url)
    return start + image + end


def _card(cls: str, block: bool) -> Callable[[_Html, Node, int], str]:
    """Return a renderer that shows a smart card as a plain link (or text when not allowed)."""

    def render(r: _Html, node: Node, depth: int) -> str:
        text = _card_url(node)
        url = _safe_url(text)
        if url:
            start, end = _tag("a", f"adf-card {cls}", href=url, rel="noopener noreferrer")
        else:
            start, end = _tag("span", f"adf-card {cls}")
        inner = start + r.text(text or "link") + end
        return f'<div class="adf-card-block">{inner}</div>' if block else inner

    return render


def _mention(r: _Html, node: Node, depth: int) -> str:
    account = _str(_attrs(node).get("id"))
    start, end = _tag(
        "span", "adf-mention",
        data_account_id=account if _ACCOUNT_ID.fullmatch(account) else None,
    )
    return start + r.text(_mention_text(node)) + end


def _emoji(r: _Html, node: Node, depth: int) -> str:
    short_name = _str(_attrs(node).get("shortName"))
    start, end = _tag("span", "adf-emoji", title=short_name or None)
    return start + r.text(_label(node)) + end


def _status(r: _Html, node: Node, depth: int) -> str:
    colour = _attrs(node).get("color")
    colour = colour if colour in _STATUS_COLOURS else "neutral"
    return f'<span class="adf-status adf-status-{colour}">{r.text(_label(node))}</span>'


def _date_node(r: _Html, node: Node, depth: int) -> str:
    iso = _date(_attrs(node).get("timestamp"))
    if iso:
        return f'<time class="adf-date" datetime="{iso}">{iso}</time>'
    return f'<span class="adf-date">{r.text(_label(node))}</span>'


def _placeholder(r: _Html, node: Node, depth: int) -> str:
    return f'<span class="adf-placeholder">{r.text(_label(node))}</span>'


def _extension(name: str, body: bool) -> Callable[[_Html, Node, int], str]:
    """Return a renderer that shows an app macro as a visible placeholder."""

    def render(r: _Html, node: Node, depth: int) -> str:
        attrs = _attrs(node)
        title = _str(attrs.get("text")) or _str(attrs.get("extensionKey")).rsplit("/", 1)[-1]
        label = r.text("Not shown here: " + (title or "app content"))
        inner = _wrap(r, node, depth, "div", "adf-extension-body") if body else ""
        return f'<{name} class="adf-extension"><span class="adf-extension-label">{label}</span>{inner}</{name}>'

    return render


def _unknown(r: _Html, node: Node, depth: int) -> str:
    inner = r.inner(node, depth)
    text = "" if inner else _label(node)
    return f'<span class="adf-unknown">{r.text(text)}</span>' if text else inner


RENDERERS: dict[str, Callable[[_Html, Node, int], str]] = {
    "doc": lambda r, node, depth: r.inner(node, depth),
    "text": _text,
    "paragraph": _simple("p", "adf-p"),
    "heading": _heading,
    "bulletList": _simple("ul", "adf-list"),
    "orderedList": _ordered_list,
    "listItem": _simple("li"),
    "codeBlock": _code_block,
    "blockquote": _simple("blockquote", "adf-quote"),
    "rule": lambda r, node, depth: '<hr class="adf-rule">',
    "hardBreak": lambda r, node, depth: "<br>",
    "panel": _panel,
    "table": _table,
    "tableRow": _simple("tr"),
    "tableHeader": _cell("th"),
    "tableCell": _cell("td"),
    "expand": _expand,
    "nestedExpand": _expand,
    "layoutSection": _simple("div", "adf-layout"),
    "layoutColumn": _simple("div", "adf-layout-column"),
    "taskList": _task_list,
    "taskItem": _task_item,
    "decisionList": _simple("ul", "adf-decisions"),
    "decisionItem": _decision_item,
    "mediaSingle": _simple("figure", "adf-media-single"),
    "mediaGroup": _simple("div", "adf-media-group"),
    "media": _media,
    "mediaInline": _media,
    "caption": _simple("figcaption", "adf-caption"),
    "mention": _mention,
    "emoji": _emoji,
    "status": _status,
    "date": _date_node,
    "inlineCard": _card("adf-card-inline", block=False),
    "blockCard": _card("adf-card-block-link", block=True),
    "embedCard": _card("adf-card-embed", block=True),
    "placeholder": _placeholder,
    "extension": _extension("div", body=False),
    "inlineExtension": _extension("span", body=False),
    "bodiedExtension": _extension("div", body=True),
}


def _link_mark(attrs: dict[str, Any]) -> tuple[str, str] | None:
    href = _safe_url(attrs.get("href"))
    title = _str(attrs.get("title")) or None
    return _tag("a", "adf-link", href=href, title=title, rel="noopener noreferrer") if href else None


def _colour_mark(cls: str, prop: str) -> Callable[[dict[str, Any]], tuple[str, str] | None]:
    """Return a mark handler that turns a validated colour into a style."""

    def handle(attrs: dict[str, Any]) -> tuple[str, str] | None:
        colour = _colour(attrs.get("color"))
        return _tag("span", cls, style=f"{prop}:{colour}") if colour else None

    return handle


def _subsup_mark(attrs: dict[str, Any]) -> tuple[str, str] | None:
    kind = attrs.get("type")
    return _tag(kind) if kind in ("sub", "sup") else None


def _alignment_mark(attrs: dict[str, Any]) -> tuple[str, str] | None:
    align = attrs.get("align")
    return _tag("div", f"adf-align-{align}") if align in ("center", "end") else None


def _indentation_mark(attrs: dict[str, Any]) -> tuple[str, str]:
    return _tag("div", f"adf-indent-{_int(attrs.get('level'), 1, 1, 6)}")


def _border_mark(attrs: dict[str, Any]) -> tuple[str, str]:
    colour = _colour(attrs.get("color"))
    size = _int(attrs.get("size"), 1, 1, 3)
    return _tag("span", f"adf-border adf-border-{size}", style=f"border-color:{colour}" if colour else None)


MARKS: dict[str, Callable[[dict[str, Any]], tuple[str, str] | None]] = {
    "strong": lambda a: _tag("strong"),
    "em": lambda a: _tag("em"),
    "code": lambda a: _tag("code", "adf-inline-code"),
    "strike": lambda a: _tag("s"),
    "underline": lambda a: _tag("u"),
    "subsup": _subsup_mark,
    "textColor": _colour_mark("adf-text-color", "color"),
    "backgroundColor": _colour_mark("adf-bg-color", "background-color"),
    "link": _link_mark,
    "alignment": _alignment_mark,
    "indentation": _indentation_mark,
    "border": _border_mark,
}


def _apply_marks(inner: str, marks: list[Node]) -> str:
    """Return inner wrapped in the HTML for its marks (first mark outermost); unknown ones are dropped."""
    starts, ends = [], []
    for mark in marks:
        handler = MARKS.get(mark.get("type"))
        tags = handler(_attrs(mark)) if handler else None
        if tags:
            starts.append(tags[0])
            ends.append(tags[1])
    return "".join(starts) + inner + "".join(reversed(ends))


def to_html(doc: object, media: Callable[[dict[str, Any]], Any] | None = None) -> Markup:
    """Return an ADF document as safe HTML (an empty Markup for anything that is not ADF).

    ``media`` finds what a file's media node shows (``api.media.media_resolver``): an image or a
    link through the app, or nothing (a placeholder names the file). Without it media nodes are
    placeholders, as in the editor, where they are kept exactly as they are.
    """
    renderer = _Html(media)
    out = renderer.render(doc, 0)
    return Markup(out + _TRUNCATED if renderer.truncated else out)


# --- Markdown -> ADF --------------------------------------------------------------------------

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
    href = _safe_url(tok.attrs.get("href" if tok.type == "link" else "src"))
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
    href = _str(tok.attrs.get("href"))
    written = href.startswith(_MENTION_SCHEME) and tok.markup != "autolink"  # `<mention:x>` names nobody
    account = href[len(_MENTION_SCHEME):] if written else ""
    name = _inline_text(tok.children).strip()
    if not _ACCOUNT_ID.fullmatch(account) or not name.lstrip("@"):
        return None
    return {"type": "mention", "attrs": {"id": account, "text": name if name.startswith("@") else "@" + name}}


def _inline_text(nodes: list[SyntaxTreeNode]) -> str:
    """Return the plain text of markdown-it inline tokens (line breaks become spaces)."""
    return "".join(
        tok.content if tok.type in ("text", "code_inline", "html_inline")
        else " " if tok.type in ("softbreak", "hardbreak") else _inline_text(tok.children)
        for tok in nodes
    )


def mention_markdown(account_id: str, display_name: str) -> str:
    """Return the Markdown that `from_markdown` turns into a mention of this person."""
    return _Markdown().mention({"type": "mention", "attrs": {"id": account_id, "text": "@" + display_name}}, in_table=False)


def _merge(content: list[Node]) -> list[Node]:
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
    return _merge([n for child in tok.children for n in _inline(child.children, [])])


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
        return [_paragraph(_lines(_plain(_children(block), 10 * MAX_OUTPUT), [{"type": "code"}]))]
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
            paragraphs[0] = _paragraph(_merge([_text_node(marker, []), *first.get("content", [])]))
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
        level = _int(tok.tag[1:], 1, 1, 6)
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


# --- ADF -> Markdown --------------------------------------------------------------------------

_ESCAPE_ALWAYS = re.compile(r"[*`\[\]]|\\(?=[!-/:-@\[-`{-~]|$)|<(?=[A-Za-z/!?])|~(?=~)|(?<=~)~"
                            r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^([#>+=\-])|^(\d{1,9})([.)])")
_MD_DELIMS = {"strong": "**", "em": "*", "strike": "~~"}


def _md_escape(text: str, line_start: bool, in_table: bool) -> str:
    """Return text with Markdown syntax characters backslash-escaped."""
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
        node = _node(raw)
        if node is None or not isinstance(raw, dict) or depth > 40:
            return self.lossy(_plain(raw, MAX_OUTPUT))
        kind = node.get("type")
        if kind == "paragraph":
            return self.inline(_children(node), in_table=False) or None
        if kind == "heading":
            level = _int(_attrs(node).get("level"), 1, 1, 6)
            return "#" * level + " " + self.inline(_children(node), in_table=False)
        if kind in ("bulletList", "orderedList"):
            return self.list(node, depth)
        if kind == "codeBlock":
            return self.code_block(node)
        if kind == "blockquote":
            inner = self.blocks(_children(node), depth + 1)
            return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
        if kind == "rule":
            return "---"
        if kind == "table":
            return self.table(node)
        return self.lossy(to_text(node))

    def list(self, node: Node, depth: int) -> str:
        """Return a bullet or ordered list."""
        start = _int(_attrs(node).get("order"), 1, 0, 999_999_999)
        items = []
        for offset, item in enumerate(_children(node)):
            marker = "- " if node.get("type") == "bulletList" else f"{start + offset}. "
            if not isinstance(item, dict) or item.get("type") != "listItem":
                self.lossy()
            body = self.blocks(_children(item) if isinstance(item, dict) else [item], depth + 1)
            indent = " " * len(marker)
            items.append(marker + body.replace("\n", "\n" + indent).replace("\n" + indent + "\n", "\n\n"))
        return "\n".join(items)

    def code_block(self, node: Node) -> str:
        """Return a fenced code block."""
        text = _plain(_children(node), 10 * MAX_OUTPUT)
        fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
        language = _str(_attrs(node).get("language"))
        if language and not re.fullmatch(r"[^\s`]+", language):
            language = self.lossy("")
        return f"{fence}{language}\n{text}\n{fence}"

    def table(self, node: Node) -> str:
        """Return a pipe table (header row first), or flag a loss for shapes it cannot carry."""
        rows = []
        for index, row in enumerate(_children(node)):
            cells = _children(row) if isinstance(row, dict) else []
            expected = "tableHeader" if index == 0 else "tableCell"
            texts = []
            for cell in cells:
                if not isinstance(cell, dict) or cell.get("type") != expected:
                    self.lossy()
                cell = cell if isinstance(cell, dict) else {}
                attrs = _attrs(cell)
                if _int(attrs.get("colspan"), 1, 1, 100) > 1 or _int(attrs.get("rowspan"), 1, 1, 100) > 1 or attrs.get("background"):
                    self.lossy()
                blocks = _children(cell)
                if len(blocks) > 1 or any(not isinstance(b, dict) or b.get("type") != "paragraph" for b in blocks):
                    self.lossy()
                content = _children(blocks[0]) if len(blocks) == 1 and isinstance(blocks[0], dict) else []
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
            node = _node(raw)
            if node is None:
                continue
            kind = node.get("type")
            if kind == "hardBreak" and not _children(node):
                items.append((frozenset(), "\n"))
                line_start = True
                continue
            if kind == "mention" and not _children(node) and not _marks(node):
                items.append((frozenset(), self.mention(node, in_table)))
            elif kind != "text" or _children(node):
                items.append((frozenset(), _md_escape(self.lossy(to_text(node)), line_start, in_table)))
            else:
                items.append(self.leaf(node, line_start, in_table))
            line_start = False
        return self.runs(items, 0, len(items), frozenset())

    def leaf(self, node: Node, line_start: bool, in_table: bool) -> tuple[frozenset[Any], str]:
        """Return a text node's Markdown marks and its escaped text (or code span)."""
        text = _str(node.get("text"))
        keys = set()
        for mark in _marks(node):
            kind = mark.get("type")
            if kind in _MD_DELIMS:
                keys.add(kind)
            elif kind == "link" and _safe_url(_attrs(mark).get("href")):
                keys.add(("link", _safe_url(_attrs(mark).get("href")), _str(_attrs(mark).get("title"))))
            elif kind != "code":
                self.lossy()
        if any(m.get("type") == "code" for m in _marks(node)):
            return frozenset(keys), _code_span(text.replace("|", "\\|") if in_table else text)
        return frozenset(keys), _md_escape(text, line_start, in_table)

    def mention(self, node: Node, in_table: bool) -> str:
        """Return a mention as `[@Name](mention:ACCOUNT_ID)`, or as its text when the id cannot be written so."""
        account = _str(_attrs(node).get("id"))
        label = _md_escape(_mention_text(node), False, in_table)
        return f"[{label}]({_MENTION_SCHEME}{account})" if _ACCOUNT_ID.fullmatch(account) else self.lossy(label)

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


def _canon(node: Node) -> list[Node]:
    """Return the part of a node that Markdown can carry, for the lossless comparison."""
    kind = node.get("type")
    if kind == "text":
        return _canon_text(_str(node.get("text")), sorted((_canon_mark(m) for m in _marks(node)), key=str))
    out: Node = {"type": kind}
    attrs = _attrs(node)
    if kind == "heading":
        out["level"] = attrs.get("level")
    elif kind == "orderedList":
        out["order"] = attrs.get("order", 1)
    elif kind == "codeBlock":
        out["language"] = attrs.get("language") or None
    elif kind == "mention":
        out["id"], out["text"] = attrs.get("id"), attrs.get("text")
    if _marks(node):
        out["marks"] = [_canon_mark(m) for m in _marks(node)]
    children = [piece for c in _children(node) if isinstance(c, dict) for piece in _canon(c)]
    out["content"] = _merge([c for c in children if c != {"type": "paragraph", "content": []}])
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
    attrs = _attrs(mark)
    return {"type": "link", "href": attrs.get("href"), "title": attrs.get("title") or None}


def _deeper_than(root: Node, limit: int) -> bool:
    """Return whether the tree nests deeper than limit (checked without recursion)."""
    stack: list[tuple[object, int]] = [(root, 0)]
    while stack:
        raw, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(raw, dict):
            stack.extend((child, depth + 1) for child in _children(raw))
    return False


def to_markdown(doc: object) -> tuple[str, bool]:
    """Return (Markdown, lossless); lossless is False when from_markdown would not give doc back."""
    writer = _Markdown()
    node = _node(doc)
    if node is None or node.get("type") != "doc":
        return to_text(doc), node is None
    text = writer.blocks(_children(node), 0)
    if writer.lossless and not _deeper_than(node, 60):
        writer.lossless = _canon(from_markdown(text)) == _canon(node)
    else:
        writer.lossless = False
    return text, writer.lossless
