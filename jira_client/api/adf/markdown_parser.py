"""The Markdown parser from_markdown uses: markdown-it-py, tuned to give the same tokens sooner.

CommonMark plus tables and strikethrough, raw HTML off (it stays text). A 32,000-character comment
(Jira's limit) should convert in well under the time a person notices, and the parse is most of
that time, so the parser is told to skip what cannot match. Rules whose syntax needs a character
the text does not contain are left out of the parser used for it (one parser kept per set of
rules), and inline content without any syntax character becomes one text token without running
the inline parser. Each of these gives exactly the tokens the stock parser gives
(tests/unit/test_markdown_parser.py compares them).
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# markdown-it tries its block rules at every line and its inline rules at every character that
# may start syntax. None of the rules here can match unless the text holds one of its characters
# (the block rules look for theirs at the start of a line, `table` for a `|` in its header line,
# `lheading` for an underline of `=` or `-`; the inline rules check the character they are at),
# so on text without any of them a parser that leaves the rule out gives the same tokens, sooner.
# (Raw HTML is off, html=False, so its two rules never match and are always left out.) Most
# comments lack several of these characters: no `|`, no `~`, no `&`, no `<`.
_TRIGGERS = {
    # block rules
    "table": "|", "fence": "`~", "blockquote": ">", "hr": "*-_", "reference": "[", "heading": "#",
    "lheading": "=-",
    # inline rules (markdown-it's normalize step turns \r into \n before they run)
    "newline": "\n\r", "escape": "\\", "backticks": "`", "strikethrough": "~", "emphasis": "*_",
    "link": "[", "image": "!", "autolink": "<", "entity": "&",
}
_INLINE_RULES = ("newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image", "autolink", "entity")
# Inline content with none of these has no syntax: the first inline rule, `text`, would take it
# all as one text token, as every other rule fails at its first character.
_INLINE_SYNTAX = re.compile("[" + re.escape("".join(_TRIGGERS[rule] for rule in _INLINE_RULES)) + "]")


def _inline_rule(state: StateCore) -> None:
    """markdown-it's core `inline` rule, which skips the inline parser for text without syntax."""
    md, env = state.md, state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if _INLINE_SYNTAX.search(content) is None:
                if content:
                    token.children.append(Token("text", "", 0, content=content))
            else:
                md.inline.parse(content, md, env, token.children)


@functools.lru_cache(maxsize=64)
def _parser(left_out: tuple[str, ...]) -> MarkdownIt:
    """Return the parser (CommonMark, tables, strikethrough, no raw HTML) without the rules left_out."""
    parser = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
    parser.disable(["html_block", "html_inline", *left_out])
    parser.core.ruler.at("inline", _inline_rule)
    return parser


def parse(text: str) -> list[Token]:
    """Return markdown-it's tokens for text, parsed without the rules that cannot match anything in it."""
    left_out = tuple(rule for rule, chars in _TRIGGERS.items() if not any(c in text for c in chars))
    return _parser(left_out).parse(text)
