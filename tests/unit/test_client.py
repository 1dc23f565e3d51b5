"""JiraClient against stubbed HTTP: status mapping, retries, paging, keys, decoding."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from responses import matchers
from responses.registries import OrderedRegistry

from jira_client.api import errors
from jira_client.api.client import JiraClient, RetryPolicy
from jira_client.api.transport import create_transport
from tests.support.clock import FakeClock

BASE = "https://jira.test"
API = f"{BASE}/rest/api/3"


@pytest.fixture
def slept():
    return []


@pytest.fixture
def jira(slept):
    return JiraClient(create_transport(), BASE, ("robot@example.test", "token"), sleep=slept.append)


@pytest.mark.parametrize(
    "status, error_class",
    [
        (400, errors.BadRequest),
        (401, errors.AuthError),
        (403, errors.PermissionDenied),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (503, errors.ServerError),
        (504, errors.ServerError),
        (418, errors.ServerError),
        (302, errors.ServerError),
    ],
)
def test_every_status_maps_to_its_class(jira_http, jira, status, error_class):
    body = {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
    jira_http.get(f"{API}/myself", json=body, status=status, headers={"Retry-After": "0"} if status >= 429 else {})
    with pytest.raises(error_class) as caught:
        jira.myself()
    assert type(caught.value) is error_class
    assert caught.value.status == status
    assert caught.value.details == ("Issue does not exist or you do not have permission to see it.",)


def test_field_errors_are_kept(jira_http, jira):
    jira_http.post(f"{API}/issue/ACME-1/comment", status=400, json={"errorMessages": [], "errors": {"body": "Comment body can not be empty!"}})
    with pytest.raises(errors.BadRequest) as caught:
        jira.add_comment("ACME-1", {"type": "doc", "version": 1, "content": []})
    assert caught.value.field_errors == {"body": "Comment body can not be empty!"}


@responses.activate(registry=OrderedRegistry)
def test_a_read_is_retried_after_503(jira, slept):
    responses.get(f"{API}/myself", status=503, json={"errorMessages": ["busy"]})
    responses.get(f"{API}/myself", json={"accountId": "1", "displayName": "Ada"})
    assert jira.myself().display_name == "Ada"
    assert len(responses.calls) == 2
    assert slept == [0.5]


@responses.activate(registry=OrderedRegistry)
def test_retry_after_is_honoured_within_the_budget(jira, slept):
    responses.get(f"{API}/myself", status=429, headers={"Retry-After": "1"})
    responses.get(f"{API}/myself", json={"accountId": "1", "displayName": "Ada"})
    jira.myself()
    assert slept == [1.0]


def test_retry_after_beyond_the_budget_fails_at_once(jira_http, jira, slept):
    jira_http.get(f"{API}/myself", status=429, headers={"Retry-After": "120"}, json={"errorMessages": ["Rate limit exceeded."]})
    with pytest.raises(errors.RateLimited) as caught:
        jira.myself()
    assert caught.value.retry_after == 120
    assert slept == []
    assert len(jira_http.calls) == 1


def test_retries_stop_at_the_attempt_limit(jira_http, slept):
    jira = JiraClient(create_transport(), BASE, None, retry=RetryPolicy(attempts=3, budget=10, backoff=0), sleep=slept.append)
    jira_http.get(f"{API}/myself", status=502)
    with pytest.raises(errors.ServerError):
        jira.myself()
    assert len(jira_http.calls) == 3


@pytest.mark.parametrize("header, expected_wait", [("abc", 0.5), ("-5", 0.0)])
def test_odd_retry_after_values_fall_back_or_clamp(header, expected_wait, jira_http, jira, slept):
    jira_http.get(f"{API}/myself", status=503, headers={"Retry-After": header})
    jira_http.get(f"{API}/myself", json={"accountId": "1"})
    jira.myself()
    assert slept[0] == expected_wait


def test_a_day_long_retry_after_is_not_waited_for(jira_http, jira, slept):
    jira_http.get(f"{API}/myself", status=503, headers={"Retry-After": "999999"})
    with pytest.raises(errors.ServerError) as caught:
        jira.myself()
    assert slept == [] and caught.value.retry_after == 86400


def test_http_date_retry_after_is_parsed():
    assert errors.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert errors.parse_retry_after("3") == 3.0
    assert errors.parse_retry_after("nonsense") is None


def test_a_write_is_never_retried(jira_http, jira, slept):
    jira_http.post(f"{API}/issue/ACME-1/comment", status=503, headers={"Retry-After": "0"})
    with pytest.raises(errors.ServerError):
        jira.add_comment("ACME-1", {"type": "doc", "version": 1, "content": []})
    assert len(jira_http.calls) == 1
    assert slept == []


def test_a_timeout_is_a_transport_error(jira_http, jira):
    jira_http.get(f"{API}/myself", body=requests.ReadTimeout("slow"))
    with pytest.raises(errors.TransportError) as caught:
        jira.myself()
    assert caught.value.timed_out


def test_a_dead_pooled_connection_is_retried_for_reads_only(jira_http, jira):
    jira_http.get(f"{API}/myself", body=requests.ConnectionError("reset"))
    with pytest.raises(errors.TransportError):
        jira.myself()
    assert len(jira_http.calls) == 2
    jira_http.post(f"{API}/issue/ACME-1/comment", body=requests.ConnectionError("reset"))
    with pytest.raises(errors.TransportError):
        jira.add_comment("ACME-1", {"type": "doc", "version": 1, "content": []})
    assert len(jira_http.calls) == 3


@pytest.mark.parametrize(
    "body, content_type",
    [("<html>Down for maintenance</html>", "text/html"), ('{"accountId": ', "application/json")],
)
def test_unreadable_bodies_are_bad_responses(jira_http, jira, body, content_type):
    jira_http.get(f"{API}/myself", body=body, content_type=content_type)
    with pytest.raises(errors.BadResponse):
        jira.myself()


def test_an_oversized_body_is_refused(jira_http, jira):
    jira_http.get(f"{API}/myself", body="x", headers={"Content-Length": str(64 * 1024 * 1024)})
    with pytest.raises(errors.BadResponse):
        jira.myself()


def test_offset_paging_walks_two_pages(jira_http, jira):
    first = {"startAt": 0, "maxResults": 2, "total": 3, "isLast": False, "values": [{"id": "1", "key": "A", "name": "A"}, {"id": "2", "key": "B", "name": "B"}]}
    second = {"startAt": 2, "maxResults": 2, "total": 3, "isLast": True, "values": [{"id": "3", "key": "C", "name": "C"}]}
    jira_http.get(f"{API}/project/search", json=first, match=[matchers.query_param_matcher({"startAt": "0", "maxResults": "5", "orderBy": "name"})])
    jira_http.get(f"{API}/project/search", json=second, match=[matchers.query_param_matcher({"startAt": "2", "maxResults": "5", "orderBy": "name"})])
    page = jira.list_projects(max_results=5)
    assert [p.key for p in page] == ["A", "B"] and page.next_cursor == 2 and page.total == 3
    page = jira.list_projects(start_at=page.next_cursor, max_results=5)  # the server capped at 2: go by what came back
    assert [p.key for p in page] == ["C"] and page.is_last


def test_token_paging_walks_two_pages(jira_http, jira):
    jql = "project = ACME ORDER BY created DESC"
    jira_http.post(f"{API}/search/jql", json={"issues": [{"id": "1", "key": "ACME-2", "fields": {"summary": "two"}}], "nextPageToken": "tok-2", "isLast": False},
                   match=[matchers.json_params_matcher({"jql": jql, "maxResults": 1}, strict_match=False)])
    jira_http.post(f"{API}/search/jql", json={"issues": [{"id": "0", "key": "ACME-1", "fields": {"summary": "one"}}], "isLast": True},
                   match=[matchers.json_params_matcher({"jql": jql, "nextPageToken": "tok-2"}, strict_match=False)])
    first = jira.search_issues(jql, max_results=1)
    assert [i.key for i in first] == ["ACME-2"] and first.next_cursor == "tok-2"
    second = jira.search_issues(jql, first.next_cursor, max_results=1)
    assert [i.key for i in second] == ["ACME-1"] and second.is_last


def test_search_is_a_read_and_is_retried(jira_http, jira):
    jira_http.post(f"{API}/search/jql", status=503)
    with pytest.raises(errors.ServerError):
        jira.search_issues("project = ACME")
    assert len(jira_http.calls) == 3


def test_a_valid_key_is_normalised_into_the_exact_path(jira_http, jira):
    jira_http.get(f"{API}/issue/PROJ-12", json={"id": "1", "key": "PROJ-12", "fields": {}})
    assert jira.get_issue("proj-12").key == "PROJ-12"
    assert jira_http.calls[0].request.path_url.startswith("/rest/api/3/issue/PROJ-12?")


@pytest.mark.parametrize(("with_activity", "worklog_asked"), [(False, False), (True, True)])
def test_the_issue_call_leaves_the_work_log_out_unless_all_activity_shows_it(jira_http, jira, with_activity, worklog_asked):
    worklog = {"startAt": 0, "maxResults": 20, "total": 1, "worklogs": [{"id": "7", "timeSpentSeconds": 60}]}
    jira_http.get(f"{API}/issue/PROJ-12", json={"id": "1", "key": "PROJ-12", "fields": {"worklog": worklog}})
    issue = jira.get_issue("PROJ-12", with_activity=with_activity)
    asked = jira_http.calls[0].request.params["fields"].split(",")
    assert asked == (["*all"] if worklog_asked else ["*all", "-worklog"])  # every field, the work log when shown
    assert [w.id for w in issue.worklogs] == ["7"]  # what Jira sends is read either way


@pytest.mark.parametrize(
    "key",
    ["../../myself", "PROJ-1/../../../rest/api/3/myself", "PROJ-1%2F..%2F..%2Fmyself", "..%252f..%252f",
     "PROJ-1?expand=changelog", "PROJ-1#x", "PROJ-1\x00", "ＰＲＯＪ-1", "PROJ-1 ", "A" * 10000, "", "PROJ-0"],
)
def test_bad_keys_never_reach_the_network(jira_http, jira, key):
    with pytest.raises(ValueError):
        jira.get_issue(key)
    assert len(jira_http.calls) == 0


def test_the_transport_keeps_no_cookies(jira_http):
    transport = create_transport()
    jira_http.get(f"{API}/myself", json={"accountId": "1"}, headers={"Set-Cookie": "atlassian.xsrf.token=abc; Path=/"})
    JiraClient(transport, BASE, None).myself()
    assert len(transport.cookies) == 0


def test_every_call_has_a_timeout(jira_http, jira):
    jira_http.get(f"{API}/myself", json={"accountId": "1"})
    jira.myself()
    assert jira_http.calls[0].request.req_kwargs["timeout"] == (3.05, 10.0)


def test_requests_carry_no_redirect_following(jira_http, jira):
    jira_http.get(f"{API}/myself", status=302, headers={"Location": "http://169.254.169.254/"})
    with pytest.raises(errors.ServerError):
        jira.myself()
    assert len(jira_http.calls) == 1


def test_comment_body_is_sent_as_adf(jira_http, jira):
    doc = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}
    jira_http.post(f"{API}/issue/ACME-1/comment", status=201, json={"id": "10", "body": doc},
                   match=[matchers.json_params_matcher({"body": doc})])
    assert jira.add_comment("ACME-1", doc).id == "10"
    assert json.loads(jira_http.calls[0].request.body) == {"body": doc}


def test_later_calls_get_only_what_is_left_of_the_time_budget(jira_http):
    clock = FakeClock(1000.0)
    jira = JiraClient(create_transport(), BASE, None, time_budget=20, clock=clock, sleep=clock.sleep)
    jira_http.get(f"{API}/myself", json={"accountId": "1"})
    jira.myself()
    clock.now += 14  # the first call was slow
    jira.myself()
    connect, read = jira_http.calls[1].request.req_kwargs["timeout"]
    assert connect + read <= 6 + 1e-9


def test_no_call_starts_once_the_time_budget_is_spent(jira_http):
    clock = FakeClock(1000.0)
    jira = JiraClient(create_transport(), BASE, None, time_budget=20, clock=clock)
    clock.now += 19.5
    with pytest.raises(errors.TransportError) as caught:
        jira.myself()
    assert caught.value.timed_out and len(jira_http.calls) == 0


@responses.activate(registry=OrderedRegistry)
def test_a_retry_wait_that_would_overrun_the_time_budget_is_skipped():
    clock = FakeClock(1000.0)
    jira = JiraClient(create_transport(), BASE, None, time_budget=20, clock=clock, sleep=clock.sleep,
                      retry=RetryPolicy(attempts=3, budget=10, backoff=0))
    responses.get(f"{API}/myself", status=503, headers={"Retry-After": "3"})
    responses.get(f"{API}/myself", json={"accountId": "1"})
    clock.now += 17  # 3 s left: waiting 3 s would leave nothing for the retry
    with pytest.raises(errors.ServerError):
        jira.myself()
    assert len(responses.calls) == 1 and clock.now == 1017
