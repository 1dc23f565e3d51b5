"""@mentions in the browser: type "@bo", pick Bob from the list, post, see the mention."""

from __future__ import annotations

import pytest

from tests.support.apps import single_user_app

pytestmark = pytest.mark.browser

BOB = "712020:00000000-0000-4000-8000-000000000b0b"
ALICE = "712020:00000000-0000-4000-8000-00000000a11c"


def test_pick_people_from_the_list_and_post_a_mention(sandbox, serve, page, tmp_path):
    app = single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True)
    url = serve(app)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text)  # the favicon's 404 is no problem
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{url}/issues/OPS-1")
    box = page.get_by_label("Add a comment")
    options = page.get_by_role("listbox", name="People to mention").get_by_role("option")

    box.press_sequentially("Thanks @bo")
    options.filter(has_text="Bob Brown").click()  # the mouse
    assert box.input_value() == f"Thanks [@Bob Brown](mention:{BOB}) "

    box.press_sequentially("and @al")
    options.filter(has_text="Alice Anders").wait_for()
    box.press("ArrowDown")
    box.press("ArrowUp")
    box.press("Enter")  # the keyboard: picks, and adds no new line
    assert box.input_value().endswith(f"and [@Alice Anders](mention:{ALICE}) ")

    box.press_sequentially("@bo")
    options.first.wait_for()
    box.press("Escape")
    assert options.count() == 0 and box.input_value().endswith(" @bo")
    box.press_sequentially("b!")

    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"{url}/issues/OPS-1?comments=last#comment-*")
    mentions = page.locator(".comment").first.locator(".adf-mention")
    assert mentions.all_inner_texts() == ["@Bob Brown", "@Alice Anders"]
    assert mentions.first.get_attribute("data-account-id") == BOB
    assert page.locator(".comment").first.inner_text().endswith("@bob!")
    assert not problems  # no script errors, nothing blocked by the CSP
