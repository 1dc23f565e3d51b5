"""Boards as a browser sees them: a card's "Move to" form, the cards of a column, flashed messages."""

from __future__ import annotations

import re
from html import unescape

from tests.support.forms import form_data


def card_html(html: str, key: str) -> str:
    """Return the HTML of the board card of issue ``key`` (it must be on the page)."""
    start = html.index(f'id="card-{key}"')
    return html[start:html.index("</li>", start)]


def move_form(html: str, key: str, column: str, board_id: str | int) -> dict:
    """Return what the card's "Move to" form sends when ``column`` is chosen (it must be offered)."""
    card = card_html(html, key)
    data = form_data(card, f"/boards/{board_id}/move")
    offered = {unescape(label): unescape(value)
               for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', card)}
    assert column in offered, f"{key} cannot be moved to {column!r}; offered: {sorted(offered)}"
    data["to"] = offered[column]
    return data


def column_keys(html: str, column: str) -> list[str]:
    """Return the keys of the cards in the board column called ``column``, in order."""
    found = re.search(r'data-name="%s".*?</section>' % re.escape(column), html, re.S)
    assert found, f"no column {column!r}"
    return re.findall(r'class="board-card" id="card-([A-Z][A-Z0-9_]*-[0-9]+)"', found.group(0))


def flashes(html: str) -> list[tuple[str, str]]:
    """Return the (category, text) of each flashed message on a page."""
    return [(kind, unescape(text)) for kind, text in re.findall(r'class="flash flash-(\w+)" role="status">([^<]*)<', html)]
