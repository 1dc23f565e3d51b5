"""Forms that must not change data by accident (issue #18): Enter in a people box searches, and the
assign form starts on the current assignee, so sending it unchanged changes nothing. With and without JavaScript."""

from __future__ import annotations

import pytest

from tests.support.apps import single_user_app
from tests.support.sandbox import admin_get, titled

pytestmark = pytest.mark.browser

NEW_BUG = "/projects/OPS/issues/new?type=10002"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_enter_in_the_people_box_searches_and_creates_nothing(sandbox, serve, browser, tmp_path, javascript):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    summary = f"Enter-key bug ({'js' if javascript else 'no js'})"
    try:
        page.goto(f"{url}{NEW_BUG}")
        page.get_by_label("Summary *").fill(summary)
        page.get_by_label("Severity *").select_option(label="Major")
        page.get_by_label("Find a person for Assignee").fill("Bob")
        page.get_by_label("Find a person for Assignee").press("Enter")
        page.wait_for_load_state()

        assert titled(sandbox, "OPS", summary) == []  # nothing was created
        assert page.get_by_label("Summary *").input_value() == summary  # and nothing typed was lost
        assert page.get_by_label("Assignee", exact=True).evaluate("select => select.selectedOptions[0].text") == "Bob Brown"

        page.get_by_role("button", name="Create").last.click()
        page.wait_for_url(f"{url}/issues/OPS-*")
        created = titled(sandbox, "OPS", summary)
        assert len(created) == 1 and admin_get(sandbox, f"issue/{created[0]}")["fields"]["assignee"]["displayName"] == "Bob Brown"
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_assign_with_nothing_changed_keeps_the_assignee(sandbox, serve, browser, tmp_path, javascript):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    before = admin_get(sandbox, "issue/OPS-9")["fields"]["assignee"]
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{url}/issues/OPS-9/assignee")
        assert page.get_by_label(before["displayName"]).is_checked()
        page.get_by_role("button", name="Assign").click()
        page.wait_for_url(f"{url}/issues/OPS-9")
        assert page.get_by_text("Nothing changed").is_visible()
        assert admin_get(sandbox, "issue/OPS-9")["fields"]["assignee"] == before
    finally:
        context.close()
