"""The benchmark's stub Jira trims an issue to ``fields=`` as Jira does, exclusions included."""

from __future__ import annotations

from bench.stub_jira import trimmed

ISSUE = {"key": "KAN-2", "fields": {"summary": "s", "comment": {}, "worklog": {}, "labels": []}}


def test_no_fields_or_all_gives_every_field():
    assert trimmed(ISSUE, None) == ISSUE
    assert trimmed(ISSUE, ["*all"])["fields"] == ISSUE["fields"]


def test_listed_fields_give_only_those():
    assert set(trimmed(ISSUE, ["summary", "labels"])["fields"]) == {"summary", "labels"}


def test_a_minus_leaves_a_field_out_of_all():
    assert set(trimmed(ISSUE, ["*all", "comment", "-worklog"])["fields"]) == {"summary", "comment", "labels"}
