"""Moving cards in Chromium, with CSRF on and the strict CSP: by drag and drop, by keys, and without JavaScript."""

from __future__ import annotations

import pytest

from tests.support.apps import single_user_app
from tests.support.sandbox import admin_get

pytestmark = pytest.mark.browser

OPS_BOARD = "/boards/2"


def status_of(sandbox, key: str) -> str:
    return admin_get(sandbox, f"issue/{key}", fields="status")["fields"]["status"]["name"]


def column(page, name: str):
    return page.locator(f'.board-column[data-name="{name}"]')


def drop_on(page, card, name: str) -> None:
    """Drag ``card`` by its key and drop it on the head of the column called ``name``."""
    card.locator(".card-top").drag_to(column(page, name).locator(".column-head"))


def first_card(page, name: str):
    card = column(page, name).locator(".board-card").first
    return card, card.get_attribute("data-key")


@pytest.fixture
def board(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    page.set_viewport_size({"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and "Failed to load resource" not in message.text else None)  # the missing favicon is not ours to judge
    page.goto(url + OPS_BOARD)
    yield url
    assert errors == []  # no script blocked by the CSP, nothing thrown


def test_a_card_moves_by_drag_and_drop(sandbox, page, board):
    card, key = first_card(page, "To Do")
    with page.expect_navigation():
        drop_on(page, card, "In Review")
    assert page.get_by_text(f"{key} moved to In Review.").is_visible()
    assert column(page, "In Review").locator(f"#card-{key}").count() == 1
    assert status_of(sandbox, key) == "In Review"


def test_a_card_moves_by_keys_and_escape_puts_it_back(sandbox, page, board):
    card, key = first_card(page, "To Do")
    card.focus()
    page.keyboard.press("Space")
    assert "Picked up" in page.locator("#board-live").inner_text()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    assert "stays where it was" in page.locator("#board-live").inner_text()
    assert status_of(sandbox, key) == "To Do"

    card.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert column(page, "In Review").get_attribute("class").endswith("drop-target")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.get_by_text(f"{key} moved to In Review.").is_visible()
    assert status_of(sandbox, key) == "In Review"


def test_the_move_menu_works_without_dragging(sandbox, page, board):
    card, key = first_card(page, "In Review")
    card.get_by_text("Move…").click()
    card.get_by_label(f"Move {key} to").select_option(label="In Progress")
    with page.expect_navigation():
        card.get_by_role("button", name="Move").click()
    assert page.get_by_text(f"{key} moved to In Progress.").is_visible()
    assert status_of(sandbox, key) == "In Progress"


def test_dropping_into_done_opens_the_resolution_form_and_comes_back(sandbox, page, board):
    card, key = first_card(page, "In Progress")
    with page.expect_navigation():
        drop_on(page, card, "Done")
    assert page.url.startswith(f"{board}/issues/{key}/transitions/41?back=")
    page.get_by_label("Resolution *").select_option(label="Done")
    with page.expect_navigation():
        page.get_by_role("button", name="Done").last.click()
    assert page.url == board + OPS_BOARD
    assert page.get_by_text(f"{key} moved to Done.").is_visible()
    assert status_of(sandbox, key) == "Done"
