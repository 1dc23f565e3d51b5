"""Transitions: the list, screen fields, the resolution the Done transition needs, comments."""

import pytest

from sandbox import fields

ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Shipped"}]}]}


def _status(api, key):
    return api.get(f"issue/{key}?fields=status,resolution,resolutiondate").get_json()["fields"]


def test_list_transitions(api):
    body = api.get("issue/OPS-1/transitions").get_json()
    assert body["expand"] == "transitions"
    assert [(t["id"], t["name"]) for t in body["transitions"]] == [
        ("11", "To Do"), ("21", "In Progress"), ("31", "In Review"), ("41", "Done")]
    first = body["transitions"][0]
    assert {"id", "name", "to", "hasScreen", "isGlobal", "isInitial", "isAvailable", "isConditional",
            "isLooped"} <= set(first)
    assert "fields" not in first
    assert first["to"]["statusCategory"] == {"self": first["to"]["statusCategory"]["self"], "id": 2, "key": "new",
                                             "colorName": "blue-gray", "name": "To Do"}


def test_transition_fields_when_expanded(api):
    body = api.get("issue/OPS-1/transitions?expand=transitions.fields").get_json()
    done = body["transitions"][3]
    assert done["hasScreen"] is True
    assert done["fields"]["resolution"]["required"] is True
    assert [r["name"] for r in done["fields"]["resolution"]["allowedValues"]] == ["Done", "Won't Do", "Duplicate"]
    assert done["fields"]["comment"]["required"] is False
    assert body["transitions"][0]["fields"] == {}


def test_transition_id_filter(api):
    body = api.get("issue/OPS-1/transitions?transitionId=21").get_json()
    assert [t["id"] for t in body["transitions"]] == ["21"]


def test_done_needs_a_resolution(api):
    response = api.post("issue/OPS-1/transitions", json={"transition": {"id": "41"}})
    assert response.status_code == 400
    assert response.get_json() == {"errorMessages": [], "errors": {"resolution": "Resolution is required."}}


@pytest.mark.parametrize("resolution", [{"name": "Won't Do"}, {"id": "10001"}])
def test_done_with_a_resolution_and_a_comment(api, resolution):
    response = api.post("issue/OPS-1/transitions", json={
        "transition": {"id": "41"}, "fields": {"resolution": resolution},
        "update": {"comment": [{"add": {"body": ADF}}]}})
    assert response.status_code == 204
    after = _status(api, "OPS-1")
    assert after["status"]["name"] == "Done" and after["resolution"]["name"] == "Won't Do"
    assert after["resolutiondate"]
    assert api.get("issue/OPS-1/comment").get_json()["comments"][-1]["body"] == ADF
    assert api.post("issue/OPS-1/transitions", json={"transition": {"id": "21"}}).status_code == 204
    reopened = _status(api, "OPS-1")
    assert reopened["status"]["name"] == "In Progress" and reopened["resolution"] is None
    assert reopened["resolutiondate"] is None


def test_done_issues_are_found_by_status_category(api):
    api.post("issue/OPS-1/transitions", json={"transition": {"id": "41"}, "fields": {"resolution": {"name": "Done"}}})
    keys = [i["key"] for i in api.get("search/jql", query_string={
        "jql": "project = OPS AND statusCategory = Done", "fields": "key", "maxResults": 100}).get_json()["issues"]]
    assert "OPS-1" in keys


@pytest.mark.parametrize(("body", "expected"), [
    ({}, {"errorMessages": ["Missing 'transition' identifier"], "errors": {}}),
    ({"transition": {"id": "99"}}, {"errorMessages": ["Transition id '99' is not valid for this issue."], "errors": {}}),
    ({"transition": {"id": "21"}, "fields": {"resolution": {"name": "Done"}}},
     {"errorMessages": [], "errors": {"resolution": fields.NOT_ON_SCREEN.format("resolution")}}),
    ({"transition": {"id": "41"}, "fields": {"resolution": {"name": "Fixed"}}},
     {"errorMessages": [], "errors": {"resolution": "The resolution selected is invalid."}}),
    ({"transition": {"id": "41"}, "fields": {"resolution": {"name": "Done"}, "summary": "x"}},
     {"errorMessages": [], "errors": {"summary": fields.NOT_ON_SCREEN.format("summary")}}),
    ({"transition": {"id": "21"}, "update": {"comment": [{"add": {"body": "plain"}}]}},
     {"errorMessages": [], "errors": {"comment": fields.NOT_ADF}}),
])
def test_transition_errors(api, body, expected):
    before = _status(api, "OPS-1")
    response = api.post("issue/OPS-1/transitions", json=body)
    assert response.status_code == 400
    assert response.get_json() == expected
    assert _status(api, "OPS-1") == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_transitions_of_an_invisible_issue(api, method):
    response = api.call(method, "issue/ACME-1/transitions", user="bob", json={"transition": {"id": "21"}})
    assert response.status_code == 404
