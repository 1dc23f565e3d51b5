"""Atlassian Document Format (ADF), Jira's rich text: plain text, safe HTML and Markdown, both ways.

One module per job, so each can be read (and made fast) on its own:

- `text`             ADF -> plain text, for snippets and search, and every converter's fallback
- `html`             ADF -> safe HTML; the only code in the project that creates `Markup`
- `markdown_reader`  Markdown (parsed by markdown-it-py) -> schema-valid ADF
- `markdown_writer`  ADF -> Markdown for editing, and whether that round trip is lossless
- `nodes`            what they share: limits, tolerant accessors, link and mention rules

Import the functions from here (`from jira_client.api import adf; adf.to_html(doc)`); the
modules' other names are internal. Pure code: no Flask, no I/O.
"""

from jira_client.api.adf.html import to_html
from jira_client.api.adf.markdown_reader import from_markdown
from jira_client.api.adf.markdown_writer import mention_markdown, to_markdown
from jira_client.api.adf.nodes import MAX_DEPTH, MAX_OUTPUT
from jira_client.api.adf.text import to_text

__all__ = ["MAX_DEPTH", "MAX_OUTPUT", "from_markdown", "mention_markdown", "to_html", "to_markdown", "to_text"]
