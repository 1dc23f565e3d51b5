"""The models are frozen msgspec Structs: immutable, hashable, and copied with a change by structs.replace."""

from __future__ import annotations

import inspect

import msgspec
import pytest

from jira_client.api import models

MODELS = [cls for _, cls in inspect.getmembers(models, inspect.isclass) if cls.__module__ == models.__name__]


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
def test_every_model_is_a_frozen_struct(model):
    assert issubclass(model, msgspec.Struct) and model.__struct_config__.frozen


def test_a_model_cannot_change_and_a_changed_copy_leaves_it_alone():
    issue = models.Issue.from_api({"id": "10001", "key": "KAN-1", "fields": {"summary": "Fix it",
                                   "status": {"name": "To Do", "statusCategory": {"key": "new"}}}})

    with pytest.raises(AttributeError):
        issue.summary = "Changed"  # type: ignore[misc]
    copy = msgspec.structs.replace(issue, details=("x",))
    assert (copy.details, issue.details) == (("x",), ())
    assert copy.status == issue.status and hash(copy.status) == hash(models.Status("To Do", "new"))


def test_the_issue_keeps_every_field_of_its_summary():
    data = {"id": "10001", "key": "KAN-1", "fields": {"summary": "Fix it", "created": "2026-04-28T15:31:13.533+0200",
                                                    "project": {"id": "1", "key": "KAN", "name": "Kanban"}}}
    summary, issue = models.IssueSummary.from_api(data), models.Issue.from_api(data)

    assert all(getattr(issue, name) == getattr(summary, name) for name in models.IssueSummary.__struct_fields__)
