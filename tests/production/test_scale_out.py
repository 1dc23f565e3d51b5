"""Scale-out: separate gunicorn processes share nothing but Redis, and survive Redis going away."""

from __future__ import annotations

import re

import pytest
import requests

from tests.support.processes import free_port, start_gunicorn
from tests.support.sandbox import configure_sandbox, oauth_stats, reset_stats, sandbox_admin, sandbox_info, set_faults


def jira_env(sandbox) -> dict:
    """Return the settings that point the app at the live sandbox as its admin (single_user)."""
    admin = sandbox_admin(sandbox)
    return {"JIRA_BASE_URL": sandbox.url, "JIRA_EMAIL": admin["email"], "JIRA_API_TOKEN": admin["api_token"]}


@pytest.mark.redis
def test_a_session_started_on_one_process_carries_on_at_the_other(processes, tmp_path, sandbox, machine_redis, key_prefix):
    env = {**jira_env(sandbox), "REDIS_URL": machine_redis, "SESSION_KEY_PREFIX": key_prefix, "WEB_CONCURRENCY": "2"}
    first, first_url = start_gunicorn(processes, tmp_path, "first", **env)
    second, second_url = start_gunicorn(processes, tmp_path, "second", **env)
    browser = requests.Session()

    assert browser.get(f"{first_url}/projects/ACME", timeout=20).status_code == 200
    assert browser.cookies.get("session"), "the first page should have started a session"
    carried_on = browser.get(f"{second_url}/projects/ACME?page=1", allow_redirects=False, timeout=20)
    stranger = requests.get(f"{second_url}/projects/ACME?page=1", allow_redirects=False, timeout=20)

    assert carried_on.status_code == 200  # the page token stored by the first process was found
    assert stranger.status_code == 302  # without that session, page 1 starts over
    assert first.popen.poll() is None and second.popen.poll() is None


def test_redis_stopped_mid_run_gives_a_503_page_and_serving_resumes_when_it_returns(processes, tmp_path, sandbox, redis_server):
    app, url = start_gunicorn(processes, tmp_path, "app", **jira_env(sandbox), REDIS_URL=redis_server.url)
    browser = requests.Session()
    assert browser.get(f"{url}/projects/ACME", timeout=20).status_code == 200

    redis_server.stop()
    down = browser.get(f"{url}/projects/ACME?page=1", allow_redirects=False, timeout=20)
    new_visitor = requests.get(f"{url}/projects/ACME", allow_redirects=False, timeout=20)

    assert down.status_code == 503
    assert "Temporarily unavailable" in down.text and "session store" in down.text
    assert "Traceback" not in down.text and "redis.exceptions" not in down.text
    assert new_visitor.status_code == 503  # its new session cannot be stored: refused, not half-served
    assert "Traceback" not in app.output()

    redis_server.start()
    back = browser.get(f"{url}/projects/ACME", allow_redirects=False, timeout=20)
    assert back.status_code == 200
    assert browser.get(f"{url}/projects/ACME?page=1", allow_redirects=False, timeout=20).status_code == 200
    assert app.popen.poll() is None  # the same gunicorn, never restarted


def csrf_token(page: requests.Response) -> str:
    """Return the CSRF token of the form on ``page``."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(browser: requests.Session, app_url: str, user: str) -> requests.Response:
    """Sign ``user`` in at ``app_url`` through the sandbox's authorize page; return the callback's answer."""
    login = browser.get(f"{app_url}/login", timeout=20)
    start = browser.post(f"{app_url}/login/start", data={"csrf_token": csrf_token(login), "next": "/projects"}, allow_redirects=False, timeout=20)
    assert start.status_code == 302, start.text
    approved = browser.get(f"{start.headers['Location']}&login_hint={user}&sandbox_auto_approve=1", allow_redirects=False, timeout=20)
    assert approved.status_code == 302 and "/auth/callback?" in approved.headers["Location"], approved.text
    return browser.get(approved.headers["Location"], allow_redirects=False, timeout=20)


@pytest.mark.redis
def test_sign_in_on_one_process_carry_on_at_the_other_and_share_refreshed_tokens(processes, tmp_path, sandbox, machine_redis, key_prefix):
    info = sandbox_info(sandbox)
    first_port = free_port()
    callback = f"http://127.0.0.1:{first_port}/auth/callback"
    configure_sandbox(sandbox, redirect_uris=[callback])
    env = {
        "APP_MODE": "multi_user", "JIRA_OAUTH_CLIENT_ID": info["oauth"]["client_id"],
        "JIRA_OAUTH_CLIENT_SECRET": info["oauth"]["client_secret"], "JIRA_OAUTH_REDIRECT_URI": callback,
        "ATLASSIAN_AUTH_URL": sandbox.url, "ATLASSIAN_API_URL": sandbox.url,
        "REDIS_URL": machine_redis, "SESSION_KEY_PREFIX": key_prefix, "WEB_CONCURRENCY": "2",
        "JIRA_CACHE_SECONDS": "0",  # every view asks Jira, so the expired token is noticed
    }
    first, first_url = start_gunicorn(processes, tmp_path, "first", port=first_port, **env)
    second, second_url = start_gunicorn(processes, tmp_path, "second", **env)
    browser = requests.Session()

    signed_in = sign_in(browser, first_url, "alice")
    assert signed_in.status_code == 302
    if "/sites" in signed_in.headers["Location"]:  # several sites: choose one, on the other process
        choice = browser.get(f"{second_url}/sites", params={"next": "/projects"}, timeout=20)
        site = re.search(r'name="site" value="([^"]+)"', choice.text).group(1)
        chosen = browser.post(f"{second_url}/sites", data={"csrf_token": csrf_token(choice), "site": site, "next": "/projects"}, allow_redirects=False, timeout=20)
        assert chosen.status_code == 302
    assert browser.get(f"{second_url}/projects", allow_redirects=False, timeout=20).status_code == 200

    set_faults(sandbox, expire_access_tokens=True)
    reset_stats(sandbox)
    assert browser.get(f"{second_url}/projects", allow_redirects=False, timeout=20).status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1  # the second process refreshed and stored the new pair
    assert browser.get(f"{first_url}/projects", allow_redirects=False, timeout=20).status_code == 200
    stats = oauth_stats(sandbox)

    assert (stats["refreshes"], stats["reuse_rejections"]) == (1, 0)  # the first used the refreshed token
    assert first.popen.poll() is None and second.popen.poll() is None


def test_jira_sandbox_under_gunicorn_starts_one_sandbox_for_every_worker(processes, tmp_path, redis_server):
    """JIRA_SANDBOX=1 with two workers: gunicorn's master starts the sandbox once, before it forks."""
    app, url = start_gunicorn(processes, tmp_path, "demo", JIRA_SANDBOX="1", SANDBOX_PORT="0", WEB_CONCURRENCY="2",
                              REDIS_URL=redis_server.url)
    banners = set()
    for _ in range(12):
        page = requests.get(f"{url}/projects", timeout=10)
        assert page.status_code == 200 and "ACME" in page.text
        banners.update(re.findall(r"built-in sandbox at\s*<code>([^<]+)</code>", page.text))

    assert len(banners) == 1
    assert app.output().count("Built-in sandbox (JIRA_SANDBOX=1) serving at") == 1
