"""Transitions, assignee, labels and priority from the issue page, against the sandbox."""

from __future__ import annotations

import re

import pytest
import responses
from responses import matchers

from jira_client.api import adf
from tests.support.apps import make_app
from tests.support.forms import form_data, form_token, once_token, page
from tests.support.sandbox import admin_get, jira_calls, reset_stats, sandbox_stats, set_faults, writes

ADMIN_ID = "712020:00000000-0000-4000-8000-0000000000ad"
BOB = "712020:00000000-0000-4000-8000-000000000b0b|Bob Brown"


def test_the_issue_page_offers_jiras_transitions_and_stays_one_call(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/issues/OPS-8")
    assert sum(r["count"] for r in jira_calls(sandbox)) == 1
    assert 'action="/issues/OPS-8/transitions/21"' in html  # no screen: a button
    assert 'href="/issues/OPS-8/transitions/41">Done…</a>' in html  # a screen: opens its form
    assert 'href="/issues/OPS-8/edit"' in html


def test_a_transition_without_a_screen_is_one_click(writer, sandbox):
    html = page(writer.client, "/issues/OPS-8")
    response = writer.client.post("/issues/OPS-8/transitions/21", data={"once": form_token(html, "/issues/OPS-8/transitions/21")})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-8")["fields"]["status"]["name"] == "In Progress"


def test_a_transition_that_needs_a_resolution_opens_a_form_and_explains_whats_missing(writer, sandbox):
    action = "/issues/OPS-9/transitions/41"
    html = page(writer.client, action)
    assert 'name="resolution"' in html and 'name="comment"' in html
    data = form_data(html, action)
    response = writer.client.post(action, data={**data, "resolution": "", "comment": "Closing: fixed in *2026.Q4*"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Jira needs a value here." in html and "Closing: fixed in *2026.Q4*</textarea>" in html

    response = writer.client.post(action, data={**form_data(html, action), "resolution": "10001"})
    assert response.status_code == 302
    fields = admin_get(sandbox, "issue/OPS-9")["fields"]
    assert fields["status"]["name"] == "Done" and fields["resolution"]["name"] == "Won't Do"
    last = admin_get(sandbox, "issue/OPS-9/comment", orderBy="-created")["comments"][0]
    assert adf.to_markdown(last["body"])[0] == "Closing: fixed in *2026.Q4*"


def test_jiras_own_refusal_of_a_quick_transition_opens_the_form_with_its_reason(writer, sandbox):
    action = "/issues/OPS-16/transitions/41"
    sent = form_token(page(writer.client, action), action)
    response = writer.client.post(action, data={"once": sent})  # as a one-click button would
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Jira needs more before OPS-16 can move to Done" in html and "Resolution is required." in html
    assert 'name="resolution"' in html
    assert admin_get(sandbox, "issue/OPS-16")["fields"]["status"]["name"] != "Done"


def test_assign_to_me_to_someone_found_and_to_nobody(writer, sandbox):
    html = page(writer.client, "/issues/OPS-11/assignee")
    response = writer.client.post("/issues/OPS-11/assignee", data={"once": form_token(html, "/issues/OPS-11/assignee"), "assignee": "me"})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-11")["fields"]["assignee"]["accountId"] == ADMIN_ID

    html = page(writer.client, "/issues/OPS-11/assignee?q=bo")
    assert f'value="{BOB}"' in html
    response = writer.client.post("/issues/OPS-11/assignee", data={"once": form_token(html, "/issues/OPS-11/assignee"), "assignee": BOB})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-11")["fields"]["assignee"]["displayName"] == "Bob Brown"

    html = page(writer.client, "/issues/OPS-11/assignee")
    assert 'value="nobody"' in html  # "Nobody (unassigned)" is a choice of its own, not an empty one
    response = writer.client.post("/issues/OPS-11/assignee", data={"once": form_token(html, "/issues/OPS-11/assignee"), "assignee": "nobody"})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-11")["fields"]["assignee"] is None


def test_the_assign_form_starts_on_the_current_assignee_and_an_empty_submit_changes_nothing(writer, sandbox):
    before = admin_get(sandbox, "issue/OPS-9")["fields"]["assignee"]
    assert before is not None
    action = "/issues/OPS-9/assignee"
    html = page(writer.client, action)
    current = f'{before["accountId"]}|{before["displayName"]}'
    assert re.search(r'<input[^>]*checked[^>]*value="%s"|<input[^>]*value="%s"[^>]*checked' % (re.escape(current), re.escape(current)), html)

    reset_stats(sandbox)
    nothing_chosen = writer.client.post(action, data={**form_data(html, action), "assignee": ""}, follow_redirects=True)
    unchanged = writer.client.post(action, data=form_data(page(writer.client, action), action), follow_redirects=True)

    assert admin_get(sandbox, "issue/OPS-9")["fields"]["assignee"] == before
    assert "Nothing changed" in nothing_chosen.get_data(as_text=True) and "Nothing changed" in unchanged.get_data(as_text=True)
    assert "unassigned" not in nothing_chosen.get_data(as_text=True).split("Nothing changed")[1][:80]
    assert not [r for r in sandbox_stats(sandbox)["requests"] if r["method"] == "PUT"]


def test_labels_are_added_and_removed_with_update_operations(writer, sandbox):
    before = admin_get(sandbox, "issue/OPS-12")["fields"]["labels"]
    html = page(writer.client, "/issues/OPS-12")
    response = writer.client.post("/issues/OPS-12/labels", data={"once": form_token(html, "/issues/OPS-12/labels"), "add": "hot fix-me"})
    assert response.status_code == 302
    assert set(admin_get(sandbox, "issue/OPS-12")["fields"]["labels"]) == set(before) | {"hot", "fix-me"}
    html = page(writer.client, "/issues/OPS-12")
    assert 'name="remove" value="hot"' in html
    response = writer.client.post("/issues/OPS-12/labels", data={"once": form_token(html, "/issues/OPS-12/labels"), "remove": "hot"})
    assert response.status_code == 302
    assert set(admin_get(sandbox, "issue/OPS-12")["fields"]["labels"]) == set(before) | {"fix-me"}


def test_priority_is_chosen_from_what_jira_allows(writer, sandbox):
    html = page(writer.client, "/issues/OPS-13/priority")
    assert ">Highest</option>" in html and ">Lowest</option>" in html
    response = writer.client.post("/issues/OPS-13/priority", data={**form_data(html, "/issues/OPS-13/priority"), "priority": "1"})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-13")["fields"]["priority"]["name"] == "Highest"


def test_a_double_click_on_a_transition_moves_once(single, sandbox):
    html = page(single.client, "/issues/OPS-14")
    data = {"once": form_token(html, "/issues/OPS-14/transitions/31")}
    reset_stats(sandbox)
    first = single.client.post("/issues/OPS-14/transitions/31", data=data)
    second = single.client.post("/issues/OPS-14/transitions/31", data=data)
    assert first.status_code == second.status_code == 302
    assert writes(sandbox, "POST", "/transitions") == 1


TRANSITIONS = "https://jira.test/rest/api/3/issue/ACME-1/transitions"
SCREEN = {"transitions": [{"id": "41", "name": "Done", "hasScreen": True, "to": {"name": "Done"}, "fields": {
    "assignee": {"required": False, "name": "Assignee", "schema": {"type": "user", "system": "assignee"}, "operations": ["set"]},
    "duedate": {"required": False, "name": "Due date", "schema": {"type": "date", "system": "duedate"}, "operations": ["set"]},
    "comment": {"required": False, "name": "Comment", "schema": {"type": "comments-page", "system": "comment"}, "operations": ["add"]},
}}]}


def test_find_people_on_a_transition_screen_searches_and_moves_nothing(tmp_path):
    app = make_app(tmp_path)
    action = "/issues/ACME-1/transitions/41"
    with responses.RequestsMock() as jira:  # no transition POST is stubbed: sending one fails the test
        jira.get(TRANSITIONS, json=SCREEN)
        jira.get("https://jira.test/rest/api/3/user/assignable/search", json=[{"accountId": "b1", "displayName": "Bob"}],
                 match=[matchers.query_param_matcher({"query": "bob", "issueKey": "ACME-1"}, strict_match=False)])
        response = app.test_client().post(action, data={
            "screen": "1", "search": "assignee", "assignee__query": "bob", "comment": "half-typed comment",
            "once": once_token(app, action)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="b1|Bob">Bob</option>' in html and "half-typed comment</textarea>" in html


def test_a_transition_value_jira_cannot_take_is_explained_next_to_its_field(tmp_path):
    app = make_app(tmp_path)
    action = "/issues/ACME-1/transitions/41"
    with responses.RequestsMock() as jira:
        jira.get(TRANSITIONS, json=SCREEN)
        response = app.test_client().post(action, data={
            "screen": "1", "duedate": "next tuesday", "comment": "Done now", "once": once_token(app, action)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Done now</textarea>" in html
    field = html[html.index('name="duedate"'):]
    assert field.index('class="field-error"') < field.index('name="comment"')  # next to the due date, not in a box
    assert "Enter a date as YYYY-MM-DD" in field[:field.index('name="comment"')]


@pytest.mark.parametrize("path", ["/issues/ACME-1/transitions/4x1", "/issues/ACME-1/comments/01/edit",
                                  "/issues/ACME-1/comments/abc/delete", "/projects/ACME/issues/new?type=1x"])
def test_an_id_that_cannot_be_jiras_is_a_404_before_any_call(tmp_path, path):
    with responses.RequestsMock():  # nothing stubbed: any call to Jira fails the test
        assert make_app(tmp_path).test_client().get(path).status_code == 404


def test_a_one_click_transition_jira_fails_is_an_error_page_not_a_kept_form(single, sandbox):
    html = page(single.client, "/issues/OPS-8")
    set_faults(sandbox, {"path": r"/transitions$", "method": "POST", "status": 503})
    response = single.client.post("/issues/OPS-8/transitions/21", data={"once": form_token(html, "/issues/OPS-8/transitions/21")})
    set_faults(sandbox)
    assert response.status_code == 503 and "What you typed was kept" not in response.get_data(as_text=True)
    assert admin_get(sandbox, "issue/OPS-8")["fields"]["status"]["name"] != "In Progress"
