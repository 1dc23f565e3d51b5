"""The Markdown parser from_markdown uses: markdown-it-py, tuned to give the same tokens sooner.

CommonMark plus tables and strikethrough, raw HTML off (it stays text). A 32,000-character comment
is Jira's limit and the parse is most of the time from_markdown takes, so the parser skips work
that cannot change a token, only through markdown-it's own extension points (its rulers and
rules, its normalizeLink, the block and inline parser objects and the options a MarkdownIt holds):

- rules whose syntax needs a character (or, for setext headings, an underline line) the text does
  not have are left out of the parser used for it (one parser kept per set of rules);
- inline content without any syntax character becomes one text token without the inline parser;
- at each line only the block rules that can start there are tried (by the line's first
  character, and its indent for indented code), which also leaves out most of markdown-it's
  per-rule debug logging calls;
- the inline `text` rule stops only where a rule here can match, not at every character
  markdown-it reserves for plugins (`-`, `:`, `=`, `@`...);
- a plain http(s) link URL, which markdown-it's URL normalizer would give back unchanged, skips it;
- tokens are made without the dataclass's __init__: parser subclasses make state subclasses whose
  `push` is markdown-it's, less that call; options are read without Mapping.get.

Each gives exactly the tokens of the stock parser with the same options:
tests/unit/test_markdown_parser.py compares every token over a broad corpus. The rules' start
characters are markdown-it-py's (pinned in requirements.txt); that test is what catches a change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.parser_inline import ParserInline
from markdown_it.ruler import Rule, Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# markdown-it tries its block rules at every line and its inline rules at every character that
# may start syntax. None of the rules here can match unless the text holds one of its characters
# (the block rules look for theirs at the start of a line, `table` for a `|` in its header line;
# the inline rules check the character they are at), so on text without any of them a parser
# that leaves the rule out gives the same tokens, sooner.
# (Raw HTML is off, html=False, so its two rules never match and are always left out.) Most
# comments lack several of these characters: no `|`, no `~`, no `&`, no `<`.
_TRIGGERS = {
    # block rules
    "table": "|", "fence": "`~", "blockquote": ">", "hr": "*-_", "reference": "[", "heading": "#",
    # inline rules (markdown-it's normalize step turns \r into \n before they run)
    "newline": "\n\r", "escape": "\\", "backticks": "`", "strikethrough": "~", "emphasis": "*_",
    "link": "[", "image": "!", "autolink": "<", "entity": "&",
    # core rule: it turns the `text_special` tokens of escapes and entities into text and joins
    # them with the text around; other text tokens are joined already (by `fragments_join`)
    "text_join": "\\&",
}
_INLINE_RULES = ("newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image", "autolink", "entity")
_INLINE_STARTS = "".join(_TRIGGERS[rule] for rule in _INLINE_RULES)
# Inline content with none of these has no syntax: the first inline rule, `text`, would take it
# all as one text token, as every other rule fails at its first character.
_INLINE_SYNTAX = re.compile("[" + re.escape(_INLINE_STARTS) + "]")
# markdown-it's `text` rule takes text up to the next of 23 characters that rules may start at,
# among them `-`, `:`, `=`, `%`, `@`, `#`, which no rule here starts at: at each of those every
# other rule is tried and fails, and the character is added to the text on its own. Stopping only
# where a rule here can match (and at `]`, where a link's text ends) gives the same tokens.
_TEXT_STOPS = re.compile("[" + re.escape(_INLINE_STARTS + "]") + "]")


def _text_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's inline `text` rule, stopping only at the characters of _TEXT_STOPS."""
    pos = state.pos
    stop = _TEXT_STOPS.search(state.src, pos)
    end = stop.start() if stop else state.posMax
    if end == pos:
        return False
    if not silent:
        state.append_pending(state.src[pos:end])
    state.pos = end
    return True


# `lheading` (a setext heading) needs an underline: a line after another one that holds only `=`
# or only `-` and spaces, after the indent and `>` of the blocks it is in. Bullets of `-` are
# common, underlines are not.
_UNDERLINE = re.compile(r"[\r\n][ \t>]*(?:=+|-+)[ \t]*(?:[\r\n]|\Z)")


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
                    text = _token("text", "", 0)
                    text.content = content
                    token.children.append(text)
            else:
                md.inline.parse(content, md, env, token.children)


# The block rules that need one of these characters first on the line (where they read it:
# `state.src` at the line's start plus its indent), and `code`, which needs the line indented at
# least 4 columns past the block's indent. markdown-it tries every rule at every line, in order,
# until one matches; trying only the rules that can start such a line, in the same order, gives
# the same tokens. The other rules (`table`, `lheading`, `paragraph`) are always tried. (Each
# rule that is not tried is also a `LOGGER.debug` call less.)
_LINE_STARTS = {
    "fence": "`~", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789", "reference": "[", "html_block": "<",
    "heading": "#", "code": "",
}
_CODE_INDENT = 4


def _first_character_dispatch(rules: Sequence[Rule[RuleFuncBlockType]]) -> RuleFuncBlockType:
    """Return one block rule that tries, in order, only those of rules that can start the line."""
    every = [rule.fn for rule in rules]
    anywhere = [rule.fn for rule in rules if rule.name not in _LINE_STARTS]
    candidates = {char: [rule.fn for rule in rules if char in _LINE_STARTS.get(rule.name, char)]
                  for char in "".join(_LINE_STARTS.values())}

    def dispatch(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if state.sCount[start_line] - state.blkIndent >= _CODE_INDENT:
            tried = every  # `code` may match: every rule, as markdown-it tries them
        else:
            first = state.bMarks[start_line] + state.tShift[start_line]
            tried = candidates.get(state.src[first:first + 1], anywhere)
        for rule in tried:
            if rule(state, start_line, end_line, silent):
                return True
        return False

    return dispatch


class _FirstCharacterRuler(Ruler[RuleFuncBlockType]):
    """markdown-it's block ruler, whose every chain is one rule that dispatches on the line's first character."""

    def __init__(self, rules: list[Rule[RuleFuncBlockType]]) -> None:
        super().__init__()
        self.__rules__ = rules

    def __compile__(self) -> None:
        active = [rule for rule in self.__rules__ if rule.enabled]
        chains = {""} | {chain for rule in active for chain in rule.alt}
        self.__cache__ = {
            chain: [_first_character_dispatch([rule for rule in active if not chain or chain in rule.alt])]
            for chain in chains
        }


# A link URL of these characters only is its own normal form: markdown-it's normalizeLink (parse
# with mdurl, punycode the host, format, percent-encode) gives it back unchanged, slower than
# the rest of the link rule. (Its host is ASCII labels of at most 63 characters; the length
# limit keeps the host within the 255 that mdurl allows.)
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*(?:/[A-Za-z0-9/._~-]*)?"
                        r"(?:\?[A-Za-z0-9/._~=&-]*)?(?:#[A-Za-z0-9/._~-]*)?")
_PLAIN_URL_MAX = 250


def _normalize_link(url: str) -> str:
    """Return markdown-it's normalized form of a link URL, at once when it is plain already."""
    if len(url) <= _PLAIN_URL_MAX and _PLAIN_URL.fullmatch(url):
        return url
    return normalizeLink(url)


_new = object.__new__


def _token(kind: str, tag: str, nesting: int) -> Token:
    """Return what Token(kind, tag, nesting) returns, without the dataclass's __init__ (0.36 -> 0.21 µs).

    A 32,000-character comment makes some 7,400 tokens. Every field is set as the dataclass sets
    it (its defaults, a new dict for attrs and meta); a test compares the two for every field.
    """
    token = _new(Token)
    token.type, token.tag, token.nesting = kind, tag, nesting  # type: ignore[assignment]
    token.attrs, token.map, token.level, token.children = {}, None, 0, None
    token.content, token.markup, token.info, token.meta = "", "", "", {}
    token.block, token.hidden = False, False
    return token


class _BlockState(StateBlock):
    """markdown-it's block state, whose push makes its token with _token."""

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token = _token(ttype, tag, nesting)
        token.block = True
        if nesting < 0:
            self.level -= 1
        token.level = self.level
        if nesting > 0:
            self.level += 1
        self.tokens.append(token)
        return token


class _InlineState(StateInline):
    """markdown-it's inline state, whose push and pushPending make their tokens with _token."""

    def pushPending(self) -> Token:
        token = _token("text", "", 0)
        token.content = self.pending
        token.level = self.pendingLevel
        self.tokens.append(token)
        self.pending = ""
        return token

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        if self.pending:
            self.pushPending()
        token = _token(ttype, tag, nesting)
        token_meta = None
        if nesting < 0:
            self.level -= 1
            self.delimiters = self._prev_delimiters.pop()
        token.level = self.level
        if nesting > 0:
            self.level += 1
            self._prev_delimiters.append(self.delimiters)
            self.delimiters = []
            token_meta = {"delimiters": self.delimiters}
        self.pendingLevel = self.level
        self.tokens.append(token)
        self.tokens_meta.append(token_meta)
        return token


class _BlockParser(ParserBlock):
    """markdown-it's block parser, on _BlockState."""

    def parse(self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = _BlockState(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


class _InlineParser(ParserInline):
    """markdown-it's inline parser, on _InlineState."""

    def parse(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> list[Token]:
        state = _InlineState(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


class _Options(OptionsDict):
    """markdown-it's options, whose get reads the dict at once (not through Mapping.get and __getitem__).

    The list rule asks for an option twice an item, the blockquote rule once a quote.
    """

    def get(self, key: str, default: Any = None) -> Any:
        return self._options.get(key, default)


@functools.lru_cache(maxsize=64)
def _parser(left_out: tuple[str, ...]) -> MarkdownIt:
    """Return the parser (CommonMark, tables, strikethrough, no raw HTML) without the rules left_out."""
    parser = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
    parser.disable(["html_block", "html_inline", *left_out])
    parser.core.ruler.at("inline", _inline_rule)
    parser.inline.ruler.at("text", _text_rule)
    parser.normalizeLink = _normalize_link  # type: ignore[method-assign]
    block, inline = _BlockParser(), _InlineParser()
    block.ruler = _FirstCharacterRuler(parser.block.ruler.__rules__)
    inline.ruler, inline.ruler2 = parser.inline.ruler, parser.inline.ruler2
    parser.block, parser.inline = block, inline
    parser.options = _Options(parser.options)
    return parser


def parse(text: str) -> list[Token]:
    """Return markdown-it's tokens for text, parsed without the rules that cannot match anything in it."""
    left_out = [rule for rule, chars in _TRIGGERS.items() if not any(c in text for c in chars)]
    if not _UNDERLINE.search(text):
        left_out.append("lheading")
    return _parser(tuple(left_out)).parse(text)
