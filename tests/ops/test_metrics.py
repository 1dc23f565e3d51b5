"""Every metric moves on its event, /metrics honours METRICS_TOKEN, and no label names a person."""

from __future__ import annotations

from prometheus_client import REGISTRY

from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.transport import create_transport
from jira_client.observability import events
from jira_client.observability.jira_calls import JiraCallObserver, operation_name
from jira_client.state import app_state
from tests.support.apps import make_app
from tests.support.sandbox import set_faults
from tests.support.stubs import EMPTY_PROJECTS


def metric(name: str, **labels: str) -> float:
    """Return a sample's current value in this process's registry (0 when it has none yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_http_requests_are_counted_by_endpoint_and_status(client):
    before = metric("jira_web_http_requests_total", route="health.healthz", method="GET", status="200")
    latency_before = metric("jira_web_http_request_duration_seconds_count", route="health.healthz")
    missing_before = metric("jira_web_http_requests_total", route="(unmatched)", method="GET", status="404")

    client.get("/healthz")
    client.get("/healthz")
    client.get("/no/such/page/ACME-1")

    assert metric("jira_web_http_requests_total", route="health.healthz", method="GET", status="200") == before + 2
    assert metric("jira_web_http_request_duration_seconds_count", route="health.healthz") == latency_before + 2
    assert metric("jira_web_http_requests_total", route="(unmatched)", method="GET", status="404") == missing_before + 1


def test_jira_calls_are_counted_by_operation_and_status(sandbox_app, sandbox):
    client = sandbox_app.test_client()
    labels = {"operation": "GET issue/{key}", "status": "200"}
    missing = {"operation": "GET issue/{key}", "status": "404"}
    before, missing_before = metric("jira_web_jira_calls_total", **labels), metric("jira_web_jira_calls_total", **missing)
    latency_before = metric("jira_web_jira_call_duration_seconds_count", operation="GET issue/{key}")

    assert client.get("/issues/ACME-1").status_code == 200
    assert client.get("/issues/ACME-99999").status_code == 404

    assert metric("jira_web_jira_calls_total", **labels) == before + 1
    assert metric("jira_web_jira_calls_total", **missing) == missing_before + 1
    assert metric("jira_web_jira_call_duration_seconds_count", operation="GET issue/{key}") == latency_before + 2


def test_a_429_and_the_wait_it_asks_for_are_counted(tmp_path, jira_http):
    app = make_app(tmp_path)
    slept: list[float] = []
    app_state(app).client_options["sleep"] = slept.append  # no real waiting in tests
    url = "https://jira.test/rest/api/3/project/search"
    jira_http.get(url, status=429, json={"errorMessages": ["Rate limited."]},
                  headers={"Retry-After": "2", "RateLimit-Reason": "jira-burst-based"})
    jira_http.get(url, json=EMPTY_PROJECTS)
    limited = {"operation": "GET project/search", "reason": "jira-burst-based"}
    before, waited_before = metric("jira_web_jira_rate_limited_total", **limited), metric(
        "jira_web_jira_retry_wait_seconds_total", cause="retry_after")

    assert app.test_client().get("/projects").status_code == 200

    assert slept == [2.0]
    assert metric("jira_web_jira_rate_limited_total", **limited) == before + 1
    assert metric("jira_web_jira_retry_wait_seconds_total", cause="retry_after") == waited_before + 2.0


def test_a_429_from_the_live_sandbox_is_counted(sandbox_app, sandbox):
    set_faults(sandbox, {"path": "project/search", "status": 429, "retry_after": 0, "count": 1})
    limited = {"operation": "GET project/search", "reason": "unknown"}
    before = metric("jira_web_jira_rate_limited_total", **limited)
    calls_before = metric("jira_web_jira_calls_total", operation="GET project/search", status="429")

    assert sandbox_app.test_client().get("/projects").status_code == 200  # retried after Retry-After: 0

    assert metric("jira_web_jira_rate_limited_total", **limited) == before + 1
    assert metric("jira_web_jira_calls_total", operation="GET project/search", status="429") == calls_before + 1


def test_backoff_waits_are_told_apart_from_retry_after(jira_http):
    slept: list[float] = []
    observer = JiraCallObserver(None, None, "https://jira.test")
    jira = JiraClient(create_transport(), "https://jira.test", None, sleep=slept.append, observer=observer,
                      retry=RetryPolicy(attempts=2, budget=5, backoff=0.25))
    jira_http.get("https://jira.test/rest/api/3/myself", status=503)
    jira_http.get("https://jira.test/rest/api/3/myself", json={"accountId": "a1", "displayName": "A"})
    before = metric("jira_web_jira_retry_wait_seconds_total", cause="backoff")

    jira.myself()

    assert slept == [0.25]
    assert metric("jira_web_jira_retry_wait_seconds_total", cause="backoff") == before + 0.25
    assert (observer.calls, observer.waited_seconds) == (2, 0.25)


def test_refused_credentials_count_as_an_auth_failure(tmp_path, sandbox, admin_user):
    app = make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin_user["email"], JIRA_API_TOKEN="wrong-token")
    before = metric("jira_web_auth_failures_total", reason="jira_401")

    assert app.test_client().get("/projects").status_code == 502

    assert metric("jira_web_auth_failures_total", reason="jira_401") == before + 1


def test_sign_in_events_move_their_counters():
    counters = [
        (lambda: events.signed_in("acc-1", "https://acme.atlassian.net"), "jira_web_sign_ins_total", {}),
        (lambda: events.signed_out("acc-1"), "jira_web_sign_outs_total", {}),
        (lambda: events.sign_in_failed("state_mismatch"), "jira_web_auth_failures_total", {"reason": "state_mismatch"}),
        (lambda: events.sign_in_failed("made-up"), "jira_web_auth_failures_total", {"reason": "other"}),
        (lambda: events.token_refreshed("success", "acc-1"), "jira_web_token_refreshes_total", {"outcome": "success"}),
        (lambda: events.token_refreshed("invalid_grant", "acc-1"), "jira_web_token_refreshes_total", {"outcome": "invalid_grant"}),
        (lambda: events.setup_used("sign_in"), "jira_web_admin_setup_total", {"action": "sign_in"}),
    ]
    for event, name, labels in counters:
        before = metric(name, **labels)
        event()
        assert metric(name, **labels) == before + 1, name


def test_operation_names_keep_keys_and_ids_out():
    assert operation_name("GET", "https://x.test/rest/api/3/issue/ACME-12/comment?startAt=0") == "GET issue/{key}/comment"
    assert operation_name("GET", "https://x.test/rest/api/3/project/OPS") == "GET project/{key}"
    assert operation_name("POST", "https://api.test/ex/jira/1111-22/rest/api/3/search/jql") == "POST search/jql"
    assert operation_name("PUT", "https://x.test/rest/api/3/issue/10001/comment/20002") == "PUT issue/{key}/comment/{id}"
    assert operation_name("GET", "https://x.test/other/ACME-1") == "GET (outside /rest/api/3)"


def test_metrics_token_protects_the_endpoint(tmp_path):
    client = make_app(tmp_path, METRICS_TOKEN="scrape-me-7f3a").test_client()

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic scrape-me-7f3a"}).status_code == 401
    answer = client.get("/metrics", headers={"Authorization": "Bearer scrape-me-7f3a"})
    assert answer.status_code == 200
    assert "jira_web_http_requests_total" in answer.get_data(as_text=True)


def test_metrics_are_open_without_a_token(client):
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"


def test_no_label_names_a_person_or_an_issue(sandbox_app, sandbox_info):
    client = sandbox_app.test_client()
    client.get("/issues/ACME-1")
    client.get("/projects/ACME")
    text = client.get("/metrics").get_data(as_text=True)

    for user in sandbox_info["users"]:
        for value in (user["email"], user["account_id"], user["api_token"]):
            assert value not in text
    assert "ACME-1" not in text and '"ACME"' not in text
