"""Sign in with Atlassian in Chromium: the button, the sandbox's consent page, the projects page,
the header with the person's name and site, and signing out (a CSRF-protected POST)."""

from __future__ import annotations

import pytest

from tests.support.oauth import make_oauth_app
from tests.support.processes import free_port
from tests.support.sandbox import configure_sandbox, oauth_stats

pytestmark = pytest.mark.browser


def test_sign_in_approve_land_on_projects_and_sign_out(sandbox, serve, page, tmp_path):
    port = free_port()
    callback = f"http://127.0.0.1:{port}/auth/callback"
    configure_sandbox(sandbox, redirect_uris=[callback])
    app = make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI=callback, WTF_CSRF_ENABLED=True)
    url = serve(app, port)

    page.goto(f"{url}/projects")
    assert page.url.startswith(f"{url}/login?next=")
    page.get_by_role("button", name="Sign in with Atlassian").click()
    page.wait_for_url(f"{sandbox.url}/authorize?*")
    page.locator("#user-bob").check()
    page.locator("#accept").click()
    page.wait_for_url(f"{url}/projects")
    assert page.locator(".viewer").inner_text().startswith("Bob Brown")
    assert page.get_by_role("link", name="OPS").first.is_visible()
    assert oauth_stats(sandbox)["grants"] == 1

    page.locator("#sign-out").click()
    page.wait_for_url(f"{url}/login?signed_out=1")
    assert page.get_by_text("You are signed out").is_visible()
    page.goto(f"{url}/projects")
    assert page.url.startswith(f"{url}/login?next=")


def test_denying_consent_shows_a_plain_message(sandbox, serve, page, tmp_path):
    port = free_port()
    callback = f"http://127.0.0.1:{port}/auth/callback"
    configure_sandbox(sandbox, redirect_uris=[callback])
    url = serve(make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI=callback, WTF_CSRF_ENABLED=True), port)

    page.goto(f"{url}/login")
    page.get_by_role("button", name="Sign in with Atlassian").click()
    page.wait_for_url(f"{sandbox.url}/authorize?*")
    page.locator("#deny").click()
    page.wait_for_url(f"{url}/auth/callback?*")
    assert page.get_by_role("heading", name="Sign-in cancelled").is_visible()
    assert oauth_stats(sandbox)["grants"] == 0


def test_signing_in_from_127_0_0_1_moves_to_the_registered_localhost_first(sandbox, serve, page, tmp_path):
    """The callback is registered on localhost; someone opening 127.0.0.1 still signs in (issue #18)."""
    port = free_port()
    callback = f"http://localhost:{port}/auth/callback"
    configure_sandbox(sandbox, redirect_uris=[callback])
    serve(make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI=callback, WTF_CSRF_ENABLED=True), port)

    page.goto(f"http://127.0.0.1:{port}/projects")
    page.wait_for_load_state()
    assert page.url.startswith(f"http://localhost:{port}/login?"), page.url
    page.get_by_role("button", name="Sign in with Atlassian").click()
    page.locator("#user-bob").check()
    page.locator("#accept").click()
    page.wait_for_url(f"http://localhost:{port}/projects")
    assert page.locator(".viewer").inner_text().startswith("Bob Brown")
