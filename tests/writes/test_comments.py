"""Editing and deleting one's own comments; Jira stays the judge of who may."""

from __future__ import annotations

import re

import pytest

from jira_client.api import adf
from tests.support.apps import single_user_app
from tests.support.forms import client_once_token, form_data, form_token, page
from tests.support.sandbox import admin_get, reset_stats, writes
from tests.support.writers import Writer

BOB_ID = "712020:00000000-0000-4000-8000-000000000b0b"


@pytest.fixture
def bob(sandbox, tmp_path) -> Writer:
    """A single_user app acting as bob: he may browse OPS, only read WEB, and did not write the admin's comments."""
    app = single_user_app(sandbox, tmp_path, user="bob")
    return Writer("single_user", app, app.test_client())


def comment_ids(sandbox, key: str) -> list[str]:
    return [c["id"] for c in admin_get(sandbox, f"issue/{key}/comment")["comments"]]


def test_add_edit_and_delete_ones_own_comment(writer, sandbox):
    html = page(writer.client, "/issues/OPS-16")
    response = writer.client.post("/issues/OPS-16/comments", data={
        "once": form_token(html, "/issues/OPS-16/comments"), "body": "First *draft*"})
    assert response.status_code == 302
    comment_id = comment_ids(sandbox, "OPS-16")[-1]
    html = page(writer.client, "/issues/OPS-16")
    assert f'href="/issues/OPS-16/comments/{comment_id}/edit"' in html

    action = f"/issues/OPS-16/comments/{comment_id}/edit"
    data = form_data(page(writer.client, action), action)
    assert data["body"] == "First *draft*"
    response = writer.client.post(action, data={**data, "body": "Second **take**"})
    assert response.status_code == 302
    body = admin_get(sandbox, f"issue/OPS-16/comment/{comment_id}")["body"]
    assert adf.to_markdown(body)[0] == "Second **take**"

    action = f"/issues/OPS-16/comments/{comment_id}/delete"
    response = writer.client.post(action, data=form_data(page(writer.client, action), action))
    assert response.status_code == 302
    assert comment_id not in comment_ids(sandbox, "OPS-16")


def test_controls_appear_on_ones_own_comments_only(bob, sandbox):
    page(bob.client, "/issues/OPS-2/edit")  # a write form learns who bob is, once per session
    html = page(bob.client, "/issues/OPS-2")
    comments = admin_get(sandbox, "issue/OPS-2/comment")["comments"]
    for comment in comments:
        shown = f'/issues/OPS-2/comments/{comment["id"]}/edit' in html
        assert shown == (comment["author"]["accountId"] == BOB_ID), comment["id"]
    assert any(c["author"]["accountId"] == BOB_ID for c in comments)


def test_editing_someone_elses_comment_is_a_clear_403_with_the_text_kept(bob, sandbox):
    action = "/issues/OPS-1/comments/10000/edit"
    data = form_data(page(bob.client, action), action)
    response = bob.client.post(action, data={**data, "body": "Bob rewrites history"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Not allowed" in html and "Bob rewrites history</textarea>" in html


def test_deleting_someone_elses_comment_is_a_clear_403(bob, sandbox):
    action = "/issues/OPS-1/comments/10000/delete"
    response = bob.client.post(action, data=form_data(page(bob.client, action), action))
    assert response.status_code == 403 and "Not allowed" in response.get_data(as_text=True)
    assert "10000" in comment_ids(sandbox, "OPS-1")


@pytest.mark.parametrize("path", ["/issues/ACME-1/edit", "/issues/ACME-1/transitions/41", "/issues/ACME-1/priority",
                                  "/projects/ACME/issues/new?type=10001"])
def test_an_issue_bob_may_not_see_is_a_clear_404(bob, sandbox, path):
    response = bob.client.get(path)
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(("action", "data"), [("/issues/ACME-1/assignee", {"assignee": "me"}),
                                             ("/issues/ACME-1/labels", {"add": "bobs-label"})])
def test_a_write_on_an_issue_bob_may_not_see_is_a_clear_404_and_changes_nothing(bob, sandbox, action, data):
    before = admin_get(sandbox, "issue/ACME-1")["fields"]
    shown = bob.client.get(action)  # the assign form reads the current assignee first: a 404 already
    if shown.status_code == 200:
        fields = form_data(shown.get_data(as_text=True), action)
    else:
        assert shown.status_code == 404
        fields = {"once": client_once_token(bob.client, action)}  # as if the form were still open from before
    response = bob.client.post(action, data={**fields, **data})
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)
    after = admin_get(sandbox, "issue/ACME-1")["fields"]
    assert (after["assignee"], after["labels"]) == (before["assignee"], before["labels"])


def test_an_issue_bob_may_only_read_offers_him_no_change_but_comments(bob, sandbox):
    html = page(bob.client, "/issues/WEB-1")
    for control in (">Edit</a>", "Assign to me", 'placeholder="Add label"', "/issues/WEB-1/priority", "/transitions/"):
        assert control not in html
    assert "Add comment" in html  # Jira lets him comment there


@pytest.mark.parametrize(("action", "data"), [("/issues/WEB-1/assignee", {"assignee": "me"}),
                                             ("/issues/WEB-1/labels", {"add": "bobs-label"})])
def test_a_write_on_an_issue_bob_may_only_read_is_a_clear_403_and_changes_nothing(bob, sandbox, action, data):
    before = admin_get(sandbox, "issue/WEB-1")["fields"]
    html = page(bob.client, action)
    response = bob.client.post(action, data={**form_data(html, action), **data})
    assert response.status_code == 403 and "Not allowed" in response.get_data(as_text=True)
    after = admin_get(sandbox, "issue/WEB-1")["fields"]
    assert (after["assignee"], after["labels"]) == (before["assignee"], before["labels"])


def test_a_double_submit_posts_one_comment_and_deletes_once(single, sandbox):
    html = page(single.client, "/issues/OPS-17")
    data = {"once": form_token(html, "/issues/OPS-17/comments"), "body": "Said once"}
    before = len(comment_ids(sandbox, "OPS-17"))
    first, second = single.client.post("/issues/OPS-17/comments", data=data), single.client.post("/issues/OPS-17/comments", data=data)
    assert first.status_code == second.status_code == 302 and first.headers["Location"] == second.headers["Location"]
    assert len(comment_ids(sandbox, "OPS-17")) == before + 1

    comment_id = re.search(r"#comment-(\d+)", first.headers["Location"]).group(1)
    action = f"/issues/OPS-17/comments/{comment_id}/delete"
    data = form_data(page(single.client, action), action)
    reset_stats(sandbox)
    first, second = single.client.post(action, data=data), single.client.post(action, data=data)
    assert first.status_code == second.status_code == 302
    assert writes(sandbox, "DELETE", "/comment/{id}") == 1


def test_in_single_user_what_one_browser_learns_serves_every_browser(single, sandbox):
    fresh = single.app.test_client()
    assert "/issues/OPS-1/comments/10000/edit" not in page(fresh, "/issues/OPS-1")  # nobody knows yet
    page(single.client, "/issues/OPS-2/edit")  # one browser opens a write form: one myself call
    html = page(fresh, "/issues/OPS-1")  # another browser, same shared account
    assert "/issues/OPS-1/comments/10000/edit" in html  # the admin's own comment
    assert "/issues/OPS-1/comments/10001/edit" not in html  # alice's
