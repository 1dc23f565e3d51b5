"""What only a browser shows: an image uploaded from the issue page is listed with its thumbnail, the
screenshot inside a description renders, and the page never asks another host for anything."""

from __future__ import annotations

import re

import pytest

from sandbox import seed_media
from tests.support.apps import single_user_app
from tests.support.sandbox import configure_attachments, media_stats

pytestmark = pytest.mark.browser

SCREENSHOT = seed_media.png(120, 80, lambda x, y: (x * 2, y * 3, 200))


def decoded(image) -> int:
    """Return the image's natural width once the browser has loaded and decoded it (0: broken or not loaded)."""
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.decode().catch(() => null)")
    return image.evaluate("img => img.complete ? img.naturalWidth : 0")


def test_upload_an_image_see_it_listed_and_see_images_inside_a_description(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(url) else elsewhere.append(request.url))

    page.goto(f"{url}/issues/ACME-14")
    screenshot = page.locator(".issue-main > .adf img.adf-media-image")
    assert screenshot.get_attribute("src") == "/attachments/10000/view"
    assert decoded(screenshot) == 320  # the seeded 320x200 PNG, drawn
    assert page.get_by_text("old-login-page.png").is_visible()  # no longer attached: a named placeholder
    assert decoded(page.locator(".comment img.adf-media-image").first) == 320

    page.goto(f"{url}/issues/ACME-2")
    page.get_by_label("Attach files").set_input_files([
        {"name": "from-the-browser.png", "mimeType": "image/png", "buffer": SCREENSHOT},
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"plain notes"},
    ])
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"{url}/issues/ACME-2#attachments")
    assert page.get_by_text("Attached from-the-browser.png and notes.txt.").is_visible()
    row = page.locator(".attachment", has_text="from-the-browser.png")
    assert row.get_by_text("image/png").is_visible()
    assert decoded(row.locator("img.attachment-thumbnail")) == 120
    assert page.locator(".attachment", has_text="notes.txt").locator(".attachment-icon").inner_text() == "TXT"

    assert elsewhere == []  # every image, style and script came from the app
    assert media_stats(sandbox)["with_authorization"] == 0


def test_a_file_over_the_limit_is_caught_before_it_is_sent(sandbox, serve, page, tmp_path):
    configure_attachments(sandbox, upload_limit=1000)
    url = serve(single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True))
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.goto(f"{url}/issues/ACME-2")
    # The page learns Jira's own limit once an upload asked Jira for it: the first try is refused by the app, naming it.
    page.get_by_label("Attach files").set_input_files([{"name": "big.png", "mimeType": "image/png", "buffer": SCREENSHOT}])
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_text(re.compile(r"Too large to attach: big\.png .* at most 1000 bytes")).is_visible()
    posts.clear()
    page.get_by_label("Attach files").set_input_files([{"name": "big.png", "mimeType": "image/png", "buffer": SCREENSHOT}])
    alert = page.locator(".attachment-upload .field-error")
    assert alert.is_visible() and "at most 1000 bytes" in alert.inner_text()  # said at once
    page.evaluate("window.addEventListener('submit', event => { window.refused = event.defaultPrevented; })")
    page.get_by_role("button", name="Upload").click()
    assert page.evaluate("window.refused") is True and posts == []  # the submit was stopped: nothing sent
