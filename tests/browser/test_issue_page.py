"""The issue page in Chromium (#18): the status button, editing in place, keyboard shortcuts that
never fire while typing, the skip link, and the details before the description on a phone."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app
from tests.support.sandbox import admin_get

pytestmark = pytest.mark.browser


@pytest.fixture
def app_url(sandbox, serve, tmp_path):
    return serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))


def test_the_status_button_opens_the_transitions(app_url, page, sandbox):
    page.goto(f"{app_url}/issues/ACME-2")
    status = admin_get(sandbox, "issue/ACME-2")["fields"]["status"]["name"]
    choices = page.locator(".status-choices")
    assert not choices.is_visible()
    page.locator(".status-menu summary").click()
    assert choices.is_visible()
    names = [name.strip() for name in choices.locator("button, a").all_inner_texts()]
    assert names and all(name.rstrip("…") != status for name in names)


def test_priority_and_summary_are_edited_in_place(app_url, page, sandbox):
    page.goto(f"{app_url}/issues/ACME-3")
    page.get_by_role("button", name="Edit Priority here").click()
    page.get_by_label("Priority", exact=True).select_option(label="Lowest")
    page.get_by_role("button", name="Change priority").click()
    page.wait_for_url(f"{app_url}/issues/ACME-3")
    assert admin_get(sandbox, "issue/ACME-3")["fields"]["priority"]["name"] == "Lowest"

    before = page.locator(".issue-summary").inner_text()
    page.get_by_role("button", name="Edit summary here").click()
    field = page.get_by_label("Summary *")
    field.fill("Changed without leaving the page")
    field.press("Escape")  # put it back: nothing sent
    assert page.locator(".issue-summary").inner_text() == before
    page.get_by_role("button", name="Edit summary here").click()
    page.get_by_label("Summary *").fill("Changed without leaving the page")
    page.get_by_role("button", name="Save").last.click()
    page.wait_for_url(f"{app_url}/issues/ACME-3")
    assert admin_get(sandbox, "issue/ACME-3")["fields"]["summary"] == "Changed without leaving the page"


def test_shortcuts_work_and_never_fire_while_typing(app_url, page):
    page.goto(f"{app_url}/issues/ACME-5")
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#shortcuts").is_visible()

    page.keyboard.press("m")
    box = page.locator(".comment-form textarea")
    assert box.evaluate("el => el === document.activeElement")
    box.type("e a c")  # typing: no shortcut fires
    assert page.url == f"{app_url}/issues/ACME-5" and box.input_value() == "e a c"

    page.locator("h1").click()  # out of the field
    page.keyboard.press("e")
    page.wait_for_url(f"{app_url}/issues/ACME-5/edit")

    page.goto(f"{app_url}/projects/ACME")
    page.keyboard.press("j")
    first = page.locator("table.issues tbody tr").first.locator("a").first
    assert first.evaluate("el => el === document.activeElement")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert first.evaluate("el => el === document.activeElement")
    page.keyboard.press("/")
    assert page.locator("#quick-search").evaluate("el => el === document.activeElement")


def test_a_skip_link_and_a_visible_focus(app_url, page):
    page.goto(f"{app_url}/issues/ACME-5")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    skip.press("Enter")
    assert page.url.endswith("#main")


def test_on_a_phone_the_details_come_before_the_description(app_url, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/issues/OPS-4")
        side = page.locator(".issue-side").bounding_box()
        main = page.locator(".issue-main").bounding_box()
        assert side["y"] < main["y"]
        assert re.search(r"Severity", page.locator(".issue-side").inner_text())
    finally:
        context.close()
