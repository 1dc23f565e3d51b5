"""Decoding Jira's JSON quickly, whatever its depth: containers nested too deep are read as empty ones.

msgspec reads JSON in half the time ``json`` takes; it is strict (no NaN, no BOM, UTF-8 only), so
whatever it refuses goes to ``json``, which keeps exactly ``json``'s answers and errors.

``json.loads`` recurses once per nesting level and raises ``RecursionError`` (not a
``ValueError``) when a document is nested deeper than Python's recursion limit allows from where
it is called: 490 nested blockquotes in a description (about 980 levels) were enough. Jira may
store such a document, so it must not stop a page: when decoding overflows, the text is read
again with every container deeper than ``MAX_DEPTH`` levels replaced by an empty one of its kind
(``[]`` or ``{}``), so everything above it, the rest of the issue included, still arrives. The ADF
renderer shows nesting past its own limit flat, so what is dropped here is only what no page
would show as structure anyway. Text that stays broken after that is a ``ValueError``, as for any
other body that is not JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

MAX_DEPTH = 400  # JSON levels kept; far below the recursion limit, well above what the ADF renderer draws
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_EMPTY = {"[": "[]", "{": "{}"}


def loads(body: bytes | str) -> Any:
    """Return the decoded JSON; raise ValueError when it is not JSON (deep nesting is not an error)."""
    try:
        return msgspec.json.decode(body)
    except (msgspec.MsgspecError, ValueError, RecursionError):
        pass  # json decides: its answers for NaN and the like, its errors, and the depth fallback below
    try:
        return json.loads(body)
    except RecursionError:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        return json.loads(flatten_deep(text, MAX_DEPTH))


def flatten_deep(text: str, max_depth: int) -> str:
    """Return ``text`` with every container nested deeper than ``max_depth`` replaced by an empty one.

    Strings are skipped whole (escapes included), so brackets inside them count for nothing. A
    container left open at the end is cut off there, leaving text that does not decode.
    """
    parts, depth, kept_until, opened_at = [], 0, 0, None
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in _EMPTY:
            depth += 1
            if depth == max_depth + 1:
                opened_at = token.start()
        elif char in "]}":
            if depth == max_depth + 1 and opened_at is not None:
                parts += [text[kept_until:opened_at], _EMPTY[text[opened_at]]]
                kept_until, opened_at = token.end(), None
            depth -= 1
    parts.append(text[kept_until:] if opened_at is None else text[kept_until:opened_at])
    return "".join(parts)
