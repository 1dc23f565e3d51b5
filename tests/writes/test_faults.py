"""Injected faults on every write: the form comes back holding what was typed, Jira got one call, no duplicate."""

from __future__ import annotations

import pytest

from jira_client.state import app_state
from tests.support.forms import form_data, form_token, page
from tests.support.processes import eventually
from tests.support.sandbox import admin_get, jira_calls, reset_stats, set_faults, titled, writes
from tests.support.writers import make_writer

BOB = "712020:00000000-0000-4000-8000-000000000b0b|Bob Brown"

# name: (page with the form, the form's action, what is typed, the write's method and path regex, text expected back)
WRITES = {
    "create": ("/projects/OPS/issues/new?type=10001", "/projects/OPS/issues/new?type=10001",
               {"summary": "Typed during an outage"}, ("POST", r"/rest/api/3/issue$"), 'value="Typed during an outage"'),
    "edit": ("/issues/OPS-18/edit", "/issues/OPS-18/edit", {"summary": "Edited during an outage"},
             ("PUT", r"/issue/OPS-18$"), 'value="Edited during an outage"'),
    "transition": ("/issues/OPS-21/transitions/41", "/issues/OPS-21/transitions/41",
                   {"resolution": "10000", "comment": "Closing during an outage"}, ("POST", r"/transitions$"),
                   "Closing during an outage</textarea>"),
    "assign": ("/issues/OPS-20/assignee?q=bob", "/issues/OPS-20/assignee", {"assignee": BOB},
               ("PUT", r"/assignee$"), f'checked id="assignee-2" name="assignee" type="radio" value="{BOB}"'),
    "labels": ("/issues/OPS-20/labels", "/issues/OPS-20/labels", {"add": "typed-label"}, ("PUT", r"/issue/OPS-20$"),
               'value="typed-label"'),
    "priority": ("/issues/OPS-20/priority", "/issues/OPS-20/priority", {"priority": "5"}, ("PUT", r"/issue/OPS-20$"),
                 '<option selected value="5">Lowest</option>'),
    "comment": ("/issues/OPS-20", "/issues/OPS-20/comments", {"body": "Commented during an outage"},
                ("POST", r"/comment$"), "Commented during an outage</textarea>"),
    "comment edit": ("/issues/OPS-2/comments/10008/edit", "/issues/OPS-2/comments/10008/edit",
                     {"body": "Re-worded during an outage"}, ("PUT", r"/comment/10008$"), "Re-worded during an outage</textarea>"),
    "comment delete": ("/issues/OPS-2/comments/10009/delete", "/issues/OPS-2/comments/10009/delete", {},
                       ("DELETE", r"/comment/10009$"), "Delete this comment"),
}


def submit(writer, name: str):
    """Open the write's form, type into it and send it; return the response."""
    form_page, action, typed, _, _ = WRITES[name]
    return writer.client.post(action, data={**form_data(page(writer.client, form_page), action), **typed})


ROUTES = {"create": "/issue", "edit": "/issue/{issueIdOrKey}", "transition": "/transitions", "assign": "/assignee",
          "labels": "/issue/{issueIdOrKey}", "priority": "/issue/{issueIdOrKey}", "comment": "/comment",
          "comment edit": "/comment/{id}", "comment delete": "/comment/{id}"}


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("status", [503, 429])
def test_a_failing_write_keeps_the_text_and_is_sent_once(writer, sandbox, name, status):
    method, pattern = WRITES[name][3]
    reset_stats(sandbox)
    set_faults(sandbox, {"path": pattern, "method": method, "status": status, "retry_after": 0})
    response = submit(writer, name)
    set_faults(sandbox)
    assert response.status_code == 503, response.get_data(as_text=True)[-2000:]
    html = response.get_data(as_text=True)
    assert WRITES[name][4] in html
    assert "Traceback" not in html
    assert writes(sandbox, method, ROUTES[name]) == 1  # never retried


def test_nothing_was_written_by_the_failed_attempts(sandbox, tmp_path):
    writer = make_writer("single_user", sandbox, tmp_path)
    set_faults(sandbox, {"method": "POST", "status": 503}, {"method": "PUT", "status": 503},
               {"method": "DELETE", "status": 503})
    for name in WRITES:
        assert submit(writer, name).status_code == 503
    set_faults(sandbox)
    assert not titled(sandbox, "OPS", "Typed during an outage")
    assert admin_get(sandbox, "issue/OPS-18")["fields"]["summary"] != "Edited during an outage"
    assert admin_get(sandbox, "issue/OPS-21")["fields"]["status"]["name"] != "Done"
    assert "typed-label" not in admin_get(sandbox, "issue/OPS-20")["fields"]["labels"]
    assert "10009" in [c["id"] for c in admin_get(sandbox, "issue/OPS-2/comment")["comments"]]


@pytest.mark.parametrize("mode", ["single_user", "multi_user"])
def test_a_create_that_stalls_past_the_timeout_is_never_duplicated(sandbox, tmp_path, mode):
    writer = make_writer(mode, sandbox, tmp_path)
    app_state(writer.app).client_options["timeout"] = (2.0, 0.5)
    action = "/projects/OPS/issues/new?type=10001"
    data = {**form_data(page(writer.client, action), action), "summary": "Stalled create"}
    set_faults(sandbox, {"path": r"/rest/api/3/issue$", "method": "POST", "stall_seconds": 30})
    response = writer.client.post(action, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 504 and 'value="Stalled create"' in html
    assert "Jira may have saved it even so" in html
    set_faults(sandbox)  # the stalled request now goes through: Jira did create it
    assert eventually(lambda: len(titled(sandbox, "OPS", "Stalled create")) == 1)

    again = writer.client.post(action, data=data)  # the browser retries the same submit
    assert again.status_code == 409 and "may have been saved" in again.get_data(as_text=True)
    assert len(titled(sandbox, "OPS", "Stalled create")) == 1


def test_a_comment_that_stalls_past_the_timeout_is_never_duplicated(single, sandbox):
    app_state(single.app).client_options["timeout"] = (2.0, 0.5)
    html = page(single.client, "/issues/OPS-22")
    before = admin_get(sandbox, "issue/OPS-22/comment")["total"]
    data = {"once": form_token(html, "/issues/OPS-22/comments"), "body": "Stalled comment"}
    set_faults(sandbox, {"path": r"/comment$", "method": "POST", "stall_seconds": 30})
    response = single.client.post("/issues/OPS-22/comments", data=data)
    assert response.status_code == 504 and "Stalled comment</textarea>" in response.get_data(as_text=True)
    set_faults(sandbox)
    assert eventually(lambda: admin_get(sandbox, "issue/OPS-22/comment")["total"] == before + 1)
    assert single.client.post("/issues/OPS-22/comments", data=data).status_code == 409
    assert admin_get(sandbox, "issue/OPS-22/comment")["total"] == before + 1


# name: (the form's page (it posts to itself), the read before the write, what is typed, the write's method, text expected back)
READ_FIRST = {
    "create": ("/projects/OPS/issues/new?type=10001", r"/issue/createmeta/OPS/issuetypes/10001$",
               {"summary": "Typed while Jira was down"}, "POST", 'value="Typed while Jira was down"'),
    "edit": ("/issues/OPS-18/edit", r"/issue/OPS-18$", {"summary": "Edited while Jira was down"},
             "PUT", 'value="Edited while Jira was down"'),
    "transition": ("/issues/OPS-21/transitions/41", r"/issue/OPS-21/transitions$",
                   {"resolution": "10000", "comment": "Closed while Jira was down"}, "POST",
                   "Closed while Jira was down</textarea>"),
    "comment edit": ("/issues/OPS-2/comments/10008/edit", r"/comment/10008$", {"body": "Re-worded while Jira was down"},
                     "PUT", "Re-worded while Jira was down</textarea>"),
}


@pytest.mark.parametrize("name", READ_FIRST)
@pytest.mark.parametrize("status", [503, 429])
def test_a_failing_read_before_the_write_keeps_the_text_and_writes_nothing(writer, sandbox, name, status):
    form_page, read, typed, method, shown = READ_FIRST[name]
    data = {**form_data(page(writer.client, form_page), form_page), **typed}
    reset_stats(sandbox)
    set_faults(sandbox, {"path": read, "method": "GET", "status": status, "retry_after": 0})
    response = writer.client.post(form_page, data=data)
    set_faults(sandbox)
    assert response.status_code == 302 and response.headers["Location"] == form_page
    assert writes(sandbox, method, ROUTES[name]) == 0
    assert any(r["status"] == status for r in jira_calls(sandbox))  # the read did fail

    html = page(writer.client, form_page)  # Jira is back: the form holds what was typed
    assert shown in html and "What you typed was kept" in html
    assert writer.client.post(form_page, data=form_data(html, form_page)).status_code == 302
