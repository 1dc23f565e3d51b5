"""Refresh: single-flight under 20 concurrent requests (file store, Redis, two processes on Redis),
proactive refresh, the stale writer, a revoked grant (sign in again, draft kept), at most one
refresh per 401."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from cachelib.file import FileSystemCache

from jira_client.state import app_state
from tests.support.forms import comment_form
from tests.support.oauth import authorize, make_oauth_app, oauth_settings, rewrite_record, session_record, sign_in
from tests.support.processes import start_app
from tests.support.sandbox import oauth_stats, sandbox_fault, set_faults, token_calls

CONCURRENCY = 20


def _hammer(url: str, cookie: str, n: int = CONCURRENCY) -> list[int]:
    """Send ``n`` GETs at once (a barrier lines them up), all with the same session cookie."""
    barrier = threading.Barrier(n)

    def one(_):
        with requests.Session() as http:
            http.cookies.set("session", cookie)
            barrier.wait(timeout=30)
            return http.get(url, timeout=60, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def _single_flight(app, sandbox, serve) -> None:
    client = app.test_client()
    sign_in(client, "bob")
    record_id, before = session_record(app, client)
    url = serve(app)
    sandbox_fault(sandbox, expire_access_tokens=True)
    statuses = _hammer(f"{url}/projects", client.get_cookie("session").value)
    refreshes = oauth_stats(sandbox)["refreshes"]
    print(f"\nrefreshes under {CONCURRENCY} concurrent requests: {refreshes}")
    assert statuses == [200] * CONCURRENCY
    assert refreshes == 1 and oauth_stats(sandbox)["reuse_rejections"] == 0
    after = app_state(app).token_store.load(record_id)
    assert after.version == before.version + 1 and after.refresh_token != before.refresh_token


def test_single_flight_with_the_file_store(tmp_path, sandbox, serve):
    cache = FileSystemCache(str(tmp_path / "sessions"), threshold=10000, mode=0o600)
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_CACHELIB=cache)
    _single_flight(app, sandbox, serve)


@pytest.mark.redis
def test_single_flight_with_redis(tmp_path, sandbox, serve, redis_client):
    app = make_oauth_app(
        tmp_path, sandbox.url, SESSION_TYPE="redis", SESSION_REDIS=redis_client, SESSION_KEY_PREFIX=redis_client.test_prefix,
    )
    _single_flight(app, sandbox, serve)
    assert not list(redis_client.scan_iter(f"{redis_client.test_prefix}tokens:lock:*"))  # the lock is released


def test_a_token_about_to_expire_is_refreshed_before_the_call(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    now = time.time()
    rewrite_record(app, client, expires_at=now + 30, consented_at=now - 3570)
    assert client.get("/projects").status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1
    assert client.get("/projects").status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1


def test_a_401_refreshes_once_and_the_call_is_sent_again(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    sandbox_fault(sandbox, expire_access_tokens=True)
    assert client.get("/issues/OPS-1").status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1


def test_a_second_401_after_a_refresh_signs_out_instead_of_looping(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    set_faults(sandbox, {"path": "/rest/api/3/project", "status": 401})
    response = client.get("/projects")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/projects")
    assert oauth_stats(sandbox)["refreshes"] == 1


def test_a_post_refused_with_401_is_sent_once_more_after_the_refresh(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    form = {**comment_form(client, "OPS-1"), "body": "after a refresh"}
    sandbox_fault(sandbox, expire_access_tokens=True)
    response = client.post("/issues/OPS-1/comments", data=form)
    assert response.status_code == 302 and "/issues/OPS-1" in response.headers["Location"]
    assert b"after a refresh" in client.get(response.headers["Location"]).data
    assert oauth_stats(sandbox)["refreshes"] == 1


def test_a_slow_request_never_writes_back_an_older_pair(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    store = app_state(app).token_store
    record_id, slow_view = session_record(app, client)  # the slow request read version 1
    sandbox_fault(sandbox, expire_access_tokens=True)
    assert client.get("/projects").status_code == 200  # a fast request rotates: version 2
    newest = store.load(record_id)
    assert newest.version == slow_view.version + 1
    stale = slow_view.rotated({"access_token": "stale", "refresh_token": slow_view.refresh_token}, time.time())
    assert not store.replace(record_id, stale, expected_version=slow_view.version)  # the slow one finishes
    assert store.load(record_id) == newest
    calls = token_calls(sandbox)
    assert client.get("/projects").status_code == 200
    assert token_calls(sandbox) == calls  # nobody refreshes with the spent token


def test_a_revoked_grant_sends_the_person_to_sign_in_and_keeps_the_comment_draft(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    form = {**comment_form(client, "OPS-1"), "body": "Half a thought I must not lose"}
    record_id, _ = session_record(app, client)
    sandbox_fault(sandbox, revoke_grant="bob")
    response = client.post("/issues/OPS-1/comments", data=form)
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/issues/OPS-1"
    assert app_state(app).token_store.load(record_id) is None
    login = client.get(response.headers["Location"])
    assert b"sign-in has ended" in login.data
    back = sign_in(client, "bob", next_path="/issues/OPS-1")
    assert back.headers["Location"] == "/issues/OPS-1"
    page = client.get("/issues/OPS-1").get_data(as_text=True)
    assert "Half a thought I must not lose" in page
    assert "Half a thought I must not lose" not in client.get("/issues/OPS-1").get_data(as_text=True)


def test_a_revoked_grant_on_a_page_view_comes_back_to_that_page(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    sandbox_fault(sandbox, revoke_grant="bob")
    response = client.get("/search?jql=project%20%3D%20OPS")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/search?jql%3Dproject%2520%253D%2520OPS"
    assert sign_in(client, "bob", next_path="/search?jql=project%20%3D%20OPS").headers["Location"] == "/search?jql=project%20%3D%20OPS"


def test_a_signed_out_post_keeps_the_draft_too(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    response = client.post("/issues/OPS-1/comments", data={"body": "typed while signed out"})
    assert response.headers["Location"] == "/login?next=/issues/OPS-1"
    sign_in(client, "bob", next_path="/issues/OPS-1")
    assert "typed while signed out" in client.get("/issues/OPS-1").get_data(as_text=True)


def test_an_unavailable_token_endpoint_keeps_the_sign_in(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    record_id, record = session_record(app, client)
    sandbox_fault(sandbox, expire_access_tokens=True)
    set_faults(sandbox, {"path": "^/oauth/token$", "status": 503, "count": 1})
    assert client.get("/projects").status_code == 502
    assert app_state(app).token_store.load(record_id) == record
    assert client.get("/projects").status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1


@pytest.mark.redis
def test_single_flight_across_two_processes_sharing_redis(tmp_path, sandbox, redis_client, processes):
    settings = {
        **oauth_settings(sandbox.url), "TESTING": "1", "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/0", "SESSION_KEY_PREFIX": redis_client.test_prefix,
    }
    urls = [start_app(processes, settings, tmp_path / f"worker-{n}.log")[1] for n in range(2)]
    with requests.Session() as browser:
        started = browser.post(f"{urls[0]}/login/start", data={"next": "/projects"}, allow_redirects=False, timeout=10)
        back = browser.get(urls[1] + authorize(started.headers["Location"], "bob"), allow_redirects=False, timeout=10)
        assert back.status_code == 302 and back.headers["Location"] == "/projects"  # the callback landed on worker 2
        cookie = browser.cookies["session"]
    sandbox_fault(sandbox, expire_access_tokens=True)
    barrier = threading.Barrier(CONCURRENCY)

    def one(n: int) -> int:
        with requests.Session() as http:
            http.cookies.set("session", cookie)
            barrier.wait(timeout=30)
            return http.get(f"{urls[n % 2]}/projects", timeout=60, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        statuses = list(pool.map(one, range(CONCURRENCY)))
    refreshes = oauth_stats(sandbox)["refreshes"]
    print(f"\nrefreshes under {CONCURRENCY} concurrent requests over two processes: {refreshes}")
    assert statuses == [200] * CONCURRENCY and refreshes == 1
