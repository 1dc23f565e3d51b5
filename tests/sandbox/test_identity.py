"""The sandbox's Atlassian identity service: authorize, token endpoint, grants, identity calls."""

import base64
import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from sandbox import directory, identity
from tests.support.paths import SHARED_FIXTURES

RECORDINGS = SHARED_FIXTURES / "responses"
CLIENT_ID = directory.OAUTH_CLIENT["client_id"]
CLIENT_SECRET = directory.OAUTH_CLIENT["client_secret"]
REDIRECT_URI = directory.OAUTH_CLIENT["redirect_uris"][0]
DAY = 24 * 3600


@pytest.fixture
def ident(clock):
    return identity.Identity({}, clock=clock)


@pytest.fixture
def client(ident):
    app = Flask(__name__)
    app.config["TESTING"] = True
    app.extensions["sandbox_identity"] = ident
    app.register_blueprint(identity.bp)
    return app.test_client()


def authorize_params(**changes) -> dict:
    params = {
        "audience": "api.atlassian.com",
        "client_id": CLIENT_ID,
        "scope": "read:jira-user read:jira-work offline_access",
        "redirect_uri": REDIRECT_URI,
        "state": "state-123",
        "response_type": "code",
        "prompt": "consent",
    }
    params.update(changes)
    return {key: value for key, value in params.items() if value is not None}


def query_of(response) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def get_code(client, user="alice", **changes) -> str:
    response = client.post("/authorize", data={**authorize_params(**changes), "user": user, "decision": "approve"})
    assert response.status_code == 302
    return query_of(response)["code"]


def exchange(client, code, redirect_uri=REDIRECT_URI, secret=CLIENT_SECRET):
    body = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": secret, "code": code, "redirect_uri": redirect_uri}
    return client.post("/oauth/token", json=body)


def refresh(client, refresh_token):
    body = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": refresh_token}
    return client.post("/oauth/token", json=body)


def sign_in(client, user="alice", **changes) -> dict:
    response = exchange(client, get_code(client, user, **changes))
    assert response.status_code == 200
    return response.get_json()


# --- /authorize ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "someone-else"},
        {"client_id": None},
        {"redirect_uri": "https://evil.example/auth/callback"},
        {"redirect_uri": REDIRECT_URI + "/"},
        {"redirect_uri": REDIRECT_URI + "?next=x"},
        {"redirect_uri": None},
    ],
)
def test_authorize_refuses_unknown_client_or_redirect_uri_without_redirecting(client, method, changes):
    params = authorize_params(**changes)
    if method == "GET":
        response = client.get("/authorize", query_string=params)
    else:
        response = client.post("/authorize", data={**params, "user": "alice", "decision": "approve"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert response.mimetype == "text/html"
    assert "not" in response.get_data(as_text=True)


def test_configured_redirect_uris_are_accepted(clock, client, ident):
    extra = "http://127.0.0.1:8123/auth/callback"
    assert client.get("/authorize", query_string=authorize_params(redirect_uri=extra)).status_code == 400
    ident.configure({"redirect_uris": [extra]})
    assert client.get("/authorize", query_string=authorize_params(redirect_uri=extra)).status_code == 200
    started = identity.Identity({"redirect_uris": [extra]}, clock=clock)
    assert started.check_client(CLIENT_ID, extra) is None


def test_consent_page_lists_scopes_and_users_and_escapes_params(client):
    hostile = '"><script>alert(1)</script>'
    response = client.get("/authorize", query_string=authorize_params(state=hostile, scope=f"read:jira-work {hostile}"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "&#34;&gt;" in page
    assert "read:jira-work" in page
    for user in directory.USERS:
        assert user["email"] in page and f'value="{user["name"]}"' in page
    assert 'name="decision" value="approve"' in page and 'name="decision" value="deny"' in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "src=" not in page and "href=" not in page  # nothing external to load


def test_consent_page_preselects_login_hint(client):
    page = client.get("/authorize", query_string=authorize_params(login_hint="bob@sandbox.test")).get_data(as_text=True)
    assert 'value="bob" required checked' in page
    assert page.count(" checked") == 1


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": None}, "invalid_request"),
        ({"scope": "  "}, "invalid_request"),
        ({"audience": None}, "invalid_request"),
        ({"audience": "evil.example"}, "invalid_request"),
    ],
)
def test_bad_authorize_params_redirect_back_with_an_error(client, changes, error):
    response = client.get("/authorize", query_string=authorize_params(**changes))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(REDIRECT_URI + "?")
    answer = query_of(response)
    assert answer["error"] == error
    assert answer["error_description"]
    assert answer["state"] == "state-123"
    assert "code" not in answer


def test_approve_redirects_with_code_and_state(client):
    response = client.post("/authorize", data={**authorize_params(), "user": "alice", "decision": "approve"})
    answer = query_of(response)
    assert response.headers["Location"].startswith(REDIRECT_URI + "?")
    assert set(answer) == {"code", "state"}
    assert answer["state"] == "state-123" and len(answer["code"]) >= 20


def test_deny_redirects_with_access_denied(client):
    response = client.post("/authorize", data={**authorize_params(), "decision": "deny"})
    answer = query_of(response)
    assert response.status_code == 302
    assert answer["error"] == "access_denied" and answer["error_description"] and answer["state"] == "state-123"


@pytest.mark.parametrize("user", [None, "mallory"])
def test_approve_without_a_known_user_shows_the_consent_page_again(client, user):
    data = {**authorize_params(), "decision": "approve"}
    if user:
        data["user"] = user
    response = client.post("/authorize", data=data)
    assert response.status_code == 400
    assert "Choose who signs in." in response.get_data(as_text=True)


@pytest.mark.parametrize("hint", ["alice", "alice@sandbox.test", "ALICE@sandbox.test"])
def test_auto_approve_shortcut_skips_consent(client, ident, hint):
    response = client.get("/authorize", query_string=authorize_params(login_hint=hint, sandbox_auto_approve="1"))
    assert response.status_code == 302
    token = exchange(client, query_of(response)["code"]).get_json()
    assert ident.authenticate_bearer(token["access_token"])[0]["name"] == "alice"


def test_auto_approve_with_unknown_hint_redirects_with_an_error(client):
    response = client.get("/authorize", query_string=authorize_params(login_hint="mallory", sandbox_auto_approve="1"))
    assert query_of(response)["error"] == "invalid_request"


# --- code exchange -------------------------------------------------------------------------


@pytest.mark.parametrize("body_format", ["json", "form"])
def test_code_exchange_accepts_json_and_form_bodies(client, ident, body_format):
    body = {"grant_type": "authorization_code", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": get_code(client), "redirect_uri": REDIRECT_URI}
    response = client.post("/oauth/token", **{body_format if body_format == "json" else "data": body})
    token = response.get_json()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert set(token) == {"access_token", "expires_in", "token_type", "scope", "refresh_token"}
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["scope"] == "read:jira-user read:jira-work offline_access"
    user, scopes = ident.authenticate_bearer(token["access_token"])
    assert user["name"] == "alice"
    assert scopes == frozenset({"read:jira-user", "read:jira-work", "offline_access"})


def test_code_exchange_accepts_client_credentials_by_http_basic(client):
    credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    body = {"grant_type": "authorization_code", "code": get_code(client), "redirect_uri": REDIRECT_URI}
    response = client.post("/oauth/token", data=body, headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 200 and response.get_json()["access_token"]


def test_code_is_single_use(client):
    code = get_code(client)
    assert exchange(client, code).status_code == 200
    again = exchange(client, code)
    assert again.status_code == 403
    assert again.get_json() == {"error": "invalid_grant", "error_description": "Invalid authorization code"}


@pytest.mark.parametrize(("wait", "status"), [(299, 200), (300, 403), (301, 403)])
def test_code_expires_after_its_ttl(client, clock, wait, status):
    code = get_code(client)
    clock.advance(wait)
    assert exchange(client, code).status_code == status


def test_code_exchange_needs_the_same_redirect_uri(client, ident):
    other = directory.OAUTH_CLIENT["redirect_uris"][1]
    response = exchange(client, get_code(client), redirect_uri=other)
    assert response.status_code == 403
    assert response.get_json()["error"] == "invalid_grant"
    assert ident.counters()["grants"] == 0


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": CLIENT_ID, "client_secret": "wrong"},
        {"client_id": CLIENT_ID},
        {"client_id": "someone-else", "client_secret": CLIENT_SECRET},
        {},
        {"basic": f"{CLIENT_ID}:wrong"},
    ],
)
def test_wrong_client_credentials_are_refused(client, credentials):
    body = {"grant_type": "authorization_code", "code": get_code(client), "redirect_uri": REDIRECT_URI}
    headers = {}
    if "basic" in credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.pop("basic").encode()).decode()
    response = client.post("/oauth/token", json={**body, **credentials}, headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"error": "access_denied", "error_description": "Unauthorized"}


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 400, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "redirect_uri": REDIRECT_URI}, 400, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, 403, "invalid_grant"),
    ],
)
def test_malformed_token_requests(client, body, status, error):
    response = client.post("/oauth/token", json={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **body})
    assert response.status_code == status
    assert response.get_json()["error"] == error
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("raw", ['["grant_type"]', '{"grant_type": 1}', "{not json"])
def test_token_endpoint_refuses_json_that_is_not_an_object_of_strings(client, raw):
    response = client.post("/oauth/token", data=raw, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("scope", "gets_refresh_token"),
    [("read:jira-work offline_access", True), ("read:jira-work read:me", False)],
)
def test_only_offline_access_brings_a_refresh_token(client, scope, gets_refresh_token):
    token = sign_in(client, scope=scope)
    assert ("refresh_token" in token) is gets_refresh_token
    assert token["scope"] == scope


# --- refresh, rotation, reuse ----------------------------------------------------------------


def test_refresh_rotates_both_tokens_and_old_access_token_lives_on(client, ident):
    first = sign_in(client)
    second = refresh(client, first["refresh_token"])
    token = second.get_json()
    assert second.status_code == 200 and second.headers["Cache-Control"] == "no-store"
    assert token["refresh_token"] != first["refresh_token"]
    assert token["access_token"] != first["access_token"]
    assert token["scope"] == first["scope"] and token["expires_in"] == 3600
    assert ident.authenticate_bearer(first["access_token"]) is not None
    assert ident.authenticate_bearer(token["access_token"]) is not None
    assert refresh(client, token["refresh_token"]).status_code == 200
    assert ident.counters() == {"grants": 1, "refreshes": 2, "reuse_rejections": 0}


@pytest.mark.parametrize("wait", [0, 599, 600])
def test_reusing_a_rotated_refresh_token_within_the_grace_window_gives_a_fresh_pair(client, clock, ident, wait):
    first = sign_in(client)
    second = refresh(client, first["refresh_token"]).get_json()
    clock.advance(wait)
    reused = refresh(client, first["refresh_token"])
    assert reused.status_code == 200
    third = reused.get_json()
    assert third["refresh_token"] not in (first["refresh_token"], second["refresh_token"])
    assert refresh(client, second["refresh_token"]).status_code == 200
    assert refresh(client, third["refresh_token"]).status_code == 200
    assert ident.counters()["refreshes"] == 4


def test_reuse_after_the_grace_window_revokes_the_whole_grant(client, clock, ident):
    first = sign_in(client)
    other = sign_in(client)  # another grant of the same person survives
    second = refresh(client, first["refresh_token"]).get_json()
    clock.advance(601)
    reused = refresh(client, first["refresh_token"])
    assert reused.status_code == 403
    assert reused.get_json() == {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}
    assert ident.authenticate_bearer(second["access_token"]) is None
    assert ident.authenticate_bearer(first["access_token"]) is None
    assert refresh(client, second["refresh_token"]).status_code == 403
    assert refresh(client, first["refresh_token"]).status_code == 403
    assert ident.authenticate_bearer(other["access_token"]) is not None
    assert refresh(client, other["refresh_token"]).status_code == 200
    assert ident.counters() == {"grants": 2, "refreshes": 2, "reuse_rejections": 1}


def test_configured_grace_window_applies(client, clock, ident):
    ident.configure({"refresh_reuse_grace_seconds": 0})
    first = sign_in(client)
    refresh(client, first["refresh_token"])
    clock.advance(1)
    assert refresh(client, first["refresh_token"]).status_code == 403


@pytest.mark.parametrize(
    ("steps", "status"),
    [
        ([89 * DAY], 200),
        ([90 * DAY + 1], 403),  # idle refresh token
        ([80 * DAY] * 4 + [40 * DAY], 200),  # 360 days of regular use
        ([80 * DAY] * 4 + [46 * DAY], 403),  # past 365 days since consent
    ],
)
def test_refresh_tokens_idle_out_and_grants_end_after_a_year(client, clock, steps, status):
    refresh_token = sign_in(client)["refresh_token"]
    for step in steps[:-1]:
        clock.advance(step)
        refresh_token = refresh(client, refresh_token).get_json()["refresh_token"]
    clock.advance(steps[-1])
    assert refresh(client, refresh_token).status_code == status


def test_concurrent_reuse_inside_the_grace_window_all_succeed(client, ident):
    refresh_token = sign_in(client)["refresh_token"]
    statuses, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        statuses.append(refresh(client, refresh_token).status_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert ident.counters()["refreshes"] == 8


# --- fault hooks, counters, config -----------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "alice@sandbox.test"])
def test_revoke_grant_kills_every_token_of_the_user(client, ident, who):
    alice, bob = sign_in(client), sign_in(client, user="bob")
    pending = get_code(client)
    assert ident.revoke_grant(who) is True
    assert ident.authenticate_bearer(alice["access_token"]) is None
    response = refresh(client, alice["refresh_token"])
    assert response.status_code == 403 and response.get_json()["error"] == "invalid_grant"
    assert exchange(client, pending).status_code == 403
    assert ident.authenticate_bearer(bob["access_token"])[0]["name"] == "bob"
    assert ident.counters()["reuse_rejections"] == 0
    assert sign_in(client)["access_token"]  # consenting again works


def test_revoke_grant_of_unknown_user(ident):
    assert ident.revoke_grant("mallory") is False


def test_expire_access_tokens_leaves_refresh_working(client, ident):
    token = sign_in(client)
    ident.expire_access_tokens()
    assert ident.authenticate_bearer(token["access_token"]) is None
    fresh = refresh(client, token["refresh_token"]).get_json()
    assert ident.authenticate_bearer(fresh["access_token"]) is not None


@pytest.mark.parametrize(("ttl", "wait", "alive"), [(3600, 3599, True), (3600, 3600, False), (10, 9, True), (10, 10, False)])
def test_access_tokens_expire_after_the_configured_ttl(client, clock, ident, ttl, wait, alive):
    ident.configure({"access_token_ttl_seconds": ttl})
    token = sign_in(client)
    assert token["expires_in"] == ttl
    clock.advance(wait)
    assert (ident.authenticate_bearer(token["access_token"]) is not None) is alive


@pytest.mark.parametrize("token", ["", "nope", None])
def test_authenticate_bearer_refuses_unknown_tokens(ident, token):
    assert ident.authenticate_bearer(token) is None


def test_counters_reset_and_full_reset(client, ident):
    ident.configure({"access_token_ttl_seconds": 5, "redirect_uris": ["http://127.0.0.1:9/cb"]})
    token = sign_in(client)
    refresh(client, token["refresh_token"])
    assert ident.counters() == {"grants": 1, "refreshes": 1, "reuse_rejections": 0}
    ident.reset_counters()
    assert ident.counters() == {"grants": 0, "refreshes": 0, "reuse_rejections": 0}
    assert ident.authenticate_bearer(token["access_token"]) is not None  # counters only
    ident.reset()
    assert ident.authenticate_bearer(token["access_token"]) is None
    assert refresh(client, token["refresh_token"]).status_code == 403
    assert ident.configure({})["access_token_ttl_seconds"] == 3600
    assert ident.oauth_info()["redirect_uris"] == directory.OAUTH_CLIENT["redirect_uris"]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"access_token_ttl": 5}, "access_token_ttl"),
        ({"access_token_ttl_seconds": "60"}, "access_token_ttl_seconds"),
        ({"access_token_ttl_seconds": -1}, "access_token_ttl_seconds"),
        ({"refresh_reuse_grace_seconds": True}, "refresh_reuse_grace_seconds"),
        ({"auth_code_ttl_seconds": 1.5}, "auth_code_ttl_seconds"),
        ({"redirect_uris": "http://localhost:1/cb"}, "redirect_uris"),
        ({"redirect_uris": ["ftp://localhost/cb"]}, "redirect_uris"),
        ({"redirect_uris": ["/auth/callback"]}, "redirect_uris"),
    ],
)
def test_configure_names_the_bad_key_and_changes_nothing(ident, changes, named):
    with pytest.raises(ValueError, match=named):
        ident.configure({"access_token_ttl_seconds": 7, **changes})
    assert ident.configure({})["access_token_ttl_seconds"] == 3600


def test_configure_returns_the_effective_config_and_adds_redirect_uris(ident):
    first, second = "http://127.0.0.1:8001/cb", "http://127.0.0.1:8002/cb"
    ident.configure({"redirect_uris": [first]})
    effective = ident.configure({"redirect_uris": [second, first], "auth_code_ttl_seconds": 30})
    assert effective == {
        "access_token_ttl_seconds": 3600,
        "refresh_reuse_grace_seconds": 600,
        "auth_code_ttl_seconds": 30,
        "redirect_uris": directory.OAUTH_CLIENT["redirect_uris"] + [first, second],
    }
    assert ident.oauth_info() == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": effective["redirect_uris"]}


def test_config_from_env_reads_sandbox_variables_and_overrides_win(monkeypatch):
    monkeypatch.setenv("SANDBOX_ACCESS_TOKEN_TTL_SECONDS", "120")
    monkeypatch.setenv("SANDBOX_AUTH_CODE_TTL_SECONDS", "30")
    monkeypatch.setenv("SANDBOX_REDIRECT_URIS", "http://a.test/cb, http://b.test/cb")
    monkeypatch.delenv("SANDBOX_REFRESH_REUSE_GRACE_SECONDS", raising=False)
    config = identity.config_from_env({"auth_code_ttl_seconds": 10})
    assert config == {
        "access_token_ttl_seconds": 120,
        "refresh_reuse_grace_seconds": 600,
        "auth_code_ttl_seconds": 10,
        "redirect_uris": ["http://a.test/cb", "http://b.test/cb"],
    }


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SANDBOX_ACCESS_TOKEN_TTL_SECONDS", "an hour"), ("SANDBOX_REDIRECT_URIS", "not-a-url")],
)
def test_config_from_env_names_a_bad_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=variable):
        identity.config_from_env()


# --- accessible-resources and /me -----------------------------------------------------------


def recorded_resource_keys() -> list[set]:
    paths = sorted(RECORDINGS.glob("*/*accessible-resources*.json"))
    assert paths, f"no accessible-resources recordings under {RECORDINGS}"
    return [set(site) for path in paths for site in json.loads(path.read_text())["body"]]


@pytest.mark.parametrize(("user", "sites"), [("alice", 2), ("bob", 1)])
def test_accessible_resources_lists_the_users_sites_like_atlassian(client, user, sites):
    token = sign_in(client, user=user, scope="read:jira-work write:jira-work offline_access read:me")
    response = client.get("/oauth/token/accessible-resources", headers={"Authorization": f"Bearer {token['access_token']}"})
    resources = response.get_json()
    assert response.status_code == 200 and isinstance(resources, list) and len(resources) == sites
    for keys in recorded_resource_keys():
        assert all(set(resource) == keys for resource in resources)
    person = directory.user_by("name", user)
    for resource in resources:
        site = next(site for site in directory.SITES if site["id"] == resource["id"])
        assert site["id"] in person["sites"]
        assert (resource["url"], resource["name"]) == (site["url"], site["name"])
        assert resource["scopes"] == ["read:jira-work", "write:jira-work"]
        assert resource["avatarUrl"].startswith("https://")


@pytest.mark.parametrize("path", ["/oauth/token/accessible-resources", "/me"])
@pytest.mark.parametrize("authorization", [None, "Bearer nope", f"Basic {base64.b64encode(b'a:b').decode()}"])
def test_identity_calls_refuse_a_bad_token(client, path, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"code": 401, "message": "Unauthorized"}


def test_identity_calls_refuse_an_expired_token(client, ident):
    token = sign_in(client)["access_token"]
    ident.expire_access_tokens()
    assert client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_me_returns_the_atlassian_profile(client):
    token = sign_in(client, scope="read:me read:jira-work")["access_token"]
    profile = client.get("/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    alice = directory.user_by("name", "alice")
    assert set(profile) == {"account_type", "account_id", "email", "name", "picture", "account_status", "nickname", "zoneinfo", "locale", "extended_profile"}
    assert profile["account_id"] == alice["account_id"]
    assert (profile["email"], profile["name"]) == (alice["email"], alice["display_name"])
    assert (profile["account_type"], profile["account_status"], profile["extended_profile"]) == ("atlassian", "active", {})


def _pkce_pair() -> tuple[str, str]:
    import hashlib

    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


@pytest.mark.parametrize("sent, works", [("right", True), ("wrong", False), (None, False)])
def test_a_pkce_challenge_needs_its_verifier(ident, sent, works):
    verifier, challenge = _pkce_pair()
    user = directory.user_by("name", "alice")
    code = ident.issue_code(CLIENT_ID, REDIRECT_URI, user, ("read:jira-work",), (challenge, "S256"))
    given = {"right": verifier, "wrong": "x" * 50, None: None}[sent]
    if works:
        assert ident.exchange_code(CLIENT_ID, code, REDIRECT_URI, given)["access_token"]
    else:
        with pytest.raises(identity.TokenError) as caught:
            ident.exchange_code(CLIENT_ID, code, REDIRECT_URI, given)
        assert caught.value.error == "invalid_grant"


def test_a_code_without_a_challenge_ignores_a_verifier(ident):
    user = directory.user_by("name", "alice")
    code = ident.issue_code(CLIENT_ID, REDIRECT_URI, user, ("read:jira-work",))
    assert ident.exchange_code(CLIENT_ID, code, REDIRECT_URI, "anything")["access_token"]


def test_me_needs_the_read_me_scope(client, ident):
    user = directory.user_by("name", "alice")
    code = ident.issue_code(CLIENT_ID, REDIRECT_URI, user, ("read:jira-work", "offline_access"))
    token = ident.exchange_code(CLIENT_ID, code, REDIRECT_URI)["access_token"]
    response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.get_json()["message"] == "Unauthorized; scope does not match"
