"""jira_fields.py: which input each Jira field gets, and values in both directions (no network)."""

from __future__ import annotations

import pytest

from jira_client.api import adf
from jira_client.web.forms import jira_fields
from jira_client.api.models import Choice, FieldMeta
from tests.support.paths import recorded_body

CF = "com.atlassian.jira.plugin.system.customfieldtypes:"
OPTIONS = (Choice("1", "Red"), Choice("2", "Blue"))
CASCADE = (Choice("10", "EU", (Choice("11", "Dublin"),)), Choice("20", "US"))


def meta(type_: str, *, items: str = "", system: str = "", custom: str = "", allowed=(), required=False, default=False):
    return FieldMeta(id=system or "customfield_1", name="Field", required=required, type=type_, items=items,
                     system=system, custom=custom, allowed=allowed, operations=("set",), has_default=default)


KINDS = [
    (meta("string", system="summary"), jira_fields.TEXT),
    (meta("string", custom=CF + "textfield"), jira_fields.TEXT),
    (meta("string", system="description"), jira_fields.RICH),
    (meta("string", system="environment"), jira_fields.RICH),
    (meta("string", custom=CF + "textarea"), jira_fields.RICH),
    (meta("number", custom=CF + "float"), jira_fields.NUMBER),
    (meta("date", system="duedate"), jira_fields.DATE),
    (meta("datetime", custom=CF + "datetime"), jira_fields.DATETIME),
    (meta("priority", system="priority", allowed=OPTIONS), jira_fields.SELECT),
    (meta("option", custom=CF + "select", allowed=OPTIONS), jira_fields.SELECT),
    (meta("resolution", system="resolution", allowed=OPTIONS), jira_fields.SELECT),
    (meta("array", items="option", custom=CF + "multiselect", allowed=OPTIONS), jira_fields.MULTI),
    (meta("array", items="component", system="components", allowed=OPTIONS), jira_fields.MULTI),
    (meta("array", items="version", system="fixVersions", allowed=OPTIONS), jira_fields.MULTI),
    (meta("option-with-child", custom=CF + "cascadingselect", allowed=CASCADE), jira_fields.CASCADE),
    (meta("array", items="string", system="labels"), jira_fields.LABELS),
    (meta("user", system="assignee"), jira_fields.USER),
    (meta("issuelink", system="parent"), jira_fields.PARENT),
    (meta("team", custom=CF + "atlassian-team"), None),
    (meta("array", items="user", custom=CF + "multiuserpicker"), None),
    (meta("any", custom="com.atlassian.jira.plugins:devsummarycf"), None),
    (meta("option", custom=CF + "select"), None),  # choices missing: nothing to offer
    (meta("issuetype", system="issuetype", allowed=OPTIONS), None),
    (meta("comments-page", system="comment"), None),
]


@pytest.mark.parametrize(("field", "kind"), KINDS)
def test_each_schema_gets_its_input(field, kind):
    assert jira_fields.kind_of(field) == kind


ROUND_TRIPS = [
    (meta("string", system="summary"), "Login fails", "Login fails"),
    (meta("number"), 3, "3"),
    (meta("number"), 2.5, "2.5"),
    (meta("date"), "2026-04-28", "2026-04-28"),
    (meta("datetime"), "2026-04-28T15:30:00.000+0000", "2026-04-28T15:30"),
    (meta("option", allowed=OPTIONS), {"id": "2"}, "2"),
    (meta("array", items="option", allowed=OPTIONS), [{"id": "1"}, {"id": "2"}], ["1", "2"]),
    (meta("option-with-child", allowed=CASCADE), {"id": "10", "child": {"id": "11"}}, "10:11"),
    (meta("option-with-child", allowed=CASCADE), {"id": "20"}, "20"),
    (meta("array", items="string", system="labels"), ["a", "b"], "a b"),
    (meta("user", system="assignee"), {"accountId": "712020:abc"}, "712020:abc|"),
    (meta("issuelink", system="parent"), {"key": "ACME-12"}, "ACME-12"),
]


@pytest.mark.parametrize(("field", "value", "form"), ROUND_TRIPS)
def test_values_go_to_the_form_and_back(field, value, form):
    assert jira_fields.to_form(field, value) == form
    assert jira_fields.to_json(field, form) == value


def test_rich_text_is_markdown_in_the_form_and_adf_in_jira():
    field = meta("string", system="description")
    doc = jira_fields.to_json(field, "Some **bold** text")
    assert doc == adf.from_markdown("Some **bold** text")
    assert jira_fields.to_form(field, doc) == "Some **bold** text"
    assert jira_fields.is_lossless(field, doc)


def test_a_description_markdown_cannot_carry_is_flagged():
    status = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "status", "attrs": {"text": "DONE", "color": "green"}}]}]}
    assert not jira_fields.is_lossless(meta("string", system="description"), status)
    assert jira_fields.is_lossless(meta("string", system="summary"), "anything")


@pytest.mark.parametrize(("field", "raw", "message"), [
    (meta("number"), "three", "Enter a number"),
    (meta("date"), "28/04/2026", "YYYY-MM-DD"),
    (meta("datetime"), "tomorrow", "YYYY-MM-DD HH:MM"),
    (meta("issuelink", system="parent"), "not a key", "issue key"),
    (meta("array", items="string", system="labels"), "x" * 256, "at most 255"),
])
def test_bad_input_is_explained(field, raw, message):
    with pytest.raises(jira_fields.FieldInputError, match=message):
        jira_fields.to_json(field, raw)


@pytest.mark.parametrize("field", [meta("number"), meta("date"), meta("option", allowed=OPTIONS),
                                   meta("user", system="assignee"), meta("string", system="description")])
def test_empty_input_means_no_value(field):
    assert jira_fields.to_json(field, "  ") is None


def test_several_values_and_labels_are_lists():
    assert jira_fields.to_json(meta("array", items="option", allowed=OPTIONS), []) == []
    assert jira_fields.to_json(meta("array", items="string", system="labels"), " b  a b ") == ["b", "a"]


def test_fingerprints_ignore_what_does_not_change_the_value():
    text, labels = meta("string", system="description"), meta("array", items="string", system="labels")
    assert jira_fields.fingerprint(text, "a\r\nb  \n") == jira_fields.fingerprint(text, "a\nb")
    assert jira_fields.fingerprint(labels, "b a") == jira_fields.fingerprint(labels, "a  b")
    assert jira_fields.fingerprint(meta("user", system="assignee"), "id1|Ada") == jira_fields.fingerprint(
        meta("user", system="assignee"), "id1|Ada Admin")
    assert jira_fields.fingerprint(text, "a") != jira_fields.fingerprint(text, "b")


def test_choices_flatten_a_cascade_and_display_uses_labels():
    field = meta("option-with-child", allowed=CASCADE)
    assert jira_fields.choices(field) == [("10", "EU"), ("10:11", "EU › Dublin"), ("20", "US")]
    assert jira_fields.display(field, "10:11") == "EU › Dublin"
    assert jira_fields.display(meta("array", items="option", allowed=OPTIONS), ["1", "2"]) == "Red, Blue"
    assert jira_fields.display(meta("user", system="assignee"), "id1|Ada") == "Ada"


def test_a_required_field_we_cannot_edit_blocks_the_form_unless_jira_has_a_default():
    team = meta("team", custom=CF + "atlassian-team", required=True)
    assert jira_fields.is_required_blocker(team)
    assert not jira_fields.is_required_blocker(meta("team", required=True, default=True))
    assert not jira_fields.is_required_blocker(meta("issuetype", system="issuetype", required=True))


def test_the_recorded_editmeta_parses_and_sorts_into_kinds():
    from jira_client.api.models import field_metas

    metas = {m.id: m for m in field_metas(recorded_body("get-edit-issue-metadata--GET-issue-kan-7-editmeta--200.json")["fields"])}
    assert jira_fields.kind_of(metas["summary"]) == jira_fields.TEXT
    assert jira_fields.kind_of(metas["description"]) == jira_fields.RICH
    assert jira_fields.kind_of(metas["customfield_10021"]) == jira_fields.MULTI  # "Flagged" checkboxes
    assert jira_fields.kind_of(metas["customfield_10015"]) == jira_fields.DATE
    assert jira_fields.kind_of(metas["labels"]) == jira_fields.LABELS
    assert jira_fields.kind_of(metas["customfield_10001"]) is None  # team
    assert jira_fields.kind_of(metas["issuetype"]) is None
