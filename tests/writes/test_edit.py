"""Editing: only changed fields are sent, a colleague's change is caught, rich text is never destroyed."""

from __future__ import annotations

import requests
import responses
from responses import matchers

from jira_client.api import adf
from jira_client.web.forms import rich_text
from tests.support.apps import make_app
from tests.support.forms import form_data, page
from tests.support.sandbox import admin_get, admin_put, reset_stats, sandbox_admin, writes
from tests.support.stubs import API


def edit_form(client, key: str) -> dict:
    return form_data(page(client, f"/issues/{key}/edit"), f"/issues/{key}/edit")


def test_editing_sends_only_the_changed_fields(writer, sandbox):
    before = admin_get(sandbox, "issue/OPS-3")["fields"]
    data = edit_form(writer.client, "OPS-3")
    data.update(summary="A sharper summary", customfield_10030="10102")
    reset_stats(sandbox)
    response = writer.client.post("/issues/OPS-3/edit", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/issues/OPS-3"
    after = admin_get(sandbox, "issue/OPS-3")["fields"]
    assert after["summary"] == "A sharper summary" and after["customfield_10030"]["value"] == "Minor"
    for untouched in ("description", "labels", "components", "assignee", "priority", "duedate", "reporter"):
        assert after[untouched] == before[untouched], untouched
    assert writes(sandbox, "PUT", "/issue/{issueIdOrKey}") == 1


def test_the_put_body_holds_exactly_the_changed_fields(tmp_path):
    issue = {
        "key": "ACME-1",
        "fields": {"summary": "Old", "labels": ["a"], "updated": "2026-11-02T10:00:00.000+0000",
                   "description": adf.from_markdown("Plain *text*"), "project": {"key": "ACME"}},
        "editmeta": {"fields": {
            "summary": {"required": True, "name": "Summary", "schema": {"type": "string", "system": "summary"}, "operations": ["set"]},
            "labels": {"required": False, "name": "Labels", "schema": {"type": "array", "items": "string", "system": "labels"}, "operations": ["add", "set", "remove"]},
            "description": {"required": False, "name": "Description", "schema": {"type": "string", "system": "description"}, "operations": ["set"]},
        }},
    }
    client = make_app(tmp_path).test_client()
    with responses.RequestsMock() as jira:
        jira.get(f"{API}/issue/ACME-1", json=issue, match=[matchers.query_param_matcher({"expand": "editmeta"})])
        jira.get(f"{API}/myself", json={"accountId": "a1", "displayName": "Ada"})
        data = form_data(page(client, "/issues/ACME-1/edit"), "/issues/ACME-1/edit")
        assert data["description"] == "Plain *text*" and data["labels"] == "a"
        jira.get(f"{API}/issue/ACME-1", json=issue)
        jira.put(f"{API}/issue/ACME-1", status=204, match=[matchers.json_params_matcher({"fields": {"labels": ["a", "b"]}})])
        response = client.post("/issues/ACME-1/edit", data={**data, "labels": "a b"})
    assert response.status_code == 302


def test_a_colleagues_change_is_caught_and_both_versions_are_shown(writer, sandbox):
    data = edit_form(writer.client, "OPS-4")
    admin_put(sandbox, "issue/OPS-4", {"fields": {"summary": "Their new summary", "labels": ["theirs"]}})
    reset_stats(sandbox)
    response = writer.client.post("/issues/OPS-4/edit", data={**data, "summary": "My new summary"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed while you were editing" in html
    assert "My new summary" in html and "Their new summary" in html and "both changed" in html
    assert writes(sandbox, "PUT", "/issue/{issueIdOrKey}") == 0  # never overwritten silently
    assert admin_get(sandbox, "issue/OPS-4")["fields"]["summary"] == "Their new summary"

    # Deciding: save mine. Only my field goes over theirs; their labels stay.
    response = writer.client.post("/issues/OPS-4/edit", data=form_data(html, "/issues/OPS-4/edit"))
    assert response.status_code == 302
    fields = admin_get(sandbox, "issue/OPS-4")["fields"]
    assert fields["summary"] == "My new summary" and fields["labels"] == ["theirs"]


def test_parts_of_a_description_markdown_cannot_carry_are_kept_exactly(writer, sandbox):
    before = admin_get(sandbox, "issue/OPS-5")["fields"]["description"]
    assert not adf.to_markdown(before)[1]  # status lozenges, tables...
    html = page(writer.client, "/issues/OPS-5/edit")
    assert 'name="description"' not in html and 'class="adf kept-part"' in html
    data = form_data(html, "/issues/OPS-5/edit")
    assert writer.client.post("/issues/OPS-5/edit", data={**data, "summary": "Renamed only"}).status_code == 302
    assert admin_get(sandbox, "issue/OPS-5")["fields"]["description"] == before  # not sent at all

    data = form_data(page(writer.client, "/issues/OPS-5/edit"), "/issues/OPS-5/edit")
    parts = rich_text.split(before)
    edited = next(i for i, part in enumerate(parts) if part.text is not None)
    assert writer.client.post("/issues/OPS-5/edit", data={**data, "description__part0": "A **new** opening"}).status_code == 302
    after = admin_get(sandbox, "issue/OPS-5")["fields"]["description"]
    assert after == rich_text.join(parts, ["A **new** opening", *rich_text.texts(parts)[1:]])
    kept = [block for i, part in enumerate(parts) if i != edited for block in part.blocks]
    assert all(block in after["content"] for block in kept)  # every block we could not edit, byte for byte
    assert adf.to_markdown({"type": "doc", "version": 1, "content": after["content"][:1]})[0] == "A **new** opening"


def test_a_description_with_nothing_markdown_can_carry_is_shown_read_only(single, sandbox):
    status = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
        {"type": "status", "attrs": {"text": "BLOCKED", "color": "red"}}]}]}
    admin_put(sandbox, "issue/OPS-6", {"fields": {"description": status}})
    html = page(single.client, "/issues/OPS-6/edit")
    assert "description__part" not in html and "left exactly as it is" in html
    assert single.client.post("/issues/OPS-6/edit", data={**form_data(html, "/issues/OPS-6/edit"), "summary": "X"}).status_code == 302
    assert admin_get(sandbox, "issue/OPS-6")["fields"]["description"] == status


def test_an_unchanged_form_sends_nothing(single, sandbox):
    data = edit_form(single.client, "OPS-6")
    reset_stats(sandbox)
    response = single.client.post("/issues/OPS-6/edit", data=data)
    assert response.status_code == 302
    assert writes(sandbox, "PUT", "/issue/{issueIdOrKey}") == 0


def test_a_double_submit_of_an_edit_is_not_mistaken_for_a_conflict(single, sandbox):
    data = {**edit_form(single.client, "OPS-7"), "summary": "Saved once"}
    first, second = single.client.post("/issues/OPS-7/edit", data=data), single.client.post("/issues/OPS-7/edit", data=data)
    assert first.status_code == second.status_code == 302


ARCHIVED = {
    "key": "ACME-1",
    "fields": {"summary": "Old", "updated": "2026-11-02T10:00:00.000+0000",
               "fixVersions": [{"id": "900", "name": "1.0 (archived)"}], "priority": {"id": "7", "name": "Legacy"}},
    "editmeta": {"fields": {
        "summary": {"required": True, "name": "Summary", "schema": {"type": "string", "system": "summary"}, "operations": ["set"]},
        "fixVersions": {"required": False, "name": "Fix versions", "operations": ["set", "add", "remove"],
                        "schema": {"type": "array", "items": "version", "system": "fixVersions"},
                        "allowedValues": [{"id": "901", "name": "2.0"}]},
        "priority": {"required": False, "name": "Priority", "schema": {"type": "priority", "system": "priority"},
                     "operations": ["set"], "allowedValues": [{"id": "1", "name": "High"}, {"id": "3", "name": "Medium"}]},
    }},
}


def test_a_current_value_editmeta_does_not_offer_is_kept_by_a_save(tmp_path):
    client = make_app(tmp_path).test_client()
    with responses.RequestsMock() as jira:
        jira.get(f"{API}/issue/ACME-1", json=ARCHIVED)
        jira.get(f"{API}/myself", json={"accountId": "a1", "displayName": "Ada"})
        html = page(client, "/issues/ACME-1/edit")
        assert "1.0 (archived)" in html and '<option selected value="7">Legacy</option>' in html
        data = form_data(html, "/issues/ACME-1/edit")
        assert data["fixVersions"] == ["900"] and data["priority"] == "7"
        jira.put(f"{API}/issue/ACME-1", status=204,
                 match=[matchers.json_params_matcher({"fields": {"summary": "New summary"}})])  # nothing cleared
        response = client.post("/issues/ACME-1/edit", data={**data, "summary": "New summary"})
    assert response.status_code == 302


def test_a_colleagues_comment_meanwhile_is_no_conflict(writer, sandbox):
    data = edit_form(writer.client, "OPS-4")
    before = admin_get(sandbox, "issue/OPS-4")["fields"]
    admin = sandbox_admin(sandbox)
    requests.post(f"{sandbox.url}/rest/api/3/issue/OPS-4/comment", auth=(admin["email"], admin["api_token"]), timeout=5,
                  json={"body": adf.from_markdown("A colleague's comment")}).raise_for_status()
    assert admin_get(sandbox, "issue/OPS-4")["fields"]["updated"] != before["updated"]
    response = writer.client.post("/issues/OPS-4/edit", data={**data, "summary": "Mine, saved at once"})
    assert response.status_code == 302 and response.headers["Location"] == "/issues/OPS-4"
    after = admin_get(sandbox, "issue/OPS-4")["fields"]
    assert after["summary"] == "Mine, saved at once" and after["labels"] == before["labels"]
