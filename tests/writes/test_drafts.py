"""multi_user: a write interrupted by an ended sign-in is offered again, filled in, after signing in again."""

from __future__ import annotations

import pytest

from tests.support.forms import form_data, page
from tests.support.oauth import sign_in
from tests.support.sandbox import admin_get, sandbox_fault, titled
from tests.support.writers import make_writer


@pytest.mark.parametrize(("form_page", "typed", "shown"), [
    ("/projects/OPS/issues/new?type=10002", {"summary": "Typed before the grant ended", "customfield_10030": "10101",
                                             "components": ["10004", "10006"]},
     ['value="Typed before the grant ended"', '<option selected value="10101">Major</option>',
      'checked id="components-0"', 'checked id="components-2"']),
    ("/issues/OPS-23/edit", {"summary": "Edit typed before the grant ended"}, ['value="Edit typed before the grant ended"']),
    ("/issues/OPS-23/transitions/41", {"resolution": "10002", "comment": "Why, typed before the grant ended"},
     ["Why, typed before the grant ended</textarea>", '<option selected value="10002">Duplicate</option>']),
])
def test_the_form_comes_back_filled_in_after_signing_in_again(sandbox, tmp_path, form_page, typed, shown):
    writer = make_writer("multi_user", sandbox, tmp_path)
    data = {**form_data(page(writer.client, form_page), form_page), **typed}
    sandbox_fault(sandbox, revoke_grant="admin")
    response = writer.client.post(form_page, data=data)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert sign_in(writer.client, "admin", next_path=form_page).headers["Location"] == form_page

    html = page(writer.client, form_page)
    for text in shown:
        assert text in html
    assert writer.client.post(form_page, data=form_data(html, form_page)).status_code == 302


def test_the_created_issue_exists_once_after_the_interruption(sandbox, tmp_path):
    writer = make_writer("multi_user", sandbox, tmp_path)
    action = "/projects/OPS/issues/new?type=10001"
    data = {**form_data(page(writer.client, action), action), "summary": "Created after signing in again"}
    sandbox_fault(sandbox, revoke_grant="admin")
    writer.client.post(action, data=data)
    sign_in(writer.client, "admin", next_path=action)
    writer.client.post(action, data=form_data(page(writer.client, action), action))
    keys = titled(sandbox, "OPS", "Created after signing in again")
    assert len(keys) == 1
    assert admin_get(sandbox, f"issue/{keys[0]}")["fields"]["reporter"]["displayName"] == "Ada Admin"
