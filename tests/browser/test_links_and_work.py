"""In Chromium with JavaScript turned off and CSRF on: link two issues by words through the picker,
log work in Jira's notation, and find both in the issue's History tab."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app
from tests.support.sandbox import admin_get

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    """A page in a browser context with JavaScript off: everything here works without it."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_link_two_issues_log_work_and_see_both_in_history(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    other = admin_get(sandbox, "issue/OPS-11")["fields"]["summary"]

    page.goto(f"{url}/issues/OPS-24")
    page.get_by_role("link", name="Link an issue").click()
    page.get_by_label("This issue").select_option(label="is blocked by")
    page.get_by_label("Issue", exact=True).fill(other)
    page.get_by_role("button", name="Find").click()
    page.get_by_label(re.compile(r"OPS-11")).check()
    page.get_by_role("button", name="Link").last.click()
    page.wait_for_url(f"{url}/issues/OPS-24#links")
    assert page.get_by_text("OPS-24 is now linked to OPS-11.").is_visible()
    links = page.locator("#links")
    assert links.get_by_role("heading", name="is blocked by").is_visible()
    assert links.get_by_role("link", name="OPS-11").is_visible()

    page.get_by_role("link", name="Log work").click()
    page.get_by_label("Time spent").fill("1x")
    page.get_by_role("button", name="Log work").click()
    assert page.get_by_text("Jira would not understand “1x”").is_visible()
    assert page.get_by_label("Time spent").input_value() == "1x"  # kept as typed
    page.get_by_label("Time spent").fill("2h 30m")
    page.get_by_label("Work description").fill("Paired on the **fix**")
    page.get_by_role("button", name="Log work").click()
    page.wait_for_url(f"{url}/issues/OPS-24#time-tracking")
    tracking = page.locator("#time-tracking")
    assert tracking.get_by_text("2h 30m").is_visible() and tracking.get_by_text("4d 5h 30m").is_visible()

    page.locator("#activity").get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(r".*/issues/OPS-24\?tab=history#activity"))
    history = page.locator("#activity")
    assert history.get_by_role("cell", name="This work item is blocked by OPS-11").is_visible()
    assert history.get_by_role("cell", name="Time Spent").is_visible()
    assert history.get_by_role("cell", name="2h 30m").first.is_visible()
    assert history.get_by_role("cell", name="Remaining Estimate").is_visible()
