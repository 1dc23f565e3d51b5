"""Points per answer, expensive reads, and reading Jira's rate-limit headers (garbled ones are unknown, not zero)."""

import pytest

from jira_client.api.client import Call
from jira_client.quota import costs, headers


def call(path, method="GET", read=True, params=None, json=None):
    return Call(method, path, f"https://jira.test/rest/api/3/{path}", params, json, read)


@pytest.mark.parametrize("payload, points", [
    ({"issues": [{"id": "1", "key": "A-1", "fields": {"summary": "x"}}] * 50, "isLast": False}, 51),
    ({"issues": [{"id": "1", "key": "A-1", "fields": {"attachment": [{"id": "7"}]}}]}, 3),
    ({"id": "1", "key": "A-1", "fields": {"attachment": [{"id": "7"}, {"id": "8"}]}}, 4),
    ([{"accountId": "a", "displayName": "A"}] * 10, 21),
    ({"accountId": "a", "groups": {"items": []}}, 3),
    ({"values": [{"id": "1", "key": "ACME"}] * 3, "isLast": True}, 4),
    ({"comments": [{"id": "1", "author": {"accountId": "a"}}] * 5, "total": 5}, 6),
    ({"permissions": {"BROWSE_PROJECTS": {}, "EDIT_ISSUES": {}}}, 5),
    ({"count": 312}, 1),
    (None, 1),
])
def test_a_read_costs_one_point_plus_its_objects(payload, points):
    assert costs.points(call("search/jql", "POST"), payload) == points


def test_a_write_costs_only_the_base_point():
    assert costs.points(call("issue", "POST", read=False), {"id": "1", "key": "A-1"}) == 1


@pytest.mark.parametrize("path, params, json, expensive", [
    ("search/jql", None, {"jql": "x", "maxResults": 50}, True),
    ("search/jql", None, {"jql": "x", "maxResults": 20}, False),
    ("search/jql", None, {"jql": "x"}, True),  # Jira's default page is 50
    ("project/search", {"maxResults": 50}, None, True),
    ("issue/ACME-1/comment", {"startAt": 50, "maxResults": 50}, None, False),  # part of reading the issue
    ("user/assignable/search", {"query": "al", "maxResults": 10}, None, False),
    ("issue/ACME-1", {"fields": "summary"}, None, False),
    ("issue/createmeta/ACME/issuetypes", {"maxResults": 200}, None, False),  # a write's form is never held back
    ("search/approximate-count", None, {"jql": "x"}, False),
])
def test_expensive_reads_are_long_listings(path, params, json, expensive):
    assert costs.is_expensive(call(path, "POST" if json else "GET", params=params, json=json)) is expensive


def test_a_write_is_never_expensive():
    assert not costs.is_expensive(call("search/jql", "POST", read=False, json={"maxResults": 100}))


def test_the_quota_headers_are_read():
    said = headers.read({
        "Beta-RateLimit-Policy": '"global-app-quota";q=65000;w=3600',
        "Beta-RateLimit": '"global-app-quota";r=17842;t=2107',
        "RateLimit-Reason": "jira-quota-global-based",
        "Retry-After": "2107",
    })
    assert (said.points, said.window_seconds, said.left, said.resets_in) == (65000, 3600, 17842, 2107)
    assert said.spent == 65000 - 17842 and said.quota_refusal and said.retry_after == 2107


def test_the_older_beta_reason_header_and_tenant_quota_count_as_a_quota_refusal():
    assert headers.read({"X-Beta-RateLimit-Reason": "jira-quota-tenant-based"}).quota_refusal
    assert not headers.read({"RateLimit-Reason": "jira-burst-based"}).quota_refusal


@pytest.mark.parametrize("garbled", [
    {},
    {"Beta-RateLimit": "garbage"},
    {"Beta-RateLimit": '"global-app-quota";r=;t=12'},
    {"Beta-RateLimit": '"global-app-quota";r=-5;t=12'},
    {"Beta-RateLimit": '"global-app-quota";r=1e3'},
    {"Beta-RateLimit": '"global-app-quota";r=١٢'},  # Arabic-Indic digits: isdigit() but not ASCII
    {"Beta-RateLimit": '"global-app-quota";r=' + "9" * 40},
    {"Beta-RateLimit-Policy": '"global-app-quota";q=0;w=3600', "Beta-RateLimit": '"x";t=5'},
])
def test_missing_or_garbled_headers_mean_unknown_never_zero_left(garbled):
    said = headers.read(garbled)
    assert said.left is None and said.spent is None and not said.quota_refusal


def test_none_means_nothing_was_said():
    assert headers.read(None) == headers.QuotaHeaders()


def test_an_issue_with_expanded_transitions_is_one_object():
    issue = {"id": "1", "key": "A-1", "fields": {"summary": "x"}, "transitions": [{"id": "11"}] * 4,
             "editmeta": {"fields": {}}}
    assert costs.points(call("issue/A-1"), issue) == 2
