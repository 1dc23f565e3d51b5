"""ADF conversion speed: 1 MB documents to HTML (target: 50 ms median), and Markdown to ADF (20 ms).

Two 1 MB documents, each the content of smaller documents repeated until the JSON reaches 1 MB:

- "seeded": the sandbox's descriptions and comments, which use the node types Jira documents carry
  (headings, lists, tables, panels, code, mentions, status...);
- "real": the real ADF documents in ``jira-fixtures/adf`` (Atlassian's and other projects' test
  documents: every node and mark, long tables, media, extensions), read from ``../shared`` like the
  tests read them; the rows say "skipped" when that folder is absent.

Markdown input is a 32,000-character comment (Jira's limit). "500 comments" renders the sandbox's
seeded comments one ``to_html`` call each, as an issue page showing 500 comments would; the real
documents average about 3 KB of JSON, over ten times a typical comment, so their row is the
heavy case.
"""

import gc
import json
from pathlib import Path

from bench import TIMING_COLUMNS, Table, timed_row
from jira_client.api.adf import from_markdown, to_html, to_markdown, to_text
from sandbox.world import World

N = 30
TARGET_BYTES = 1_000_000
COMMENTS = 500
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "jira-fixtures" / "adf"


def run() -> list[Table]:
    """Return one table: each conversion timed N times after one warm-up."""
    world = World()
    seeded = [i["fields"]["description"] for key in ("ACME", "OPS") for i in world.project_issues(key)]
    seeded += [c["body"] for i in world.project_issues("ACME")[:20] for c in world.comments(i["id"])]
    comments = [c["body"] for key in ("ACME", "OPS") for i in world.project_issues(key) for c in world.comments(i["id"])]
    rows = _document_rows("seeded", seeded)
    real = _fixture_documents()
    rows += _document_rows("real", real) if real else [_skipped(f"real documents: no folder at {FIXTURES}")]
    markdown = _markdown_comment()
    gc.collect()
    gc.freeze()  # as each gunicorn worker does (gunicorn.conf.py): full collections skip the inputs built above
    try:
        rows.append((f"from_markdown, {len(markdown):,} characters", *timed_row(lambda: from_markdown(markdown), N)))
        rows.append(_many_rows(f"to_html, {COMMENTS} seeded comments, one call each", comments))
        rows.append(_many_rows(f"to_html, {COMMENTS} real documents, one call each", real) if real
                    else _skipped(f"{COMMENTS} real documents: no folder at {FIXTURES}"))
    finally:
        gc.unfreeze()
    return [Table(f"ADF conversions in ms (N={N} each after one warm-up)", ("conversion", *TIMING_COLUMNS), rows)]


def _document_rows(name: str, sources: list[dict]) -> list[tuple]:
    """Return the to_html, to_text and to_markdown rows for a 1 MB document built from ``sources``."""
    doc = _megabyte_document(sources)
    size = len(json.dumps(doc))
    return [
        (f"to_html, {size / 1e6:.2f} MB {name} ADF ({len(doc['content'])} blocks)", *timed_row(lambda: to_html(doc), N)),
        (f"to_text, same {name} document", *timed_row(lambda: to_text(doc), N)),
        (f"to_markdown, same {name} document", *timed_row(lambda: to_markdown(doc), N)),
    ]


def _many_rows(label: str, sources: list[dict]) -> tuple:
    """Return the row for rendering COMMENTS documents, cycled from ``sources``, one call each."""
    docs = [sources[n % len(sources)] for n in range(COMMENTS)]
    return (label, *timed_row(lambda: [to_html(doc) for doc in docs], N))


def _skipped(what: str) -> tuple:
    return (f"skipped, {what}", *["-"] * len(TIMING_COLUMNS))


def _megabyte_document(sources: list[dict]) -> dict:
    """Return one ADF document of about TARGET_BYTES: the blocks of ``sources``, cycled."""
    content, size, n = [], 0, 0
    while size < TARGET_BYTES:
        block = sources[n % len(sources)] or {"content": []}
        content.extend(block.get("content", []))
        size += len(json.dumps(block.get("content", [])))
        n += 1
    return {"type": "doc", "version": 1, "content": content}


def _fixture_documents() -> list[dict]:
    """Return the real ADF documents under FIXTURES (not the schema), or [] when it is absent."""
    if not FIXTURES.is_dir():
        return []
    paths = sorted(p for p in FIXTURES.rglob("*.json") if p.parent.name != "schema")
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def _markdown_comment() -> str:
    """Return about 32,000 characters of the Markdown people type into comments."""
    chunk = ("## Findings\n\nThe **cache** misses on `login` after a deploy; see [the runbook](https://example.test/rb).\n\n"
             "- first check the logs\n- then *restart* the worker\n  1. drain\n  2. restart\n\n"
             "```python\nprint('hello')\n```\n\n> quoted reply from the customer\n\n")
    return (chunk * (32_000 // len(chunk) + 1))[:32_000]
