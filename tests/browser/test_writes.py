"""The whole write journey in Chromium, with CSRF on and no JavaScript of ours: create an issue with
a required custom field and others, move it to Done with a resolution, edit its description, assign it, then comment, edit
the comment and delete it."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app
from tests.support.sandbox import admin_get

pytestmark = pytest.mark.browser


def test_create_transition_edit_assign_and_comment(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))

    page.goto(f"{url}/projects/OPS")
    page.get_by_role("link", name="Create issue").click()
    page.get_by_role("link", name="Bug").click()
    page.get_by_label("Summary *").fill("Browser-made bug")
    page.get_by_label("Description").fill("Steps:\n\n1. open the *app*\n2. click")
    page.get_by_label("Region").select_option(label="EU › Dublin")
    page.get_by_label("Deployment window").fill("2026-12-01T09:30")
    page.get_by_label("Monitoring").check()
    form_url = page.url
    page.get_by_role("button", name="Create").last.click()  # without the required severity
    severity = page.get_by_label("Severity *")
    assert severity.evaluate("select => select.validity.valueMissing") and page.url == form_url
    assert page.get_by_label("Summary *").input_value() == "Browser-made bug"  # nothing typed is lost
    severity.select_option(label="Major")
    page.get_by_role("button", name="Create").last.click()
    page.wait_for_url(re.compile(r".*/issues/OPS-\d+$"))
    key = page.url.rsplit("/", 1)[1]
    assert page.get_by_text(f"Created {key}.").is_visible()
    fields = admin_get(sandbox, f"issue/{key}")["fields"]
    assert fields["customfield_10030"]["value"] == "Major" and fields["customfield_10032"]["child"]["value"] == "Dublin"
    assert [c["name"] for c in fields["components"]] == ["Monitoring"]

    page.locator(".status-menu summary").click()  # the status button beside the title opens the transitions
    page.get_by_role("link", name="Done…").click()
    page.get_by_label("Resolution *").select_option(label="Won't Do")
    page.get_by_label("Comment").fill("Closing from the browser")
    page.get_by_role("button", name="Done").last.click()
    page.wait_for_url(f"{url}/issues/{key}")
    assert page.locator(".issue-side").get_by_text("Won't Do").is_visible()
    assert admin_get(sandbox, f"issue/{key}")["fields"]["status"]["name"] == "Done"

    page.locator(".action-bar").get_by_role("link", name="Edit").click()
    assert page.get_by_label("Description").input_value().startswith("Steps:")
    page.get_by_label("Description").fill("Rewritten in the **browser**")
    page.get_by_role("button", name="Save").last.click()
    page.wait_for_url(f"{url}/issues/{key}")
    assert page.locator(".issue-main .adf strong").first.inner_text() == "browser"

    page.get_by_role("button", name="Assign to me").click()
    page.wait_for_url(f"{url}/issues/{key}")
    assert page.locator(".issue-side").get_by_text("Ada Admin").first.is_visible()

    page.get_by_label("Add a comment").fill("A comment to _change_")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(re.compile(rf".*/issues/{key}\?comments=last#comment-\d+"))
    comment = page.locator(".comment").first  # newest first
    assert comment.locator("em").inner_text() == "change"
    comment.get_by_role("link", name="Edit").click()
    page.get_by_label("Your comment").fill("A comment, changed")
    page.get_by_role("button", name="Save comment").click()
    page.wait_for_url(re.compile(rf".*/issues/{key}#comment-\d+"))
    assert page.get_by_text("Your comment was changed.").is_visible()
    comment = page.locator(".comment").first  # newest first
    assert comment.locator(".adf").inner_text() == "A comment, changed"

    comment.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete comment").click()
    page.wait_for_url(re.compile(rf".*/issues/{key}#comments"))
    assert page.get_by_text("The comment was deleted.").is_visible()
    assert page.get_by_text("A comment, changed").count() == 0
