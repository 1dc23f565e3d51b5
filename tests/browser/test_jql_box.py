"""The JQL box in the browser: type part of a query, pick suggestions with the keyboard, run it."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app

pytestmark = pytest.mark.browser


def test_pick_field_operator_and_value_with_the_keyboard_then_search(sandbox, serve, page, tmp_path):
    app = single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True)
    url = serve(app)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{url}/search")
    box = page.get_by_role("textbox", name="JQL query")
    combobox = page.get_by_role("combobox", name="JQL query")
    options = page.get_by_role("listbox", name="JQL suggestions").get_by_role("option")

    box.press_sequentially("proj")
    options.filter(has_text="project").first.wait_for()
    assert combobox.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-activedescendant") is None  # nothing is picked until one moves to it
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Enter")  # picks the field, and offers its operators
    assert box.input_value() == "project "

    options.filter(has_text="=").first.wait_for()
    assert options.first.inner_text().startswith("=")
    box.press("ArrowDown")
    box.press("Tab")  # Tab picks too
    assert box.input_value() == "project = "

    box.press_sequentially("Web")
    options.filter(has_text="Website").wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == 'project = Website '  # one word: no quotes needed

    box.press_sequentially("AND status = in")
    options.filter(has_text="In Progress").wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == 'project = Website AND status = "In Progress" '  # quoted as JQL needs

    box.press("Escape")
    assert options.count() == 0 and combobox.get_attribute("aria-expanded") == "false"
    box.press("Enter")  # nothing highlighted: Enter runs the search
    page.wait_for_url(re.compile(r".*/search\?jql=project"))
    keys = page.locator("td.key a").all_inner_texts()
    assert keys and all(key.startswith("WEB-") for key in keys)
    assert page.get_by_role("textbox", name="JQL query").input_value() == 'project = Website AND status = "In Progress"'
    assert not problems  # no script errors, nothing blocked by the CSP


def test_jiras_errors_show_under_the_box_and_the_query_stays(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    page.goto(f"{url}/search")
    box = page.get_by_role("textbox", name="JQL query")
    box.fill("project = NOPE")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?jql="))
    assert "The value 'NOPE' does not exist for the field 'project'." in page.get_by_role("alert").inner_text()
    assert page.get_by_role("textbox", name="JQL query").input_value() == "project = NOPE"
    assert page.get_by_role("textbox", name="JQL query").get_attribute("aria-invalid") == "true"


def test_a_long_query_is_posted_and_its_error_shown(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    page.goto(f"{url}/search")
    query = "project = ACME AND (" + " OR ".join(f'summary ~ "wörd{n} \\"q\\""' for n in range(400)) + ") AND nope = 1"
    assert len(query) > 10_000
    page.get_by_role("textbox", name="JQL query").fill(query)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.url == f"{url}/search"  # posted: too long for a link
    assert "Field 'nope' does not exist" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("textbox", name="JQL query").input_value() == query
