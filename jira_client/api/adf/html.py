"""ADF to safe HTML: the only code in the project that creates `Markup`.

Everything that arrives from Jira is untrusted, so `to_html` renders through an allow-list:
nodes go through the `RENDERERS` table and marks through `MARKS`, every text node is escaped
(C0 control characters removed), every attribute is validated before it becomes HTML (links
keep only http/https/mailto, the only `style` is a validated colour), unknown nodes show their
children or a visible placeholder and never drop text, and malformed input never raises.

Files embedded by media nodes are shown only through the caller's ``media`` resolver (see
`to_html`): an image or a link on the app's own paths, a placeholder naming the file otherwise;
a browser is never pointed at another host for them.

Hostile size is bounded two ways: nesting deeper than `MAX_DEPTH` is rendered flat as escaped
text, and rendering stops after about `MAX_OUTPUT` characters with a visible notice.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from jira_client.api.adf.nodes import (
    ACCOUNT_ID,
    MAX_DEPTH,
    MAX_OUTPUT,
    Node,
    attrs_of,
    card_url,
    children_of,
    int_of,
    iso_date,
    label,
    marks_of,
    media_name,
    mention_text,
    node_of,
    safe_url,
    str_of,
)
from jira_client.api.adf.text import plain_text

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_LANGUAGE = re.compile(r"[a-z0-9+#\-]{1,30}")
_PANEL_TYPES = frozenset({"info", "note", "warning", "success", "error", "tip", "custom"})
_STATUS_COLOURS = frozenset({"neutral", "purple", "blue", "red", "yellow", "green"})
_TRUNCATED = (
    '<p class="adf-truncated">This content is too large to show in full; the rest was cut.</p>'
)


def _colour(value: object) -> str | None:
    """Return a `#rgb`/`#rrggbb` colour, or None."""
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else None


_NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls but tab and newlines
_TO_ESCAPE = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what _esc changes


def _esc(value: str) -> str:
    """Return value escaped for HTML text and double-quoted attributes, without control characters.

    HTML has no place for NUL and the other C0 controls; parsers drop or replace them, each
    differently, so they are removed here rather than left for a browser to interpret. Most text
    has nothing to change, which one regex scan finds out (in C) before any copy is made.
    """
    if _TO_ESCAPE.search(value) is None:
        return value
    return html.escape(_NOT_IN_HTML.sub("", value), quote=True)


class _Html:
    """One rendering pass: walks nodes through RENDERERS within a depth and output budget.

    Every node costs 8 characters of the budget and its text what it is long. `render` does the
    work of `_text` itself for text nodes (about half of all nodes), and `inner` reads a list
    `content` directly: the same output, a few calls fewer per node.
    """

    __slots__ = ("left", "truncated", "media")

    def __init__(self, media: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.left = MAX_OUTPUT
        self.truncated = False
        self.media = media  # attrs of a media node -> api.media.MediaTarget or None (see to_html)

    def render(self, raw: object, depth: int) -> str:
        """Return one node as HTML."""
        node = raw if raw.__class__ is dict else node_of(raw)
        if node is None or self.truncated:
            return ""
        left = self.left = self.left - 8
        if left <= 0:
            self.truncated = True
            return ""
        if depth > MAX_DEPTH:
            return '<span class="adf-flat">' + self.text(plain_text(node, left + 1)) + "</span>"
        kind = node.get("type")
        if kind == "text":
            value = node.get("text")
            if value.__class__ is not str:
                value = str_of(value)
            if len(value) > left:
                value, self.truncated = value[:left], True
            self.left = left - len(value)
            out = value if _TO_ESCAPE.search(value) is None else _esc(value)
        else:
            out = RENDERERS.get(kind, _unknown)(self, node, depth)
        return _apply_marks(out, marks_of(node)) if "marks" in node else out

    def inner(self, node: Node, depth: int) -> str:
        """Return the node's children as HTML."""
        content = node.get("content")
        if content.__class__ is not list:
            content = children_of(node)
        depth += 1
        render = self.render
        parts = []
        for child in content:
            if self.truncated:
                break
            parts.append(render(child, depth))
        return "".join(parts)

    def text(self, value: str) -> str:
        """Return value escaped, counted against the output budget."""
        if len(value) > self.left:
            value, self.truncated = value[: max(self.left, 0)], True
        self.left -= len(value)
        return _esc(value)


def _tag(name: str, cls: str = "", **attrs: str | None) -> tuple[str, str]:
    """Return an opening and closing tag; attribute values are escaped, None ones left out."""
    rendered = f' class="{_esc(cls)}"' if cls else ""
    for key, value in attrs.items():
        if value is not None:
            rendered += f' {key.replace("_", "-")}="{_esc(value)}"'
    return f"<{name}{rendered}>", f"</{name}>"


def _wrap(r: _Html, node: Node, depth: int, name: str, cls: str = "", **attrs: str | None) -> str:
    """Return the node's children inside one element."""
    start, end = _tag(name, cls, **attrs)
    return start + r.inner(node, depth) + end


def _simple(name: str, cls: str = "") -> Callable[[_Html, Node, int], str]:
    """Return a renderer that wraps children in one fixed element (its tags made once, here)."""
    start, end = _tag(name, cls)
    return lambda r, node, depth: start + r.inner(node, depth) + end


def _text(r: _Html, node: Node, depth: int) -> str:
    return r.text(str_of(node.get("text")))


_HEADINGS = {level: _tag(f"h{level}", "adf-heading") for level in range(1, 7)}


def _heading(r: _Html, node: Node, depth: int) -> str:
    start, end = _HEADINGS[int_of(attrs_of(node).get("level"), 1, 1, 6)]
    return start + r.inner(node, depth) + end


def _ordered_list(r: _Html, node: Node, depth: int) -> str:
    order = int_of(attrs_of(node).get("order"), 1, 0, 999_999_999)
    return _wrap(r, node, depth, "ol", "adf-list", start=str(order) if order != 1 else None)


def _code_block(r: _Html, node: Node, depth: int) -> str:
    language = str_of(attrs_of(node).get("language")).lower()
    cls = f"language-{language}" if _LANGUAGE.fullmatch(language) else ""
    code_start, code_end = _tag("code", cls, data_language=language if cls else None)
    return f'<pre class="adf-code">{code_start}{r.text(plain_text(children_of(node), r.left + 1))}{code_end}</pre>'


def _panel(r: _Html, node: Node, depth: int) -> str:
    attrs = attrs_of(node)
    kind = attrs.get("panelType") if attrs.get("panelType") in _PANEL_TYPES else "info"
    colour = _colour(attrs.get("panelColor")) if kind == "custom" else None
    style = f"background-color:{colour}" if colour else None
    return _wrap(r, node, depth, "div", f"adf-panel adf-panel-{kind}", role="note", style=style)


def _table(r: _Html, node: Node, depth: int) -> str:
    body = r.inner(node, depth)
    return f'<div class="adf-table-wrap"><table class="adf-table"><tbody>{body}</tbody></table></div>'


def _cell(name: str) -> Callable[[_Html, Node, int], str]:
    """Return a renderer for table cells (th or td) with small colspan/rowspan and background."""

    plain = _tag(name, "adf-cell")

    def render(r: _Html, node: Node, depth: int) -> str:
        attrs = attrs_of(node)
        if not attrs:
            return plain[0] + r.inner(node, depth) + plain[1]
        colspan, rowspan = (int_of(attrs.get(k), 1, 1, 100) for k in ("colspan", "rowspan"))
        colour = _colour(attrs.get("background"))
        return _wrap(
            r, node, depth, name, "adf-cell",
            colspan=str(colspan) if colspan > 1 else None,
            rowspan=str(rowspan) if rowspan > 1 else None,
            style=f"background-color:{colour}" if colour else None,
        )

    return render


def _expand(r: _Html, node: Node, depth: int) -> str:
    title = str_of(attrs_of(node).get("title")) or "Details"
    body = r.inner(node, depth)
    return f'<details class="adf-expand"><summary>{r.text(title)}</summary><div class="adf-expand-body">{body}</div></details>'


def _task_list(r: _Html, node: Node, depth: int) -> str:
    items = []
    for child in children_of(node):
        item = r.render(child, depth + 1)
        nested = isinstance(child, dict) and child.get("type") == "taskList"
        items.append(f'<li class="adf-task-nested">{item}</li>' if nested else item)
    return '<ul class="adf-tasks">' + "".join(items) + "</ul>"


def _task_item(r: _Html, node: Node, depth: int) -> str:
    done = attrs_of(node).get("state") == "DONE"
    state = "done" if done else "todo"
    box = f'<input type="checkbox" disabled{" checked" if done else ""} aria-label="{state}">'
    body = r.inner(node, depth)
    return f'<li class="adf-task adf-task-{state}">{box} <span class="adf-task-body">{body}</span></li>'


def _media(r: _Html, node: Node, depth: int) -> str:
    attrs = attrs_of(node)
    name = r.text(media_name(node))
    url = safe_url(attrs.get("url")) if attrs.get("type") == "external" else None
    if url and url.lower().startswith(("http:", "https:")):
        start, end = _tag("a", "adf-media adf-media-external", href=url, rel="noopener noreferrer")
        return f"{start}{name if str_of(attrs.get('alt')) else r.text(url)}{end}"
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
    width, height = (int_of(attrs.get(k), 0, 0, 10_000) for k in ("width", "height"))
    size = {"width": str(width), "height": str(height)} if width and height else {}
    image = _tag("img", "adf-media-image", src=image_url, alt=str_of(attrs.get("alt")) or getattr(target, "name", ""),
                 loading="lazy", **size)[0]
    if any(mark.get("type") == "link" for mark in marks_of(node)):
        return image  # the node's own link mark wraps it
    start, end = _tag("a", "adf-media-image-link", href=file_url)
    return start + image + end


def _card(cls: str, block: bool) -> Callable[[_Html, Node, int], str]:
    """Return a renderer that shows a smart card as a plain link (or text when not allowed)."""

    def render(r: _Html, node: Node, depth: int) -> str:
        text = card_url(node)
        url = safe_url(text)
        if url:
            start, end = _tag("a", f"adf-card {cls}", href=url, rel="noopener noreferrer")
        else:
            start, end = _tag("span", f"adf-card {cls}")
        inner = start + r.text(text or "link") + end
        return f'<div class="adf-card-block">{inner}</div>' if block else inner

    return render


def _mention(r: _Html, node: Node, depth: int) -> str:
    account = str_of(attrs_of(node).get("id"))
    start, end = _tag(
        "span", "adf-mention",
        data_account_id=account if ACCOUNT_ID.fullmatch(account) else None,
    )
    return start + r.text(mention_text(node)) + end


def _emoji(r: _Html, node: Node, depth: int) -> str:
    short_name = str_of(attrs_of(node).get("shortName"))
    start, end = _tag("span", "adf-emoji", title=short_name or None)
    return start + r.text(label(node)) + end


def _status(r: _Html, node: Node, depth: int) -> str:
    colour = attrs_of(node).get("color")
    colour = colour if colour in _STATUS_COLOURS else "neutral"
    return f'<span class="adf-status adf-status-{colour}">{r.text(label(node))}</span>'


def _date_node(r: _Html, node: Node, depth: int) -> str:
    iso = iso_date(attrs_of(node).get("timestamp"))
    if iso:
        return f'<time class="adf-date" datetime="{iso}">{iso}</time>'
    return f'<span class="adf-date">{r.text(label(node))}</span>'


def _placeholder(r: _Html, node: Node, depth: int) -> str:
    return f'<span class="adf-placeholder">{r.text(label(node))}</span>'


def _extension(name: str, body: bool) -> Callable[[_Html, Node, int], str]:
    """Return a renderer that shows an app macro as a visible placeholder."""

    def render(r: _Html, node: Node, depth: int) -> str:
        attrs = attrs_of(node)
        title = str_of(attrs.get("text")) or str_of(attrs.get("extensionKey")).rsplit("/", 1)[-1]
        label = r.text("Not shown here: " + (title or "app content"))
        inner = _wrap(r, node, depth, "div", "adf-extension-body") if body else ""
        return f'<{name} class="adf-extension"><span class="adf-extension-label">{label}</span>{inner}</{name}>'

    return render


def _unknown(r: _Html, node: Node, depth: int) -> str:
    inner = r.inner(node, depth)
    text = "" if inner else label(node)
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
    "decisionItem": _simple("li", "adf-decision"),
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
    href = safe_url(attrs.get("href"))
    title = str_of(attrs.get("title")) or None
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
    return _tag("div", f"adf-indent-{int_of(attrs.get('level'), 1, 1, 6)}")


def _border_mark(attrs: dict[str, Any]) -> tuple[str, str]:
    colour = _colour(attrs.get("color"))
    size = int_of(attrs.get("size"), 1, 1, 3)
    return _tag("span", f"adf-border adf-border-{size}", style=f"border-color:{colour}" if colour else None)


def _fixed_mark(name: str, cls: str = "") -> Callable[[dict[str, Any]], tuple[str, str]]:
    """Return a mark handler whose tags never change (made once, here)."""
    tags = _tag(name, cls)
    return lambda attrs: tags


MARKS: dict[str, Callable[[dict[str, Any]], tuple[str, str] | None]] = {
    "strong": _fixed_mark("strong"),
    "em": _fixed_mark("em"),
    "code": _fixed_mark("code", "adf-inline-code"),
    "strike": _fixed_mark("s"),
    "underline": _fixed_mark("u"),
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
        tags = handler(attrs_of(mark)) if handler else None
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
