"""Editing the parts of a rich-text document that Markdown can carry, leaving the rest untouched.

A Jira description often mixes plain paragraphs with things Markdown cannot hold (status
lozenges, panels, media). ``split`` cuts the document's top-level blocks into parts:
runs of blocks that survive the trip to Markdown and back become editable text, everything else
stays as the exact ADF blocks it was. ``join`` puts the document back together from the edited
texts, so what could not be edited is sent back byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jira_client.api import adf
from jira_client.web.forms.jira_fields import PARTS_SEPARATOR as SEPARATOR  # joins the parts' texts into one form value
from jira_client.web.forms.jira_fields import tidy


@dataclass(frozen=True)
class Part:
    """A run of top-level blocks: editable as ``text`` (Markdown), or kept as they are (``text`` None)."""

    blocks: tuple[Any, ...]
    text: str | None = None

    @property
    def doc(self) -> dict:
        """Return the part as a document of its own (for showing a kept part)."""
        return {"type": "doc", "version": 1, "content": list(self.blocks)}


def split(doc: Any) -> tuple[Part, ...]:
    """Return the document as parts, in order; an empty or unreadable document has none."""
    blocks = doc.get("content") if isinstance(doc, dict) and doc.get("type") == "doc" else None
    parts: list[Part] = []
    run: list[Any] = []
    for block in blocks if isinstance(blocks, list) else ():
        if _markdown(block) is not None:
            run.append(block)
            continue
        parts += _editable(run)
        run = []
        if parts and parts[-1].text is None:
            parts[-1] = Part(parts[-1].blocks + (block,))
        else:
            parts.append(Part((block,)))
    return tuple(parts + _editable(run))


def join(parts: tuple[Part, ...], texts: list[str]) -> dict:
    """Return the document with each editable part replaced by its Markdown text, in order.

    A part whose text was not changed keeps its original blocks exactly.
    """
    edited = iter(texts)
    content: list[Any] = []
    for part in parts:
        text = None if part.text is None else next(edited, "")
        unchanged = text is None or _same(text, part.text)
        content += list(part.blocks) if unchanged else adf.from_markdown(text)["content"]
    return {"type": "doc", "version": 1, "content": content}


def texts(parts: tuple[Part, ...]) -> list[str]:
    """Return the editable parts' texts."""
    return [part.text for part in parts if part.text is not None]


def _editable(run: list[Any]) -> list[Part]:
    """Return a run of blocks that each survive Markdown: one part, or one per block if together they do not."""
    if not run:
        return []
    text = _markdown(*run)
    if text is not None:
        return [Part(tuple(run), text)]
    return [Part((block,), _markdown(block)) for block in run]


def _same(edited: str, original: str) -> bool:
    """Return whether an edited text is the original one, but for line endings and trailing spaces."""
    return tidy(edited) == tidy(original)


def _markdown(*blocks: Any) -> str | None:
    """Return the blocks as Markdown when that loses nothing, else None."""
    text, lossless = adf.to_markdown({"type": "doc", "version": 1, "content": list(blocks)})
    return text if lossless else None
