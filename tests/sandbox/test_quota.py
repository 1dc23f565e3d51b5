"""The sandbox's rate limits: Jira's points per hour for 3LO apps, bursts, per-issue writes, their headers and counters."""

import pytest

from sandbox import quota
from sandbox.jira_http import QUOTA_KEY
from tests.support.clock import FakeClock
from tests.support.sandbox import basic_headers, bearer_headers, configure_sandbox, sandbox_stats

COMMENT = {"body": {"type": "doc", "version": 1, "content": [
    {"type": "paragraph", "content": [{"type": "text", "text": "Seen."}]}]}}
SEARCH = {"jql": "project = ACME ORDER BY key", "maxResults": 10, "fields": ["summary"]}


@pytest.fixture
def limits(sandbox_app):
    """The sandbox app's Quota, on a fake clock at the start of a window."""
    found = sandbox_app.extensions[QUOTA_KEY]
    found.clock = FakeClock(3600 * 500_000)
    return found


@pytest.fixture
def oauth(client, fake_identity):
    """Calls the gateway as alice with a bearer token (a 3LO app)."""
    token = fake_identity.token_for("alice")
    prefix = "/ex/jira/11111111-2222-4333-8444-555555555501/rest/api/3/"
    return lambda method, path, **kw: client.open(prefix + path, method=method, headers=bearer_headers(token), **kw)


def test_a_search_costs_one_point_plus_one_per_issue_and_a_user_two(oauth, limits, client):
    answer = oauth("POST", "search/jql", json=SEARCH)
    assert answer.status_code == 200 and len(answer.json["issues"]) == 10
    assert limits.stats()["points_spent"] == 11
    assert oauth("GET", "myself").status_code == 200
    assert oauth("GET", "user/assignable/search", query_string={"project": "ACME"}).status_code == 200
    people = len(oauth("GET", "user/assignable/search", query_string={"project": "ACME"}).json)
    stats = limits.stats()
    assert stats["points_spent"] == 11 + 3 + 2 * (1 + 2 * people)
    assert stats["points_by_user"] == {"alice": stats["points_spent"]}


def test_a_write_costs_only_the_base_point(oauth, client, limits):
    answer = oauth("POST", "issue/ACME-1/comment", json=COMMENT)
    assert answer.status_code == 201
    assert limits.stats()["points_spent"] == 1


def test_every_3lo_answer_says_what_is_left_and_when_it_resets(oauth, client, limits):
    limits.configure({"quota_points": 100, "quota_window_seconds": 60})
    limits.clock.advance(15)
    answer = oauth("POST", "search/jql", json=SEARCH)
    assert answer.headers["Beta-RateLimit-Policy"] == '"global-app-quota";q=100;w=60'
    assert answer.headers["Beta-RateLimit"] == '"global-app-quota";r=89;t=45'
    assert "X-RateLimit-NearLimit" not in answer.headers
    for _ in range(7):
        answer = oauth("POST", "search/jql", json=SEARCH)
    assert answer.headers["Beta-RateLimit"] == '"global-app-quota";r=12;t=45'
    assert answer.headers["X-RateLimit-NearLimit"] == "true"


def test_a_spent_quota_refuses_every_3lo_call_until_the_window_ends(oauth, client, limits):
    limits.configure({"quota_points": 30, "quota_window_seconds": 60})
    limits.clock.advance(20)
    statuses = [oauth("POST", "search/jql", json=SEARCH).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # 11 + 11 + 11 = 33: the third was still let in
    refused = oauth("GET", "issue/ACME-1")
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Reason"] == "jira-quota-global-based"
    assert refused.headers["Retry-After"] == "40"
    assert refused.headers["Beta-RateLimit"] == '"global-app-quota";r=0;t=40'
    assert refused.json["errorMessages"] == ["The request has been rate-limited. Please try again later."]
    stats = limits.stats()
    assert stats["refused"] == {"jira-quota-global-based": 2} and stats["points_spent"] == 33
    limits.clock.advance(40)  # the next window
    assert oauth("GET", "issue/ACME-1").status_code == 200
    assert limits.stats()["window"]["spent"] == 2


def test_api_token_traffic_is_exempt_from_the_quota_but_not_from_bursts(client, limits):
    limits.configure({"quota_points": 1, "burst_per_second": 3})
    headers = basic_headers("alice")
    statuses = [client.get("/rest/api/3/issue/ACME-1", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    burst = client.get("/rest/api/3/issue/ACME-2", headers=headers)
    assert burst.headers["RateLimit-Reason"] == "jira-burst-based" and burst.headers["Retry-After"] == "1"
    assert burst.headers["X-RateLimit-Limit"] == "3" and burst.headers["X-RateLimit-Remaining"] == "0"
    assert client.get("/rest/api/3/myself", headers=headers).status_code == 200  # another endpoint: its own budget
    limits.clock.advance(1)
    ok = client.get("/rest/api/3/issue/ACME-1", headers=headers)
    assert ok.status_code == 200 and "Beta-RateLimit" not in ok.headers
    assert limits.stats()["points_spent"] == 0


def test_writes_to_one_issue_are_limited_per_issue(oauth, client, limits):
    limits.configure({"issue_writes_per_second": 2})
    statuses = [oauth("POST", "issue/ACME-1/comment", json=COMMENT).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert oauth("POST", "issue/ACME-1/comment", json=COMMENT).headers["RateLimit-Reason"] == "jira-per-issue-on-write"
    assert oauth("POST", "issue/ACME-2/comment", json=COMMENT).status_code == 201  # another issue
    assert oauth("GET", "issue/ACME-1").status_code == 200  # reads are not writes


def test_settings_are_checked_and_share_the_config_endpoint_with_the_identity_settings(client):
    refused = client.post("/_sandbox/config", json={"quota_points": -1})
    assert refused.status_code == 400 and "quota_points" in refused.json["errorMessages"][0]
    assert client.post("/_sandbox/config", json={"quota_window_seconds": 0}).status_code == 400
    effective = client.post("/_sandbox/config", json={"quota_points": 50, "access_token_ttl_seconds": 60}).json
    assert effective["quota_points"] == 50 and effective["access_token_ttl_seconds"] == 60
    assert client.get("/_sandbox/stats").json["quota"]["window"]["points"] == 50


def test_stats_reset_keeps_the_windows_spending_and_reset_restores_the_settings(oauth, limits):
    limits.configure({"quota_points": 50})
    oauth("GET", "issue/ACME-1")
    limits.reset_counters()
    stats = limits.stats()
    assert stats["points_spent"] == 0 and stats["window"]["spent"] == 2 and stats["window"]["left"] == 48
    limits.reset()
    assert limits.stats()["window"] == {**stats["window"], "points": 65000, "seconds": 3600, "spent": 0, "left": 65000}


def test_limits_come_from_sandbox_variables(monkeypatch):
    monkeypatch.setenv("SANDBOX_QUOTA_POINTS", "1234")
    monkeypatch.setenv("SANDBOX_QUOTA_WINDOW_SECONDS", "60")
    assert quota.config_from_env({"burst_per_second": 9}) == {
        "quota_points": 1234, "quota_window_seconds": 60, "burst_per_second": 9, "issue_writes_per_second": 100}
    monkeypatch.setenv("SANDBOX_QUOTA_POINTS", "lots")
    with pytest.raises(ValueError, match="SANDBOX_QUOTA_POINTS"):
        quota.config_from_env()


@pytest.mark.parametrize("body, write, points", [
    ({"issues": [{"id": "1", "key": "A-1", "fields": {"attachment": [{"id": "9"}, {"id": "8"}]}}]}, False, 4),
    ([{"accountId": "a", "accountType": "atlassian"}] * 3, False, 7),
    ({"permissions": {"BROWSE_PROJECTS": {}, "EDIT_ISSUES": {}}}, False, 5),
    ({"groups": {"items": [{"groupId": "g", "name": "devs"}]}}, False, 3),
    ({"count": 312}, False, 1),
    ({"issues": [{"id": "1"}] * 50}, True, 1),
])
def test_points_follow_jiras_costs(body, write, points):
    assert quota.points_for(body, write) == points


def test_the_live_sandbox_reports_its_quota(sandbox):
    assert configure_sandbox(sandbox, quota_points=500)["quota_points"] == 500
    assert sandbox_stats(sandbox)["quota"]["window"]["points"] == 500


def test_an_issue_with_its_transitions_and_editmeta_is_one_object(oauth, limits):
    assert oauth("GET", "issue/ACME-7", query_string={"expand": "transitions,editmeta"}).status_code == 200
    assert limits.stats()["points_spent"] == 2
