"""Creating issues against the sandbox: every field kind, Jira's field errors, one issue per submit."""

from __future__ import annotations

import re
import threading

import requests

from tests.support.apps import single_user_app
from tests.support.forms import form_token, page
from tests.support.sandbox import admin_get, reset_stats, set_faults, titled, writes

NEW_BUG = "/projects/OPS/issues/new?type=10002"  # OPS bugs: cascading select, datetime, select, environment
NEW_TASK = "/projects/ACME/issues/new?type=10001"  # ACME tasks: number, multi select, text and textarea fields


def test_the_type_is_chosen_from_createmeta(writer, sandbox):
    html = page(writer.client, "/projects/OPS/issues/new")
    for name, type_id in [("Task", "10001"), ("Bug", "10002"), ("Story", "10003"), ("Epic", "10004"), ("Subtask", "10005")]:
        assert f'href="/projects/OPS/issues/new?type={type_id}">{name}</a>' in html


def test_create_with_every_field_kind_lands_on_the_new_issue(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    response = writer.client.post(NEW_BUG, data={
        "once": form_token(html, NEW_BUG), "summary": "Cache stampede on login", "description": "Seen **twice** today",
        "environment": "prod-eu", "priority": "2", "labels": "cache login", "duedate": "2026-12-24",
        "components": ["10004", "10005"], "fixVersions": ["10003"], "parent": "OPS-5",  # an epic: a bug sits below one
        "customfield_10032": "10120:10121", "customfield_10022": "2026-12-01T09:30", "customfield_10030": "10100",
        "assignee": "712020:00000000-0000-4000-8000-000000000b0b|Bob Brown",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    key = response.headers["Location"].rsplit("/", 1)[1]
    fields = admin_get(sandbox, f"issue/{key}")["fields"]
    assert fields["summary"] == "Cache stampede on login"
    assert fields["description"]["content"][0]["content"][1] == {"type": "text", "text": "twice", "marks": [{"type": "strong"}]}
    assert fields["priority"]["id"] == "2" and fields["labels"] == ["cache", "login"] and fields["duedate"] == "2026-12-24"
    assert [c["id"] for c in fields["components"]] == ["10004", "10005"] and fields["fixVersions"][0]["id"] == "10003"
    assert fields["parent"]["key"] == "OPS-5"
    assert fields["customfield_10032"]["child"]["value"] == "Frankfurt"
    assert fields["customfield_10022"] == "2026-12-01T09:30:00.000+0000"
    assert fields["customfield_10030"]["value"] == "Critical"
    assert fields["assignee"]["displayName"] == "Bob Brown"
    assert "Created " + key in page(writer.client, f"/issues/{key}")


def test_number_multi_select_and_text_fields(writer, sandbox):
    html = page(writer.client, NEW_TASK)
    response = writer.client.post(NEW_TASK, data={
        "once": form_token(html, NEW_TASK), "summary": "Estimate me", "customfield_10016": "2.5",
        "customfield_10031": ["10110", "10112"], "customfield_10034": "CUST-77", "customfield_10035": "- one\n- two",
        "customfield_10015": "2026-11-30",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    fields = admin_get(sandbox, f"issue/{response.headers['Location'].rsplit('/', 1)[1]}")["fields"]
    assert fields["customfield_10016"] == 2.5
    assert [o["value"] for o in fields["customfield_10031"]] == ["Web", "Android"]
    assert fields["customfield_10034"] == "CUST-77"
    assert fields["customfield_10035"]["content"][0]["type"] == "bulletList"
    assert fields["customfield_10015"] == "2026-11-30"


def test_jiras_field_errors_appear_next_to_their_fields_with_the_input_kept(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    response = writer.client.post(NEW_BUG, data={
        "once": form_token(html, NEW_BUG), "summary": "Wrong parent", "parent": "OPS-99999", "description": "keep me",
        "customfield_10030": "10101",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    parent = html[html.index('id="parent"'):]
    assert "Could not find issue by id or key." in parent[:800]
    assert "keep me</textarea>" in html and 'value="Wrong parent"' in html
    assert not titled(sandbox, "OPS", "Wrong parent")


def test_a_required_custom_field_is_asked_for_before_any_write(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    assert 'id="customfield_10030" name="customfield_10030" required' in html and "Severity *" in html
    response = writer.client.post(NEW_BUG, data={"once": form_token(html, NEW_BUG), "summary": "No severity"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    severity = html[html.index('id="customfield_10030"'):]
    assert "Jira needs a value here." in severity[:1500] and 'value="No severity"' in html
    assert not titled(sandbox, "OPS", "No severity")


def test_our_own_checks_come_before_any_write(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    reset_stats(sandbox)
    response = writer.client.post(NEW_BUG, data={"once": form_token(html, NEW_BUG), "summary": "",
                                                 "customfield_10022": "next tuesday"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Jira needs a value here." in html and "YYYY-MM-DD HH:MM" not in html  # required first: no write at all
    assert writes(sandbox, "POST", "/issue") == 0


def test_a_required_field_we_cannot_edit_gives_a_clear_message_not_a_broken_form(writer, sandbox):
    html = page(writer.client, "/projects/WEB/issues/new?type=10004")
    assert "This issue type cannot be created here." in html and "“Team”" in html
    assert 'class="write-form"' not in html


def test_the_person_picker_searches_without_javascript(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    sent = form_token(html, NEW_BUG)
    response = writer.client.post(NEW_BUG, data={"once": sent, "summary": "Pick someone", "search": "assignee",
                                                 "assignee__query": "bo"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<option selected value="712020:00000000-0000-4000-8000-000000000b0b|Bob Brown">Bob Brown</option>' in html
    assert 'value="Pick someone"' in html and not titled(sandbox, "OPS", "Pick someone")
    response = writer.client.post(NEW_BUG, data={"once": form_token(html, NEW_BUG), "summary": "Pick someone",
                                                 "customfield_10030": "10101", "assignee": "712020:00000000-0000-4000-8000-000000000b0b|Bob Brown"})
    assert response.status_code == 302
    key = titled(sandbox, "OPS", "Pick someone")[0]
    assert admin_get(sandbox, f"issue/{key}")["fields"]["assignee"]["displayName"] == "Bob Brown"


def test_a_double_submit_creates_exactly_one_issue(writer, sandbox):
    html = page(writer.client, NEW_BUG)
    data = {"once": form_token(html, NEW_BUG), "summary": "Clicked twice", "customfield_10030": "10101"}
    first, second = writer.client.post(NEW_BUG, data=data), writer.client.post(NEW_BUG, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(titled(sandbox, "OPS", "Clicked twice")) == 1


def test_two_simultaneous_submits_of_one_form_create_one_issue(sandbox, serve, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path))
    browser = requests.Session()
    html = browser.get(url + NEW_BUG, timeout=10).text
    data = {"once": form_token(html, NEW_BUG), "summary": "Raced twice", "customfield_10030": "10101"}
    set_faults(sandbox, {"path": r"/rest/api/3/issue$", "method": "POST", "latency_ms": 300})
    start, answers = threading.Barrier(2), []

    def post():
        start.wait()
        answers.append(browser.post(url + NEW_BUG, data=data, allow_redirects=False, timeout=30))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    set_faults(sandbox)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert len(titled(sandbox, "OPS", "Raced twice")) == 1


def test_the_type_used_last_starts_chosen_and_the_choice_stays_on_screen(single, sandbox):
    new = "/projects/ACME/issues/new"
    assert single.client.get(new).status_code == 200  # several types, none used yet: the choice
    html = page(single.client, NEW_TASK)
    single.client.post(NEW_TASK, data={"once": form_token(html, NEW_TASK), "summary": "Remember my type"})

    assert single.client.get(new).headers["Location"] == NEW_TASK
    refused = single.client.post(NEW_TASK, data={"once": form_token(html, NEW_TASK), "summary": ""})
    assert refused.status_code == 400 and 'class="type-choice"' in refused.get_data(as_text=True)


def test_summary_then_required_fields_first_and_an_error_summary_that_links_to_each_field(single, sandbox):
    html = page(single.client, NEW_BUG)
    inputs = re.findall(r'<div class="field field-\w+" id="field-(\w+)"', html)
    required = [name for name in inputs if re.search(rf'<label for="{name}">[^<]*\*', html)]
    assert inputs[0] == "summary" and "customfield_10030" in required  # Severity
    assert inputs[:len(required)] == required  # every required field before every optional one

    refused = single.client.post(NEW_BUG, data={"once": form_token(html, NEW_BUG), "summary": "", "description": "kept"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'class="error-summary"' in text
    assert re.search(r'<a href="#summary">Summary: [^<]+</a>', text) and re.search(r'<a href="#customfield_10030">Severity: ', text)
    assert re.search(r">\s*kept</textarea>", text)


def test_a_project_where_jira_offers_no_issue_type_has_no_create_link_and_the_page_says_why(sandbox, tmp_path):
    bob = single_user_app(sandbox, tmp_path, user="bob").test_client()
    assert "Create issue" not in page(bob, "/projects/WEB")
    assert "Create issue" in page(bob, "/projects/OPS")
    assert "You cannot create issues in WEB" in page(bob, "/projects/WEB/issues/new")
