"""axe-core in Chromium over the main pages, both modes, light and dark: no critical or serious finding (#18).

axe-core comes from the npm registry (package.json, installed by `make test`) and is loaded from
that local file into each page.
"""

from __future__ import annotations

import json

import pytest

from tests.support.apps import single_user_app
from tests.support.oauth import make_oauth_app
from tests.support.paths import ROOT, unavailable

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/", "/projects", "/projects/ACME", "/issues/ACME-1", "/issues/ACME-14", "/issues/OPS-4", "/issues/ACME-42?tab=history",
    "/search?jql=project%20%3D%20ACME", "/filters", "/boards", "/boards/2", "/boards/5/backlog",
    "/projects/OPS/issues/new?type=10002", "/issues/ACME-1/edit", "/issues/ACME-1/assignee",
    "/issues/ACME-1/transitions/41", "/issues/ACME-1/priority", "/issues/ACME-1/links/new",
]
SERIOUS = ("critical", "serious")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        unavailable(f"axe-core is not installed at {AXE} (run `npm ci`, as `make test` does)")
    return AXE.read_text()


def _findings(page, url: str, axe_source: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
            for v in result["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_single_user_pages_have_no_serious_accessibility_findings(sandbox, serve, browser, tmp_path, axe_source, scheme):
    url = serve(single_user_app(sandbox, tmp_path, SANDBOX_URL=sandbox.url))
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    try:
        found = {path: _findings(page, url + path, axe_source) for path in PAGES}
    finally:
        context.close()
    assert {path: issues for path, issues in found.items() if issues} == {}, json.dumps(found, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_multi_user_pages_have_no_serious_accessibility_findings(sandbox, serve, browser, tmp_path, axe_source, scheme):
    from tests.support.processes import free_port
    from tests.support.sandbox import configure_sandbox

    port = free_port()
    callback = f"http://127.0.0.1:{port}/auth/callback"
    configure_sandbox(sandbox, redirect_uris=[callback])
    url = serve(make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI=callback, SANDBOX_URL=sandbox.url), port)
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    try:
        found = {"/login": _findings(page, f"{url}/login", axe_source)}
        page.get_by_role("button", name="Sign in with Atlassian").click()
        page.locator("#user-alice").check()
        page.locator("#accept").click()
        page.wait_for_url(f"{url}/**")
        if "/sites" in page.url:
            found["/sites"] = _findings(page, page.url, axe_source)
            page.get_by_role("button").first.click()
        for path in ("/", "/issues/ACME-1", "/account", "/projects/ACME"):
            found[path] = _findings(page, url + path, axe_source)
    finally:
        context.close()
    assert {path: issues for path, issues in found.items() if issues} == {}, json.dumps(found, indent=1)


def test_the_top_bar_is_dark_in_dark_mode(sandbox, serve, browser, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path))
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(f"{url}/projects")
        red, green, blue = page.locator(".topbar").evaluate(
            "el => getComputedStyle(el).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number)")
        assert max(red, green, blue) < 60  # a dark bar, not the light theme's blue
    finally:
        context.close()


def test_hidden_mention_lists_leave_no_bar_under_split_description_boxes(sandbox, serve, page, tmp_path):
    url = serve(single_user_app(sandbox, tmp_path))
    page.goto(f"{url}/issues/ACME-1/edit")
    lists = page.locator("fieldset ul.mention-list")
    assert lists.count() >= 1
    assert all(display == "none" for display in lists.evaluate_all("els => els.map(el => getComputedStyle(el).display)"))
