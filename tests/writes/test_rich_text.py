"""rich_text.py: a description is edited around the parts Markdown cannot carry, which stay exact."""

from __future__ import annotations

from jira_client.api import adf
from jira_client.web.forms import rich_text

STATUS = {"type": "paragraph", "content": [{"type": "status", "attrs": {"text": "DONE", "color": "green"}}]}
PANEL = {"type": "panel", "attrs": {"panelType": "info"}, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Note"}]}]}


def doc(*blocks):
    return {"type": "doc", "version": 1, "content": list(blocks)}


def para(text):
    return adf.from_markdown(text)["content"][0]


def test_runs_of_plain_blocks_become_editable_parts_between_kept_ones():
    parts = rich_text.split(doc(para("Intro"), para("More"), STATUS, PANEL, para("Outro")))
    assert [(p.text, len(p.blocks)) for p in parts] == [("Intro\n\nMore", 2), (None, 2), ("Outro", 1)]
    assert rich_text.texts(parts) == ["Intro\n\nMore", "Outro"]


def test_joining_unchanged_texts_gives_the_document_back_exactly():
    original = doc(para("Intro"), STATUS, para("Outro"))
    parts = rich_text.split(original)
    assert rich_text.join(parts, ["Intro\r\n", "Outro  "]) == original


def test_an_edited_part_changes_only_itself():
    parts = rich_text.split(doc(para("Intro"), STATUS, para("Outro")))
    joined = rich_text.join(parts, ["New *intro*", "Outro"])
    assert joined["content"][1:] == [STATUS, para("Outro")]
    assert adf.to_markdown(doc(joined["content"][0]))[0] == "New *intro*"


def test_clearing_a_part_removes_its_blocks_and_keeps_the_rest():
    parts = rich_text.split(doc(para("Intro"), STATUS))
    assert rich_text.join(parts, [""]) == doc(STATUS)


def test_nothing_to_split():
    assert rich_text.split(None) == () and rich_text.split("text") == ()
    assert rich_text.texts(rich_text.split(doc(STATUS))) == []
