"""What only a browser shows: open the projects, open an issue, post a comment, see it."""

from __future__ import annotations

import pytest

from tests.support.apps import single_user_app

pytestmark = pytest.mark.browser


def test_projects_issue_and_comment(sandbox, serve, page, tmp_path):
    app = single_user_app(sandbox, tmp_path, WTF_CSRF_ENABLED=True, SANDBOX_URL=sandbox.url)
    url = serve(app)

    page.goto(f"{url}/")
    assert page.locator("h1").inner_text() == "Your work"
    assert page.locator(".sandbox-banner").is_visible()
    page.locator(".topbar").get_by_role("link", name="Projects").click()
    page.wait_for_url(f"{url}/projects")
    page.get_by_role("link", name="ACME").first.click()
    page.wait_for_url(f"{url}/projects/ACME")
    page.locator("td.key a").first.click()
    page.wait_for_url(f"{url}/issues/ACME-*")
    key = page.url.rsplit("/", 1)[1]
    assert page.locator("h1").inner_text().startswith(key)

    text = "Checked in the browser: *works*"
    page.get_by_label("Add a comment").fill(text)
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_url(f"{url}/issues/{key}?comments=last#comment-*")
    assert page.get_by_text("Your comment was added.").is_visible()
    assert page.locator(".comment").first.inner_text().endswith("Checked in the browser: works")
    assert page.locator(".comment").first.locator("em").inner_text() == "works"
