"""Sign in with Atlassian in Chromium: the button, the sandbox's consent page, the projects page,
the header with the person's name and site, and signing out (a CSRF-protected POST)."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.oauth.conftest import make_oauth_app, oauth_stats

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sign_in_approve_land_on_projects_and_sign_out(sandbox, serve, page, tmp_path):
    port = _free_port()
    callback = f"http://127.0.0.1:{port}/auth/callback"
    requests.post(f"{sandbox.url}/_sandbox/config", json={"redirect_uris": [callback]}, timeout=10).raise_for_status()
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
    port = _free_port()
    callback = f"http://127.0.0.1:{port}/auth/callback"
    requests.post(f"{sandbox.url}/_sandbox/config", json={"redirect_uris": [callback]}, timeout=10).raise_for_status()
    url = serve(make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI=callback, WTF_CSRF_ENABLED=True), port)

    page.goto(f"{url}/login")
    page.get_by_role("button", name="Sign in with Atlassian").click()
    page.wait_for_url(f"{sandbox.url}/authorize?*")
    page.locator("#deny").click()
    page.wait_for_url(f"{url}/auth/callback?*")
    assert page.get_by_role("heading", name="Sign-in cancelled").is_visible()
    assert oauth_stats(sandbox)["grants"] == 0
