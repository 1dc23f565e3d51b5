"""The tuned Markdown parser gives exactly the tokens of stock markdown-it-py with the same options.

``markdown_parser.parse`` leaves rules out, dispatches rules by character and replaces some with
faster ones; none of that may change a token. Each test compares its token stream (every field of
every token, children included) with the stock parser's over a corpus: seeded combinations of
Markdown fragments (every construct, nested and lazy, CRLF, tabs, NUL), the Markdown in the test
suite's sources, and the Markdown ``to_markdown`` writes for the real ADF fixture documents.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import random

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from jira_client.api.adf import to_markdown
from jira_client.api.adf.markdown_parser import _token, parse
from tests.support.paths import ROOT, shared_path

STOCK = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
STOCK.disable(["html_block", "html_inline"])

BLOCKS = [
    # headings, setext headings, rules
    "# h1", "###### h6", "####### seven", "#no space", "## closed ##", "   ### indented", "#", "# ", "## *em* `c`",
    "Title\n=====", "Title\n---", "two\nlines\n===", "a\n  ==  ", "a\n==\t", "> a\n>\t--- \t", "= not\n",
    "---", "***", "___", " - - -", "--", "* * *", "_ _ _ x", "-\t-\t-", "+++",
    # lists: bullets, ordered with other starts and `)`, loose, tight, nested, empty, lazy
    "- a\n- b", "* a\n* b", "+ a\n+ b", "- a\n\n- b", "- a\n* b", "1. one\n2. two", "3) c\n4) d", "0. zero",
    "123456789. big", "1234567890. too big", "1.no space", "-", "- ", "-\tx", "- [ ] task", "2. a\n\n   b",
    "- a\n  - b\n    - c", "1. a\n   1. b\n      - c", "- a\nlazy", "- a\n\n  para\n\n      code", "-    x",
    "- a\n -b", "10. ten\n11. eleven", "* a\n\n\n* b", "- ```\n  code\n  ```", "1. > q\n   > r",
    # code: fenced with ` and ~, indented, unterminated, info strings
    "```\ncode\n```", "~~~ py\nx = 1\n~~~", "````\n```\n````", "``` js `no`\ntext", "```\nopen", "~~~\n~~~~",
    "```python title\n\tindented\n```", "    indented code", "\tcode\n\tmore", "  ```\n  x\n    ```", "~~~ a`b\nc\n~~~",
    # blockquotes, lazy lines
    "> q", ">q", "> q\nlazy", "> - item\nlazy", ">", "> > deep", ">     code", "> # h\n> ---", ">\ta\tb",
    "> a\n>\n> b", "> ```\n> x", "   > three spaces", "    > four spaces",
    # tables, with and without outer pipes, pipes in text and code
    "| a | b |\n|---|:-:|\n| 1 | 2 |", "a | b\n--|--\n1|2", "| a |\n|---|\n| x \\| y |", "|a|\n|-|", "a|b\n-|-",
    "| `a|b` |\n|---|", "| a |\n| --- |\n| **b** | extra |", "| a | b |\n|:--|--:|", "x | y\n:-: | :-:\nz",
    "not | a table", "| a |\n|---|\n> quote ends it", "|a|b|\n|-|-|\n|c|d|\nlazy row",
    # references and link definitions
    "[ref]: https://x.example 'Title'", "[ref]:\n  https://x.example\n  \"t\"", "[a]: <b c>", "[ref]", "[x][ref]",
    "[]: x", "[a]: b\n[a]: c",
    # raw HTML (off: it stays text)
    "<div>\nx\n</div>", "<!-- c -->", "<b>x</b>", "<script>alert(1)</script>",
]
INLINE = [
    "word", "two words", "*a*", "**a**", "_a_", "__a__", "***a***", "*a **b** c*", "a*b*c", "a_b_c", "*(*a*)*",
    "**a*", "*a**", "_ a _", "**", "*", "_", "~~s~~", "~s~", "~~~s~~~", "~~a ~~", "**a ~~b** c~~", "snake_case",
    "2*3*4", "`c`", "``a ` b``", "` `", "`unclosed", "\\*", "\\\\", "\\`", "\\[", "\\#", "\\\n", "\\~", "&amp;",
    "&copy;", "&#35;", "&#x22;", "&bogus;", "&#xFFFFFFFF;", "AT&T", "&", "[a](https://x.example)",
    "[a](<b c> \"t\")", "[a]( https://x.example 'q' )", "[a](javascript:alert(1))", "[a](http://ü.example/ä?q=1#f)",
    "[a](https://x.example/%zz)", "[link [nested]](u)", "[a\nb](c)", "[a](b", "[]()", "[a]", "![alt](src.png)",
    "![a *b*](c \"t\")", "![](x)", "<http://a.example>", "<mailto:x@y.example>", "<x@y.example>", "<not a link>",
    "http://bare.example", "[@Ann](mention:5b10ac8d82e05b22cc7d4ef5)", "a  \nb", "a\\\nb", "a\nb", "a\tb",
    "\x00", "é ä ß", "\u00a0nbsp", "ﬀ", ":", "-", "=", "+", "@", "$", "%", "^", "{}", "!", "#", "|", "]", ">", "<",
    "!!", "![", "[!", "1.", "a -- b", "key: value", "x = y", "@name", "100%", "a ] b", "*a\n*", "_a\nb_",
]
PREFIXES = ["", "", "", "> ", "- ", "* ", "1. ", "2) ", "  ", "    ", "\t", "   > ", "- > ", "> - "]


def _paragraph(rng: random.Random) -> str:
    """Return a line or two of text, inline syntax and words mixed."""
    parts = [rng.choice(INLINE) for _ in range(rng.randint(1, 6))]
    return rng.choice(["", " ", ""]).join(parts)


def _block(rng: random.Random) -> str:
    """Return one block, perhaps nested under a prefix on its first line only (so later lines are lazy)."""
    block = rng.choice(BLOCKS) if rng.random() < 0.6 else _paragraph(rng)
    prefix = rng.choice(PREFIXES)
    lines = block.split("\n")
    every_line = rng.random() < 0.7
    return "\n".join((prefix if index == 0 or every_line else "") + line for index, line in enumerate(lines))


def _document(rng: random.Random) -> str:
    """Return a document of a few blocks with random separators and line endings."""
    blocks = [_block(rng) for _ in range(rng.randint(1, 6))]
    text = "".join(block + rng.choice(["\n", "\n\n", "\n \n", "\n\t\n", ""]) for block in blocks)
    ending = rng.choice(["\n", "\n", "\n", "\r\n", "\r"])
    return text.replace("\n", ending)


GENERATED = [_document(random.Random(seed)) for seed in range(3000)]

# URL parts: each list starts with plain ones, which markdown-it's normalizer gives back unchanged
URL_PARTS = [
    (2, ["https://", "http://", "HTTPS://", "ftp://", "mailto:", "", "//", "javascript:", "http:/"]),
    (3, ["example.test", "Example.COM", "a-b.c", "ü.example", "xn--bcher-kva.example", "a..b", "a" * 64 + ".x",
         ".".join(["a" * 63] * 5), "[::1]", "host:8080", "user@host", "h_o.st", "192.168.0.1", "", "a.b."]),
    (5, ["", "/", "/a/b", "/~x._-", "/A-Z", "/a b", "/%20", "/%zz", "/ä", "/a(b)", "/a;b", "/a'b", "/a\\b", "/a|b"]),
    (3, ["", "?", "?a=1&b=2", "?q=a b", "?%41", "?a=<b>", "?a+b"]),
    (3, ["", "#", "#x/y", "#ä", "#a#b", "#a?b", "#a:b"]),
]


def _url(rng: random.Random) -> str:
    """Return a URL of random parts, mostly plain ones."""
    return "".join(rng.choice(parts[:plain] if rng.random() < 0.7 else parts) for plain, parts in URL_PARTS)


URL_DOCUMENTS = [template.format(_url(random.Random(seed)))
                 for seed in range(1500) for template in ("[x]({})", "![x]({} 't')", "<{}>", "[r]: {}\n\n[r]")]


def _fields(token: Token) -> dict:
    """Return every field of a token, its children's recursively, and its class."""
    fields = {field.name: getattr(token, field.name) for field in dataclasses.fields(token)}
    fields["class"] = type(token)
    fields["children"] = None if token.children is None else [_fields(child) for child in token.children]
    return fields


def _differences(texts: list[str]) -> list[str]:
    """Return the texts whose tuned tokens differ from the stock parser's."""
    return [text for text in texts if [_fields(t) for t in parse(text)] != [_fields(t) for t in STOCK.parse(text)]]


def test_generated_documents_parse_as_stock() -> None:
    assert len(set(GENERATED)) > 2900
    assert not _differences(GENERATED)[:5]


def test_links_parse_as_stock() -> None:
    """Link URLs of every shape, for the shortcut past markdown-it's URL normalizer on plain ones."""
    assert not _differences(URL_DOCUMENTS)[:5]


def test_one_long_document_parses_as_stock() -> None:
    """Like a comment at Jira's 32,000-character limit, which holds most characters and so keeps most rules."""
    assert not _differences(["\n\n".join(GENERATED[:400])[:32_000]])


def _string_literals(source: str) -> list[str]:
    """Return the string literals of Python source, an f-string with its replacement fields as `x1`."""
    tree = ast.parse(source)
    inside_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    literals = [node.value for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in inside_fstrings]
    literals += ["".join(part.value if isinstance(part, ast.Constant) else "x1" for part in node.values)
                 for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)]
    return literals


def test_the_test_suites_markdown_parses_as_stock() -> None:
    sources = [path.read_text() for path in sorted((ROOT / "tests").rglob("test_*.py"))]
    literals = sorted({text for source in sources if "markdown" in source for text in _string_literals(source)})
    assert len(literals) > 500
    assert not _differences(literals)[:5]


def test_markdown_written_for_the_real_adf_documents_parses_as_stock() -> None:
    paths = sorted(p for p in shared_path("adf").rglob("*.json") if p.parent.name != "schema")
    texts = [to_markdown(json.loads(path.read_text()))[0] for path in paths]
    assert len(texts) > 30
    assert not _differences(texts)[:5]


@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n", "\x00", "\t", "a", "*", "|", "-", "\\", "`", "[", "\ufeff"])
def test_tiny_documents_parse_as_stock(text: str) -> None:
    assert not _differences([text])


@pytest.mark.parametrize(("kind", "tag", "nesting"), [("text", "", 0), ("link_open", "a", 1), ("paragraph_close", "p", -1)])
def test_tokens_are_made_as_the_dataclass_makes_them(kind: str, tag: str, nesting: int) -> None:
    made, stock = _token(kind, tag, nesting), Token(kind, tag, nesting)
    assert _fields(made) == _fields(stock)
    assert made.attrs is not _token(kind, tag, nesting).attrs and made.meta is not _token(kind, tag, nesting).meta
