"""JQL as text: quoting values, finding a query's ORDER BY and giving it a new one.

Nothing here builds a query by pasting untrusted text into it. A value becomes one string
literal with ``quote`` (every character a JQL string may not hold raw is escaped); field names
come from the caller's allow-lists; a person's own query is only ever cut where the tokenizer
finds ``ORDER BY`` outside any string or parentheses, and the new ``ORDER BY`` is made from
allow-listed names and the person's own earlier sort keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Jira's reserved words (the "jqlReservedWords" of jql/autocompletedata): a value spelt like one
# must be quoted, as must anything with a space or one of Jira's reserved characters.
RESERVED_WORDS = frozenset("""
abort access add after alias all alter and any as asc audit avg before begin between boolean break by byte
catch cf char character check checkpoint collate collation column commit connect continue count create current
date decimal declare decrement default defaults define delete delimiter desc difference distinct divide do
double drop else empty encoding end equals escape exclusive exec execute exists explain false fetch file field
first float for from function go goto grant greater group having identified if immediate in increment index
initial inner inout input insert int integer intersect intersection into is isempty isnull join last left less
like limit lock long max min minus mode modify modulo more multiply next noaudit not notin nowait null number
object of on option or order outer output power previous prior privileges public raise raw remainder rename
resource return returns revoke right row rowid rownum rows select session set share size sqrt start strict
string subtract sum synonym table then to trans transaction trigger true uid union unique update user validate
values view when whenever where while with
""".split())

_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BARE = re.compile(r"[A-Za-z0-9_]+")
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_STOPS = frozenset(" \t\r\n\f\v\"'(),=!<>~&|")
_OPERATORS = ("!=", "<=", ">=", "!~", "&&", "||")


class UnclosedString(ValueError):
    """The query has a quoted string that never ends, so where it stops cannot be known."""


def _must_escape(char: str) -> bool:
    """Return whether a character may not stand raw inside a JQL string (controls, noncharacters)."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code in (0xFFFE, 0xFFFF)


def quote(value: str) -> str:
    """Return ``value`` as one double-quoted JQL string literal that means exactly ``value``.

    Quotes and backslashes are escaped, newlines and tabs get their short escapes, and other
    control characters (and what Java cannot hold raw) become ``\\uXXXX``, so nothing typed can
    end the string early or reach Jira's parser as anything but text.
    """
    out = []
    for char in value:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif _must_escape(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def literal(value: str) -> str:
    """Return ``value`` as JQL writes it: bare when it is a plain word, else quoted.

    A value that is already one complete quoted string (Jira's suggestions come that way when
    they hold a space) is kept as it is.
    """
    if _BARE.fullmatch(value) and value.lower() not in RESERVED_WORDS:
        return value
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        try:
            tokens = tokenize(value)
        except UnclosedString:
            tokens = []
        if len(tokens) == 1 and tokens[0].kind == "string":
            return value
    return quote(value)


@dataclass(frozen=True)
class Token:
    """One piece of a query: a word, a string (quotes included), an operator or a parenthesis/comma."""

    kind: str  # "word", "string" or "op"
    text: str
    start: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


def tokenize(jql: str) -> list[Token]:
    """Return the query's tokens, as Jira's lexer would split them; raise UnclosedString."""
    tokens, i, end = [], 0, len(jql)
    while i < end:
        char = jql[i]
        if char.isspace():
            i += 1
        elif char in "\"'":
            close = _string_end(jql, i)
            tokens.append(Token("string", jql[i:close], i))
            i = close
        elif jql.startswith(_OPERATORS, i):
            tokens.append(Token("op", jql[i:i + 2], i))
            i += 2
        elif char in _STOPS:
            tokens.append(Token("op", char, i))
            i += 1
        else:
            start = i
            while i < end and jql[i] not in _STOPS and not jql[i].isspace():
                i += 1
            tokens.append(Token("word", jql[start:i], start))
    return tokens


def _string_end(jql: str, start: int) -> int:
    """Return the index just past the string that opens at ``start``."""
    quote_char, i = jql[start], start + 1
    while i < len(jql):
        if jql[i] == "\\":
            i += 2
        elif jql[i] == quote_char:
            return i + 1
        else:
            i += 1
    raise UnclosedString(jql[start:start + 40])


@dataclass(frozen=True)
class SortKey:
    """One ``ORDER BY`` entry: the field as written, and ASC/DESC when the query says."""

    field: str
    descending: bool | None = None

    @property
    def name(self) -> str:
        """Return the field name without quotes, lower-cased, for comparing."""
        text = self.field
        if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
            text = text[1:-1]
        return text.lower()

    def __str__(self) -> str:
        return self.field if self.descending is None else f"{self.field} {'DESC' if self.descending else 'ASC'}"


def split_order_by(jql: str) -> tuple[str, list[SortKey]]:
    """Return the query without its top-level ORDER BY, and that ORDER BY's keys; raise UnclosedString."""
    tokens = tokenize(jql)
    depth = 0
    for n, token in enumerate(tokens):
        if token.kind == "op" and token.text in "()":
            depth += 1 if token.text == "(" else -1
        elif depth == 0 and token.is_word("order") and n + 1 < len(tokens) and tokens[n + 1].is_word("by"):
            return jql[:token.start].rstrip(), _sort_keys(jql, tokens[n + 2:])
    return jql.strip(), []


def _sort_keys(jql: str, tokens: list[Token]) -> list[SortKey]:
    """Return the keys of an ORDER BY clause from its tokens (field text as the person wrote it)."""
    keys: list[SortKey] = []
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "op" and token.text == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    for group in groups:
        if not group:
            continue
        direction = None
        if len(group) > 1 and group[-1].is_word("asc", "desc"):
            direction = group.pop().is_word("desc")
        first, last = group[0], group[-1]
        keys.append(SortKey(jql[first.start:last.start + len(last.text)], direction))
    return keys


def current_sort(jql: str) -> SortKey | None:
    """Return the first ORDER BY key of a query, or None (no ORDER BY, or a query that cannot be read)."""
    try:
        keys = split_order_by(jql)[1]
    except UnclosedString:
        return None
    return keys[0] if keys else None


def with_order(jql: str, field: str, descending: bool) -> str | None:
    """Return the query sorted first by ``field`` (a plain field name), keeping its other sort keys.

    Returns None when the query cannot be read safely (an unclosed string), rather than guess.
    """
    if not _FIELD_NAME.fullmatch(field):
        raise ValueError(f"not a plain JQL field name: {field!r}")
    try:
        where, keys = split_order_by(jql)
    except UnclosedString:
        return None
    order = [SortKey(field, descending)] + [key for key in keys if key.name != field.lower()]
    clause = "ORDER BY " + ", ".join(str(key) for key in order)
    return f"{where} {clause}" if where else clause
