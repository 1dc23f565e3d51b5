"""Bad callbacks: state missing, foreign or replayed, consent denied, redirect_uri mismatch,
a reused code, and every way the token endpoint can fail. None of them signs anyone in, and the
state checks fail before any token request is made."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import responses

from jira_client.auth import atlassian
from jira_client.state import app_state
from tests.support.oauth import authorize, make_oauth_app, sign_in, start_sign_in
from tests.support.sandbox import oauth_stats, token_calls


def _query(path: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def _signed_out(client) -> bool:
    with client.session_transaction() as sess:
        has_auth = "auth" in sess
    return not has_auth and client.get("/projects").status_code == 302


def test_missing_state_is_400_without_a_token_request(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    callback = authorize(start_sign_in(client), "bob")
    response = client.get("/auth/callback?" + urlencode({"code": _query(callback)["code"]}))
    assert response.status_code == 400
    assert token_calls(sandbox) == 0 and oauth_stats(sandbox)["grants"] == 0
    assert _signed_out(client)


def test_foreign_state_is_400_and_the_rightful_browser_still_signs_in(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    victim, attacker = app.test_client(), app.test_client()
    callback = authorize(start_sign_in(victim), "bob")
    start_sign_in(attacker)  # the attacker has a session with a state of its own
    assert attacker.get(callback).status_code == 400
    assert token_calls(sandbox) == 0
    assert _signed_out(attacker)
    assert victim.get(callback).status_code == 302
    assert oauth_stats(sandbox)["grants"] == 1


def test_replayed_callback_is_400_and_makes_no_second_grant(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    callback = authorize(start_sign_in(client), "bob")
    assert client.get(callback).status_code == 302
    calls = token_calls(sandbox)
    assert client.get(callback).status_code == 400
    assert token_calls(sandbox) == calls and oauth_stats(sandbox)["grants"] == 1


@pytest.mark.parametrize("state", ["x" * 10_000, "état-ünïcode", "", "%00"])
def test_odd_states_are_400_not_500(tmp_path, sandbox, state):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    start_sign_in(client)
    assert client.get("/auth/callback?" + urlencode({"code": "abc", "state": state})).status_code == 400
    assert token_calls(sandbox) == 0


def test_denied_consent_is_a_friendly_400_that_shows_no_text_from_the_url(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    state = _query(start_sign_in(client))["state"]
    query = urlencode({"error": "access_denied", "error_description": "<script>x</script> Call +1 555 0100", "state": state})
    response = client.get(f"/auth/callback?{query}")
    assert response.status_code == 400
    assert b"script" not in response.data and b"555" not in response.data  # anyone can craft the description
    assert b"access_denied" in response.data
    with client.session_transaction() as sess:
        assert not any(key.startswith("_state_") for key in sess)  # the state is spent
    assert token_calls(sandbox) == 0 and _signed_out(client)


def test_unregistered_redirect_uri_stops_at_atlassian(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url, JIRA_OAUTH_REDIRECT_URI="http://localhost:5999/auth/callback").test_client()
    answer = requests.get(start_sign_in(client) + "&login_hint=bob&sandbox_auto_approve=1", allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "Location" not in answer.headers


def test_redirect_uri_mismatch_at_the_token_endpoint_fails_cleanly(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    callback = authorize(start_sign_in(client), "bob")
    with client.session_transaction() as sess:
        key = next(k for k in sess if k.startswith("_state_"))
        sess[key] = {**sess[key], "data": {**sess[key]["data"], "redirect_uri": "http://127.0.0.1:5000/auth/callback"}}
    response = client.get(callback)
    assert response.status_code == 400 and b"Sign-in did not complete" in response.data
    assert oauth_stats(sandbox)["grants"] == 0 and _signed_out(client)


def test_a_reused_code_fails_cleanly(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    first, second = app.test_client(), app.test_client()
    callback = authorize(start_sign_in(first), "bob")
    assert first.get(callback).status_code == 302
    state = _query(start_sign_in(second))["state"]
    response = second.get("/auth/callback?" + urlencode({"code": _query(callback)["code"], "state": state}))
    assert response.status_code == 400
    assert oauth_stats(sandbox)["grants"] == 1 and _signed_out(second)


TOKEN_URL = "https://auth.test/oauth/token"


@pytest.mark.parametrize("reply, status", [
    ({"status": 400, "json": {"error": "invalid_grant", "error_description": "Invalid authorization code"}}, 400),
    ({"status": 401, "json": {"error": "access_denied", "error_description": "Unauthorized"}}, 400),
    ({"status": 403, "json": {"error": "invalid_grant"}}, 400),
    ({"status": 403, "body": "<html>Forbidden</html>", "content_type": "text/html"}, 502),
    ({"status": 429, "json": {"message": "Too Many Requests"}, "headers": {"Retry-After": "5"}}, 502),
    ({"status": 500, "json": {"message": "oops"}}, 502),
    ({"status": 200, "body": "not json", "content_type": "text/plain"}, 502),
    ({"status": 200, "json": {"token_type": "Bearer", "expires_in": 3600}}, 502),
    ({"status": 200, "json": {"access_token": None}}, 502),
    ({"body": requests.Timeout("stalled")}, 502),
    ({"body": requests.ConnectionError("refused")}, 502),
])
def test_token_endpoint_failures_never_half_sign_in(tmp_path, reply, status):
    app = make_oauth_app(tmp_path, "https://auth.test")
    client = app.test_client()
    state = _query(start_sign_in(client))["state"]
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, TOKEN_URL, **reply)
        response = client.get("/auth/callback?" + urlencode({"code": "the-code", "state": state}))
        assert len(mock.calls) == 1
    assert response.status_code == status
    assert b"Traceback" not in response.data
    assert _signed_out(client)


def test_the_code_exchange_sends_json_with_the_secret_pkce_and_a_timeout(tmp_path, monkeypatch):
    app = make_oauth_app(tmp_path, "https://auth.test")
    client = app.test_client()
    authorize = _query(start_sign_in(client))
    assert authorize["code_challenge_method"] == "S256" and "code_verifier" not in authorize
    seen = {}
    original = requests.Session.send

    def spy(session, prepared, **kwargs):
        seen.setdefault("timeout", kwargs.get("timeout"))
        return original(session, prepared, **kwargs)

    monkeypatch.setattr(requests.Session, "send", spy)
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, TOKEN_URL, status=400, json={"error": "invalid_grant"}, match=[
            responses.matchers.json_params_matcher({
                "grant_type": "authorization_code", "code": "the-code", "client_id": "sandbox-client-id",
                "client_secret": "sandbox-client-secret", "redirect_uri": "http://localhost:5000/auth/callback",
            }, strict_match=False),
            responses.matchers.header_matcher({"Content-Type": "application/json"}),
        ])
        client.get("/auth/callback?" + urlencode({"code": "the-code", "state": authorize["state"]}))
        verifier = json.loads(mock.calls[0].request.body)["code_verifier"]
    assert seen["timeout"] == atlassian.TIMEOUT
    assert 43 <= len(verifier) <= 128 and re.fullmatch(r"[A-Za-z0-9._~-]+", verifier)
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == authorize["code_challenge"]


def test_token_endpoint_errors_map_to_jira_errors():
    from jira_client.api.errors import AuthError, BadResponse, RateLimited, TransportError

    assert isinstance(atlassian.as_jira_error(atlassian.TokenEndpointError(403, "invalid_grant")), AuthError)
    assert isinstance(atlassian.as_jira_error(atlassian.TokenEndpointError(429, "invalid_response")), RateLimited)
    assert isinstance(atlassian.as_jira_error(atlassian.TokenEndpointError(503, "invalid_response")), BadResponse)
    assert isinstance(atlassian.as_jira_error(atlassian.TokenEndpointError(403, "invalid_response")), BadResponse)
    assert atlassian.as_jira_error(requests.Timeout()).timed_out
    assert isinstance(atlassian.as_jira_error(requests.ConnectionError()), TransportError)


def test_the_sign_in_survives_a_second_sign_in_by_the_same_browser(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    with client.session_transaction() as sess:
        first = sess["auth"]["record"]
    sign_in(client, "bob")
    with client.session_transaction() as sess:
        second = sess["auth"]["record"]
    assert first != second and app_state(app).token_store.load(first) is None
    assert client.get("/projects").status_code == 200


def test_a_callback_from_another_issuer_is_refused(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    callback = authorize(start_sign_in(client), "bob")
    assert client.get(callback + "&iss=https%3A%2F%2Fevil.example").status_code == 400
    assert token_calls(sandbox) == 0 and _signed_out(client)
    assert client.get(callback).status_code == 400  # the state was spent by the refused attempt


def test_a_callback_with_its_state_but_no_code_is_a_400(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    state = _query(start_sign_in(client))["state"]
    response = client.get("/auth/callback?" + urlencode({"state": state}))
    assert response.status_code == 400 and _signed_out(client)
    assert token_calls(sandbox) == 0


def test_a_callback_at_another_host_than_the_sign_in_names_the_real_cause(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    location = start_sign_in(app.test_client())
    elsewhere = app.test_client()  # another host name: the browser sends no session cookie there
    answer = elsewhere.get(authorize(location, "bob"))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "This sign-in started at another address" in text and "http://localhost:5000" in text


def test_the_login_page_moves_to_the_callbacks_host_once(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    moved = client.get("/login?next=/projects", base_url="http://127.0.0.1:5000")
    assert moved.status_code == 302
    assert moved.headers["Location"].startswith("http://localhost:5000/login?next=/projects&moved=1")
    assert client.get("/login?moved=1", base_url="http://127.0.0.1:5000").status_code == 200  # no loop behind a proxy
