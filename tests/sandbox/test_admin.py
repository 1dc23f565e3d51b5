"""The ``/_sandbox`` admin API: faults, stats, info, config and reset (through Flask's test client)."""

import json
import threading
import time

import pytest

from sandbox import directory
from sandbox.admin import FAULTS_KEY, TRUNCATED_JSON, route_template
from sandbox.identity import TokenError
from tests.support.sandbox import HOME_SITE, basic_headers, bearer_headers, set_faults

ISSUE = "/rest/api/3/issue/ACME-1"
ADMIN = basic_headers("admin")
RATE_LIMITED = {"errorMessages": ["The request has been rate-limited. Please try again later."], "errors": {},
                "status": 429}
REGISTERED_REDIRECTS = {"http://localhost:5000/auth/callback", "http://127.0.0.1:5000/auth/callback"}
PARAGRAPH = {"type": "paragraph", "content": [{"type": "text", "text": "from test_admin"}]}
COMMENT = {"body": {"type": "doc", "version": 1, "content": [PARAGRAPH]}}


def get_issue(client, headers=ADMIN):
    """GET ACME-1 as the admin; return the response."""
    return client.get(ISSUE, headers=headers)


@pytest.fixture
def delays(monkeypatch, sandbox_app) -> list[tuple[str, float]]:
    """Record each delay the fault hooks impose, as ("latency" or "stall", seconds); the delays still happen.

    The tests check the delay asked for, not a clock: how long they really take is measured in bench/worst_cases.py.
    """
    seen: list[tuple[str, float]] = []
    sleep, faults = time.sleep, sandbox_app.extensions[FAULTS_KEY]
    stall, here = faults.wait, threading.get_ident()  # the test client runs requests on the test's own thread

    def latency(seconds: float) -> None:
        if threading.get_ident() == here:
            seen.append(("latency", seconds))
        sleep(seconds)

    def stalled(seconds: float) -> None:
        seen.append(("stall", seconds))
        stall(seconds)

    monkeypatch.setattr(time, "sleep", latency)
    monkeypatch.setattr(faults, "wait", stalled)
    return seen


def oauth_tokens(app, name: str = "alice") -> dict:
    """Return a token response for a new grant of ``name``, minted directly by the identity service."""
    identity = app.extensions["sandbox_identity"]
    client_id, redirect_uri = directory.OAUTH_CLIENT["client_id"], directory.OAUTH_CLIENT["redirect_uris"][0]
    user = directory.user_by("name", name)
    code = identity.issue_code(client_id, redirect_uri, user, ("read:jira-work", "offline_access"))
    return identity.exchange_code(client_id, code, redirect_uri)


def test_no_faults_by_default(client):
    assert get_issue(client).status_code == 200


def test_latency_delays_then_answers(client, delays):
    set_faults(client, {"path": "^/rest/api/3/issue/", "latency_ms": 50})
    response = get_issue(client)
    assert response.status_code == 200 and delays == [("latency", 0.05)]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_status_fault_answers_jira_error_body(client, status):
    set_faults(client, {"status": status, "retry_after": 2})
    response = get_issue(client)
    assert response.status_code == status
    assert response.headers["Retry-After"] == "2"
    body = response.get_json()
    assert isinstance(body["errorMessages"], list) and body["errorMessages"] and body["errors"] == {}


def test_429_uses_the_recorded_body_and_no_retry_after_unless_asked(client):
    set_faults(client, {"status": 429})
    response = get_issue(client)
    assert response.get_json() == RATE_LIMITED and "Retry-After" not in response.headers


def test_latency_combines_with_status(client, delays):
    set_faults(client, {"status": 503, "latency_ms": 50})
    response = get_issue(client)
    assert response.status_code == 503 and delays == [("latency", 0.05)]


def test_count_limits_hits(client):
    set_faults(client, {"path": "/issue/", "status": 503, "count": 2})
    assert [get_issue(client).status_code for _ in range(4)] == [503, 503, 200, 200]
    assert client.post("/_sandbox/faults", json={}).get_json()["faults"] == []  # used up


def test_method_and_path_filter(client):
    set_faults(client, {"path": "/comment$", "method": "post", "status": 500})
    assert client.get(ISSUE + "/comment", headers=ADMIN).status_code == 200
    assert get_issue(client).status_code == 200
    assert client.post(ISSUE + "/comment", headers=ADMIN, json=COMMENT).status_code == 500


def test_rate_is_a_seeded_fraction(client):
    def pattern():
        set_faults(client, {"status": 503, "rate": 0.5})
        return [get_issue(client).status_code == 503 for _ in range(40)]

    first = pattern()
    assert 10 <= sum(first) <= 30
    assert pattern() == first  # the same fault list draws the same hits


@pytest.mark.parametrize("rate, hits", [(0, 0), (1, 5)])
def test_rate_bounds(client, rate, hits):
    set_faults(client, {"status": 503, "rate": rate})
    assert sum(get_issue(client).status_code == 503 for _ in range(5)) == hits


def test_invalid_json_is_a_truncated_200(client):
    set_faults(client, {"invalid_json": True})
    response = get_issue(client)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.data == TRUNCATED_JSON
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.data)


def test_stall_holds_the_request(client, delays):
    set_faults(client, {"stall_seconds": 0.2})
    response = get_issue(client)
    assert response.status_code == 200 and delays == [("stall", 0.2)]


def test_clearing_faults_ends_a_stall(sandbox_app, client):
    set_faults(client, {"path": "/issue/", "stall_seconds": 30})
    answers = []
    stalled = threading.Thread(target=lambda: answers.append(get_issue(sandbox_app.test_client())))
    stalled.start()
    time.sleep(0.1)
    set_faults(client)
    stalled.join(timeout=5)
    assert not stalled.is_alive() and answers[0].status_code == 200


def test_admin_paths_are_never_faulted(client):
    set_faults(client, {"status": 503})
    assert client.get("/_sandbox/info").status_code == 200
    assert client.get("/_sandbox/stats").status_code == 200


def test_expire_access_tokens(sandbox_app, client):
    tokens = oauth_tokens(sandbox_app)
    gateway_issue = f"/ex/jira/{HOME_SITE}{ISSUE}"
    assert client.get(gateway_issue, headers=bearer_headers(tokens["access_token"])).status_code == 200
    response = client.post("/_sandbox/faults", json={"expire_access_tokens": True})
    assert response.status_code == 200 and response.get_json()["expired_access_tokens"] is True
    assert client.get(gateway_issue, headers=bearer_headers(tokens["access_token"])).status_code == 401
    identity = sandbox_app.extensions["sandbox_identity"]
    assert identity.refresh(tokens["refresh_token"])["access_token"]  # the grant itself lives on


def test_revoke_grant(sandbox_app, client):
    tokens = oauth_tokens(sandbox_app, "alice")
    response = client.post("/_sandbox/faults", json={"revoke_grant": "alice@sandbox.test"})
    assert response.status_code == 200 and response.get_json()["revoked_grant"] == "alice@sandbox.test"
    identity = sandbox_app.extensions["sandbox_identity"]
    assert identity.authenticate_bearer(tokens["access_token"]) is None
    with pytest.raises(TokenError):
        identity.refresh(tokens["refresh_token"])


def test_actions_leave_the_fault_list_alone(client):
    set_faults(client, {"status": 503})
    client.post("/_sandbox/faults", json={"expire_access_tokens": True})
    assert get_issue(client).status_code == 503


@pytest.mark.parametrize("body, mentions", [
    ("not json", "JSON object"),
    ([], "JSON object"),
    ({"fault": []}, "'fault'"),
    ({"faults": {}}, "list"),
    ({"faults": ["503"]}, "object"),
    ({"faults": [{"status": 503, "colour": "red"}]}, "'colour'"),
    ({"faults": [{"status": "503"}]}, "'status'"),
    ({"faults": [{"status": 999}]}, "'status'"),
    ({"faults": [{"rate": 1.5}]}, "'rate'"),
    ({"faults": [{"count": 0}]}, "'count'"),
    ({"faults": [{"invalid_json": 1}]}, "'invalid_json'"),
    ({"faults": [{"latency_ms": True}]}, "'latency_ms'"),
    ({"faults": [{"path": "(unclosed"}]}, "regular expression"),
    ({"expire_access_tokens": "yes"}, "'expire_access_tokens'"),
    ({"revoke_grant": "nobody"}, "nobody"),
])
def test_bad_fault_requests_are_refused(client, body, mentions):
    set_faults(client, {"status": 503})
    if isinstance(body, str):
        response = client.post("/_sandbox/faults", data=body, content_type="application/json")
    else:
        response = client.post("/_sandbox/faults", json=body)
    assert response.status_code == 400
    assert mentions in response.get_json()["errorMessages"][0]
    assert get_issue(client).status_code == 503  # the old list stays


@pytest.mark.parametrize("rule, template", [
    ("/rest/api/3/issue/<issueIdOrKey>", "/rest/api/3/issue/{issueIdOrKey}"),
    ("/ex/jira/<cloudId>/rest/api/3/issue/<path:issueIdOrKey>/comment",
     "/ex/jira/{cloudId}/rest/api/3/issue/{issueIdOrKey}/comment"),
    ("/rest/api/3/comment/<int(min=1):id>", "/rest/api/3/comment/{id}"),
    ("/rest/api/3/myself", "/rest/api/3/myself"),
])
def test_route_template(rule, template):
    assert route_template(rule) == template


NO_MEDIA = {"requests": 0, "with_authorization": 0, "with_cookie": 0, "bytes_sent": 0}  # the media origin's counters


def test_stats_shape(sandbox_app, client):
    get_issue(client)
    get_issue(client)
    client.get(f"/ex/jira/{HOME_SITE}{ISSUE}", headers=ADMIN)
    client.get("/no/such/route")
    client.get("/_sandbox/info")
    set_faults(client, {"path": "myself", "status": 503})
    client.get("/rest/api/3/myself", headers=ADMIN)
    oauth_tokens(sandbox_app)
    stats = client.get("/_sandbox/stats").get_json()
    assert stats.pop("quota")["points_spent"] == 0  # basic-auth calls spend no points (tests/sandbox/test_quota.py)
    assert stats == {
        "requests": [
            {"method": "GET", "path": "/ex/jira/{cloudId}/rest/api/3/issue/{issueIdOrKey}", "status": 200, "count": 1},
            {"method": "GET", "path": "/no/such/route", "status": 404, "count": 1},
            {"method": "GET", "path": "/rest/api/3/issue/{issueIdOrKey}", "status": 200, "count": 2},
            {"method": "GET", "path": "/rest/api/3/myself", "status": 503, "count": 1},
        ],
        "oauth": {"grants": 1, "refreshes": 0, "reuse_rejections": 0},
        "connections": 0,
        "media": NO_MEDIA,
    }


def test_stats_reset(sandbox_app, client):
    get_issue(client)
    oauth_tokens(sandbox_app)
    response = client.post("/_sandbox/stats/reset")
    assert response.status_code == 200
    expected = {"requests": [], "oauth": {"grants": 0, "refreshes": 0, "reuse_rejections": 0}, "connections": 0,
                "media": NO_MEDIA}
    for answer in (response.get_json(), client.get("/_sandbox/stats").get_json()):
        quota = answer.pop("quota")
        assert answer == expected and quota["points_spent"] == 0 and quota["refused"] == {}


def test_info_shape(client):
    info = client.get("/_sandbox/info").get_json()
    assert set(info) == {"users", "sites", "oauth", "crowd"}
    users = {user["name"]: user for user in info["users"]}
    assert {"admin", "alice", "bob"} <= set(users)
    for user in users.values():
        assert set(user) == {"name", "email", "api_token", "account_id", "sites", "projects", "admin"}
    assert users["admin"]["admin"] is True and users["alice"]["admin"] is False
    assert users["alice"]["email"] == "alice@sandbox.test" and "ACME" in users["alice"]["projects"]
    assert [set(site) for site in info["sites"]] == [{"id", "name", "url"}] * 2
    assert set(info["oauth"]) == {"client_id", "client_secret", "redirect_uris"}
    assert REGISTERED_REDIRECTS <= set(info["oauth"]["redirect_uris"])
    assert len(info["crowd"]) == 60 and set(info["crowd"][0]) == set(info["users"][0])
    assert not {person["name"] for person in info["crowd"]} & set(users)


def test_config_changes_identity_settings(client):
    extra = "http://127.0.0.1:8765/auth/callback"
    response = client.post("/_sandbox/config", json={"access_token_ttl_seconds": 5, "redirect_uris": [extra]})
    assert response.status_code == 200
    assert response.get_json()["access_token_ttl_seconds"] == 5
    assert extra in client.get("/_sandbox/info").get_json()["oauth"]["redirect_uris"]


@pytest.mark.parametrize("body", [
    {"access_token_ttl": 5}, ["access_token_ttl_seconds"], {"access_token_ttl_seconds": "soon"},
])
def test_config_refuses_bad_settings(client, body):
    response = client.post("/_sandbox/config", json=body)
    assert response.status_code == 400 and response.get_json()["errorMessages"]


def test_reset_restores_seed_faults_and_counters(sandbox_app, client):
    before = get_issue(client).get_json()["fields"]["comment"]["total"]
    assert client.post(ISSUE + "/comment", headers=ADMIN, json=COMMENT).status_code == 201
    client.post("/_sandbox/config", json={"access_token_ttl_seconds": 5})
    set_faults(client, {"path": "^/nothing-yet$", "status": 503})
    oauth_tokens(sandbox_app)
    assert client.post("/_sandbox/reset").status_code == 200
    stats = client.get("/_sandbox/stats").get_json()
    assert stats.pop("quota")["window"]["spent"] == 0
    assert stats == {
        "requests": [], "oauth": {"grants": 0, "refreshes": 0, "reuse_rejections": 0}, "connections": 0,
        "media": NO_MEDIA,
    }
    assert client.get("/nothing-yet").status_code == 404
    assert get_issue(client).get_json()["fields"]["comment"]["total"] == before
    assert client.post("/_sandbox/config", json={}).get_json()["access_token_ttl_seconds"] != 5
