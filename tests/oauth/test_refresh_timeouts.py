"""A token refresh that times out: Atlassian may already have rotated the refresh token, so the app
retries at once, under the same lock and inside the 10-minute reuse grace, and the person keeps
their sign-in. The token request has its own, longer read timeout than other calls."""

from __future__ import annotations

import requests
import responses

from jira_client.auth import atlassian
from jira_client.settings import Settings
from jira_client.state import app_state
from tests.support.oauth import make_oauth_app, session_record, sign_in
from tests.support.processes import eventually
from tests.support.sandbox import oauth_stats, sandbox_fault, set_faults, token_calls

SHORT = (3.05, 3.0)  # the test's refresh timeout (roomy for a busy machine); the sandbox holds a stalled request longer
STALL = {"path": "^/oauth/token$", "method": "POST", "stall_seconds": 20}


def _signed_in(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    app_state(app).strategy.refresh_timeout = SHORT
    client = app.test_client()
    sign_in(client, "bob")
    return app, client


def test_a_refresh_answered_too_late_is_retried_at_once_and_the_sign_in_kept(tmp_path, sandbox):
    app, client = _signed_in(tmp_path, sandbox)
    record_id, before = session_record(app, client)
    sandbox_fault(sandbox, expire_access_tokens=True)
    set_faults(sandbox, {**STALL, "count": 1})
    calls = token_calls(sandbox)

    assert client.get("/projects").status_code == 200

    set_faults(sandbox)  # the stalled first request now reaches the token endpoint too, with the same token
    assert eventually(lambda: token_calls(sandbox) == calls + 2)
    after = app_state(app).token_store.load(record_id)
    assert after.version == before.version + 1 and after.refresh_token != before.refresh_token
    assert oauth_stats(sandbox)["reuse_rejections"] == 0
    sandbox_fault(sandbox, expire_access_tokens=True)
    assert client.get("/projects").status_code == 200  # the stored pair is a live one
    assert oauth_stats(sandbox)["reuse_rejections"] == 0


def test_when_the_retry_times_out_too_the_sign_in_is_kept_for_the_next_request(tmp_path, sandbox):
    app, client = _signed_in(tmp_path, sandbox)
    record_id, before = session_record(app, client)
    sandbox_fault(sandbox, expire_access_tokens=True)
    set_faults(sandbox, {**STALL, "count": 2})
    calls = token_calls(sandbox)

    page = client.get("/projects")

    assert page.status_code == 504 and "sign-in service did not answer" in page.get_data(as_text=True)
    assert app_state(app).token_store.load(record_id) == before
    set_faults(sandbox)
    assert eventually(lambda: token_calls(sandbox) == calls + 2)  # two attempts, no more
    assert client.get("/projects").status_code == 200  # within the reuse grace: the old token still refreshes
    assert oauth_stats(sandbox)["reuse_rejections"] == 0


def test_the_token_request_has_a_longer_read_timeout_than_other_calls():
    from jira_client.api.client import DEFAULT_TIMEOUT

    assert atlassian.REFRESH_TIMEOUT[1] > max(DEFAULT_TIMEOUT[1], atlassian.TIMEOUT[1])


def test_the_retry_sends_the_same_refresh_token_and_uses_the_second_answer():
    settings = Settings.from_mapping({
        "APP_MODE": "multi_user", "JIRA_OAUTH_CLIENT_ID": "id", "JIRA_OAUTH_CLIENT_SECRET": "secret",
        "JIRA_OAUTH_REDIRECT_URI": "http://localhost/auth/callback", "ATLASSIAN_AUTH_URL": "https://auth.test",
    })
    retried = []
    with responses.RequestsMock() as mock:
        mock.post("https://auth.test/oauth/token", body=requests.exceptions.ReadTimeout("late"))
        mock.post("https://auth.test/oauth/token", json={"access_token": "new", "refresh_token": "rt-2", "expires_in": 3600})
        answer = atlassian.refresh(settings, "rt-1", on_retry=lambda: retried.append(True))
        sent = [call.request.body for call in mock.calls]

    assert answer["refresh_token"] == "rt-2" and retried == [True]
    assert len(sent) == 2 and all(b'"refresh_token": "rt-1"' in body for body in sent)


def test_a_redis_refresh_lock_outlasts_a_refresh_with_its_retry():
    from jira_client.auth.tokens import LOCK_EXPIRY

    assert LOCK_EXPIRY > atlassian.REFRESH_ATTEMPTS * sum(atlassian.REFRESH_TIMEOUT)
