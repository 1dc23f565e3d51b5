"""The governor around a JiraClient, with stubbed HTTP: costs recorded, Jira's count and window learned, refusals remembered."""

import pytest
import responses

from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.errors import RateLimited, ServerError
from jira_client.api.transport import create_transport
from jira_client.observability import metrics
from jira_client.quota.cache import CacheError
from jira_client.quota.governor import QuotaExhausted
from jira_client.quota.window import Window
from tests.support.clock import FakeClock
from tests.support.quota import WINDOW_START, memory_quota

BASE = "https://jira.test"
SEARCH = f"{BASE}/rest/api/3/search/jql"
ISSUE = f"{BASE}/rest/api/3/issue/ACME-1"
ISSUES = {"issues": [{"id": str(10000 + n), "key": f"ACME-{n}", "fields": {}} for n in range(50)], "isLast": True}
QUOTA_HEADERS = {"Beta-RateLimit-Policy": '"global-app-quota";q=1000;w=3600', "Beta-RateLimit": '"global-app-quota";r=700;t=3000'}


@pytest.fixture
def quota():
    return memory_quota(FakeClock(WINDOW_START + 600))


def client_for(quota, person="alice", counted=True):
    governor = quota.governor(scope=f"{person}@site", site=BASE, person=person, counted=counted)
    client = JiraClient(create_transport(), BASE, gate=governor, observer=governor.watch(None),
                        retry=RetryPolicy(attempts=1))
    return client, governor


@pytest.fixture
def jira_http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_an_answer_is_charged_and_jiras_count_corrects_the_app_total(quota, jira_http):
    jira_http.post(SEARCH, json=ISSUES, headers=QUOTA_HEADERS)
    client, governor = client_for(quota)
    client.search_issues("project = ACME")
    usage = quota.usage("alice")
    assert governor.points == 51 and usage.person == 51
    assert (usage.points, usage.spent, usage.left_by_jira) == (1000, 300, 700)  # Jira's q - r, not the estimate
    assert quota.windows.current() == Window(WINDOW_START + 600 + 3000, 3600)  # Jira's hour, not the clock's
    assert metrics.quota_points_left._value.get() == 700 and metrics.quota_points_limit._value.get() == 1000


@pytest.mark.parametrize("garbled", [{}, {"Beta-RateLimit": "nonsense"}, {"Beta-RateLimit": '"q";r=;t=x'}])
def test_missing_or_garbled_headers_leave_the_estimates_alone(quota, jira_http, garbled):
    metrics.quota_points_left.set(12345)
    jira_http.get(ISSUE, json={"id": "10001", "key": "ACME-1", "fields": {}}, headers=garbled)
    client, _ = client_for(quota)
    client.get_issue("ACME-1")
    usage = quota.usage("alice")
    assert (usage.spent, usage.left_by_jira, usage.blocked_until) == (2, None, None)
    assert metrics.quota_points_left._value.get() == 12345  # unknown is not "0 left"


def test_a_quota_refusal_is_remembered_and_later_reads_wait_without_calling_jira(quota, jira_http):
    refused = jira_http.get(ISSUE, status=429, json={"errorMessages": ["The request has been rate-limited."]},
                            headers={"RateLimit-Reason": "jira-quota-global-based", "Retry-After": "1200"})
    client, _ = client_for(quota)
    with pytest.raises(QuotaExhausted) as raised:
        client.get_issue("ACME-1")
    assert raised.value.resets_at.timestamp() == WINDOW_START + 600 + 1200
    assert quota.usage("alice").blocked_until == WINDOW_START + 600 + 1200
    other, _ = client_for(quota, "bob")
    with pytest.raises(QuotaExhausted):
        other.get_issue("ACME-1")
    assert refused.call_count == 1  # bob's read never went to Jira
    quota.ledger.clock.advance(1200)
    jira_http.replace(responses.GET, ISSUE, json={"id": "10001", "key": "ACME-1", "fields": {}})
    assert other.get_issue("ACME-1").key == "ACME-1"


def test_other_429s_are_not_the_quota(quota, jira_http):
    jira_http.get(ISSUE, status=429, json={}, headers={"RateLimit-Reason": "jira-burst-based", "Retry-After": "1"})
    jira_http.post(SEARCH, status=429, json={})  # no reason at all
    client, _ = client_for(quota)
    for action in (lambda: client.get_issue("ACME-1"), lambda: client.search_issues("x")):
        with pytest.raises(RateLimited) as raised:
            action()
        assert not isinstance(raised.value, QuotaExhausted)
    assert quota.usage("alice").blocked_until is None


def test_api_token_traffic_is_cached_but_never_charged(quota, jira_http):
    stub = jira_http.get(ISSUE, json={"id": "10001", "key": "ACME-1", "fields": {}}, headers=QUOTA_HEADERS)
    client, governor = client_for(quota, "shared", counted=False)
    client.get_issue("ACME-1")
    client.get_issue("ACME-1")
    assert stub.call_count == 1 and governor.points == 0
    assert quota.usage("shared").spent == 0


def test_a_write_is_never_held_back_and_drops_the_writers_cached_reads(quota, jira_http):
    issue = jira_http.get(ISSUE, json={"id": "10001", "key": "ACME-1", "fields": {}})
    jira_http.put(ISSUE, status=204)
    client, _ = client_for(quota)
    other, _ = client_for(quota, "bob")
    client.get_issue("ACME-1")
    other.get_issue("ACME-1")
    client.update_issue("ACME-1", fields={"summary": "New"})
    client.get_issue("ACME-1")  # alice asks Jira again
    other.get_issue("ACME-1")  # bob's copy is still his
    assert issue.call_count == 3
    assert quota.usage("alice").person == 2 + 1 + 2


def test_a_copy_that_cannot_be_read_when_jira_fails_leaves_jiras_error_and_counts_the_store_failure(quota, jira_http):
    issue = {"id": "10001", "key": "ACME-1", "fields": {"summary": "kept"}}
    jira_http.get(ISSUE, json=issue)
    client, _ = client_for(quota)
    client.get_issue("ACME-1")  # kept as the fallback
    quota.cache.clock.advance(120)  # no longer fresh: the next view asks Jira
    jira_http.replace(responses.GET, ISSUE, status=503)
    client, governor = client_for(quota)
    stamps_only = quota.cache.store.get_many

    def failing_for_answers(*keys):
        if any(not key.endswith((":gen", ":at")) for key in keys):
            raise CacheError("the read cache could not be read")
        return stamps_only(*keys)

    quota.cache.store.get_many = failing_for_answers
    failures = metrics.quota_ledger_failures.labels(store="cache")._value.get()
    with pytest.raises(ServerError):
        client.get_issue("ACME-1")
    assert metrics.quota_ledger_failures.labels(store="cache")._value.get() == failures + 1
    assert governor.stale is None


def test_a_copy_read_when_jira_fails_is_shown_with_its_age(quota, jira_http):
    jira_http.get(ISSUE, json={"id": "10001", "key": "ACME-1", "fields": {"summary": "kept"}})
    client, _ = client_for(quota)
    client.get_issue("ACME-1")
    quota.cache.clock.advance(120)
    jira_http.replace(responses.GET, ISSUE, status=503)
    client, governor = client_for(quota)
    assert client.get_issue("ACME-1").summary == "kept"
    assert governor.stale.age_seconds == 120 and governor.stale.reason == "unreachable"
