"""ADF rendering speed: a 1 MB document to HTML (target: 50 ms median), and Markdown to ADF.

The 1 MB document is made of the sandbox's seeded descriptions and comments, which use the
node types Jira documents carry (headings, lists, tables, panels, code, mentions, status...),
repeated until the JSON reaches 1 MB. Markdown input is a 32,000-character comment, Jira's limit.
"""

import json
import time

from bench import TIMING_COLUMNS, Table, timing_row
from jira_client.api.adf import from_markdown, to_html, to_markdown, to_text
from sandbox.world import World

N = 30
TARGET_BYTES = 1_000_000


def run() -> list[Table]:
    """Return one table: each conversion timed N times after one warm-up."""
    doc = _megabyte_document()
    size = len(json.dumps(doc))
    markdown = _markdown_comment()
    rows = [
        (f"to_html, {size / 1e6:.2f} MB ADF ({len(doc['content'])} blocks)", *_timed(lambda: to_html(doc))),
        ("to_text, same document", *_timed(lambda: to_text(doc))),
        ("to_markdown, same document", *_timed(lambda: to_markdown(doc))),
        (f"from_markdown, {len(markdown):,} characters", *_timed(lambda: from_markdown(markdown))),
    ]
    return [Table(f"ADF conversions in ms (N={N} each after one warm-up)", ("conversion", *TIMING_COLUMNS), rows)]


def _megabyte_document() -> dict:
    """Return one ADF document of about TARGET_BYTES, from the sandbox's seeded documents."""
    world = World()
    sources = [i["fields"]["description"] for key in ("ACME", "OPS") for i in world.project_issues(key)]
    sources += [c["body"] for i in world.project_issues("ACME")[:20] for c in world.comments(i["id"])]
    content, size, n = [], 0, 0
    while size < TARGET_BYTES:
        block = sources[n % len(sources)] or {"content": []}
        content.extend(block.get("content", []))
        size += len(json.dumps(block.get("content", [])))
        n += 1
    return {"type": "doc", "version": 1, "content": content}


def _markdown_comment() -> str:
    """Return about 32,000 characters of the Markdown people type into comments."""
    chunk = ("## Findings\n\nThe **cache** misses on `login` after a deploy; see [the runbook](https://example.test/rb).\n\n"
             "- first check the logs\n- then *restart* the worker\n  1. drain\n  2. restart\n\n"
             "```python\nprint('hello')\n```\n\n> quoted reply from the customer\n\n")
    return (chunk * (32_000 // len(chunk) + 1))[:32_000]


def _timed(call) -> tuple:
    call()
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return timing_row(samples)
