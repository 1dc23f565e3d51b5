"""The pages against stubbed Jira: what they call, what they show, how they fail."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import url_for
from responses import matchers

from tests.support.apps import make_app
from tests.support.forms import form_token, once_token
from tests.support.stubs import API, ISSUE, issues_page, stub_parse

COMMENTS = "/issues/ACME-1/comments"


def stub_issue(jira_http, body=ISSUE, **kwargs):
    return jira_http.get(f"{API}/issue/ACME-1", json=body, **kwargs)


def test_projects_page_makes_one_call_and_escapes(client, jira_http):
    jira_http.get(f"{API}/project/search", json={
        "startAt": 0, "maxResults": 50, "total": 1, "isLast": True,
        "values": [{"id": "1", "key": "ACME", "name": "Acme <i>Rockets</i>"}],
    }, match=[matchers.query_param_matcher({"startAt": "0", "maxResults": "50", "orderBy": "name", "query": "ac"})])
    response = client.get("/projects?q=ac")
    assert response.status_code == 200
    assert b"Acme &lt;i&gt;Rockets&lt;/i&gt;" in response.data
    assert len(jira_http.calls) == 1


def test_issue_page_makes_one_call(client, jira_http):
    stub_issue(jira_http, match=[matchers.query_param_matcher({"expand": "transitions,editmeta,names,schema"}, strict_match=False)])
    response = client.get("/issues/ACME-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Login fails" in html
    assert "<script>alert" not in html
    assert "Steps &lt;to&gt; reproduce" in html
    assert "First!" in html and 'id="comment-501"' in html
    assert "Ada &lt;b&gt;Admin&lt;/b&gt;" in html
    assert len(jira_http.calls) == 1


def test_lower_case_key_is_normalised(client, jira_http):
    stub_issue(jira_http)
    assert client.get("/issues/acme-1").status_code == 200
    assert jira_http.calls[0].request.path_url.startswith("/rest/api/3/issue/ACME-1?")


@pytest.mark.parametrize(
    "path",
    ["/issues/../../myself", "/issues/..%2F..%2Fmyself", "/issues/ACME-1%2F..%2F..%2Fmyself", "/issues/%2e%2e%2fmyself",
     "/issues/..%252f..%252fmyself", "/issues/ACME-1%00", "/issues/%EF%BC%A1CME-1", "/issues/ACME-1%20", "/issues/" + "A" * 300,
     "/issues/ACME-0", "/issues/%FF", "/projects/..%2Fmyself", "/projects/AC%2FME"],
)
def test_bad_keys_make_no_call_to_jira(client, jira_http, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert len(jira_http.calls) == 0


@pytest.mark.parametrize(
    "stub, status, words",
    [
        ({"status": 401, "json": {"errorMessages": ["Unauthorized"]}}, 502, "credentials"),
        ({"status": 403, "json": {"errorMessages": ["Forbidden"]}}, 403, "Not allowed"),
        ({"status": 404, "json": {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}}, 404, "Not found"),
        ({"status": 429, "headers": {"Retry-After": "90"}, "json": {"errorMessages": ["Rate limit exceeded."]}}, 503, "busy"),
        ({"status": 500, "json": {"errorMessages": ["Internal server error"]}}, 502, "problem"),
        ({"status": 503, "json": {"errorMessages": ["Service unavailable"]}}, 503, "problem"),
        ({"body": requests.ReadTimeout("slow")}, 504, "too long"),
        ({"body": requests.ConnectionError("refused")}, 503, "did not answer"),
        ({"body": "<html>maintenance</html>", "content_type": "text/html"}, 502, "Unexpected answer"),
        ({"json": {"id": "1", "key": "ACME-1", "fields": None}}, 200, "(no summary)"),
    ],
)
def test_jira_failures_become_clear_pages(client, jira_http, stub, status, words):
    jira_http.get(f"{API}/issue/ACME-1", **stub)
    response = client.get("/issues/ACME-1")
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert words in html
    assert "Traceback" not in html and "test-api-token" not in html


def test_rate_limited_page_passes_retry_after_on(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", status=429, headers={"Retry-After": "90"})
    response = client.get("/issues/ACME-1")
    assert response.status_code == 503 and response.headers["Retry-After"] == "90"


def test_comment_is_posted_as_adf_and_redirects(app, client, jira_http):
    jira_http.post(f"{API}/issue/ACME-1/comment", status=201, json={"id": "777", "body": {}},
                   match=[matchers.json_params_matcher({"body": {"type": "doc", "version": 1, "content": [
                       {"type": "paragraph", "content": [{"type": "text", "text": "Looks "}, {"type": "text", "text": "good", "marks": [{"type": "strong"}]}]}]}})])
    response = client.post(COMMENTS, data={"body": "Looks **good**", "once": once_token(app, COMMENTS)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/issues/ACME-1?comments=last#comment-777")


def test_a_failed_comment_keeps_the_text_and_is_not_retried(app, client, jira_http):
    jira_http.post(f"{API}/issue/ACME-1/comment", status=503, headers={"Retry-After": "0"}, json={"errorMessages": ["busy"]})
    stub_issue(jira_http)
    response = client.post(COMMENTS, data={"body": "My <careful> words", "once": once_token(app, COMMENTS)})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "My &lt;careful&gt; words</textarea>" in html
    assert "Login fails" in html  # shown with its issue
    assert len([c for c in jira_http.calls if c.request.method == "POST"]) == 1


def test_a_failed_comment_when_jira_is_down_still_keeps_the_text(app, client, jira_http):
    jira_http.post(f"{API}/issue/ACME-1/comment", body=requests.ConnectionError("down"))
    jira_http.get(f"{API}/issue/ACME-1", body=requests.ConnectionError("down"))
    response = client.post(COMMENTS, data={"body": "Keep me", "once": once_token(app, COMMENTS)})
    assert response.status_code == 503
    assert "Keep me</textarea>" in response.get_data(as_text=True)


def test_an_empty_comment_is_refused_without_posting(app, client, jira_http):
    stub_issue(jira_http)
    response = client.post(COMMENTS, data={"body": "  ", "once": once_token(app, COMMENTS)})
    assert response.status_code == 400 and b"Write something first." in response.data
    assert all(c.request.method == "GET" for c in jira_http.calls)


def test_comment_form_needs_its_csrf_token(tmp_path, jira_http):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/issues/ACME-1/comments", data={"body": "hi"}).status_code == 400
    stub_issue(jira_http)
    page = client.get("/issues/ACME-1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    jira_http.post(f"{API}/issue/ACME-1/comment", status=201, json={"id": "9"})
    response = client.post(COMMENTS, data={"body": "hi", "csrf_token": token, "once": form_token(page, COMMENTS)})
    assert response.status_code == 302


def test_search_shows_jiras_message_for_bad_jql(client, jira_http):
    message = "Error in the JQL Query: Expecting operator but got 'foo'. (line 1, character 9)"
    stub_parse(jira_http)  # the check passed it; the search itself refuses it
    jira_http.post(f"{API}/search/jql", status=400, json={"errorMessages": [message], "errors": {}})
    response = client.get("/search", query_string={"jql": "project foo"})
    assert response.status_code == 400
    assert "Expecting operator but got &#39;foo&#39;" in response.get_data(as_text=True)


def test_search_refuses_overlong_jql_without_calling(client, jira_http):
    assert client.get("/search", query_string={"jql": "x" * 20_001}).status_code == 400
    assert len(jira_http.calls) == 0


def test_project_page_pages_with_server_side_tokens(client, jira_http):
    jql = 'project = "ACME" ORDER BY created DESC'
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"], "tok-b"), match=[matchers.json_params_matcher({"jql": jql, "maxResults": 50}, strict_match=False)])
    jira_http.post(f"{API}/search/approximate-count", json={"count": 120}, match=[matchers.json_params_matcher({"jql": jql})])
    jira_http.get(f"{API}/mypermissions", json={"permissions": {"CREATE_ISSUES": {"havePermission": True}}})
    first = client.get("/projects/ACME").get_data(as_text=True)
    assert "About 120 issues" in first and "Acme" in first and "page=1" in first and "tok-b" not in first
    assert len(jira_http.calls) == 3

    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-2"]), match=[matchers.json_params_matcher({"jql": jql, "nextPageToken": "tok-b"}, strict_match=False)])
    second = client.get("/projects/ACME?page=1").get_data(as_text=True)
    assert "ACME-2" in second and "Previous" in second
    assert len(jira_http.calls) == 4  # the count and the permission came from the session


def test_unknown_page_number_starts_over(client, jira_http):
    response = client.get("/projects/ACME?page=7&status=done")
    assert response.status_code == 302 and response.headers["Location"] == "/projects/ACME?status=done"


@pytest.mark.parametrize(
    "query, clause",
    [
        ({"status": "done"}, 'statusCategory = "Done"'),
        ({"mine": "1"}, "assignee = currentUser()"),
        ({"q": 'x" OR project = "SECRET'}, 'text ~ "x\\" OR project = \\"SECRET"'),
        ({"q": "back\\slash"}, 'text ~ "back\\\\slash"'),
    ],
)
def test_quick_filters_build_escaped_jql(client, jira_http, query, clause):
    jira_http.post(f"{API}/search/jql", json=issues_page([]))
    jira_http.post(f"{API}/search/approximate-count", json={"count": 0})
    client.get("/projects/ACME", query_string=query)
    import json

    jql = json.loads(jira_http.calls[0].request.body)["jql"]
    assert jql.startswith('project = "ACME" AND ') and clause in jql and jql.endswith("ORDER BY created DESC")


def test_unknown_pages_and_methods_get_error_pages(client):
    assert client.get("/nope").status_code == 404
    assert client.get("/issues/ACME-1/comments").status_code == 405


def test_an_oversized_post_is_refused(client, jira_http):
    response = client.post("/issues/ACME-1/comments", data={"body": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert len(jira_http.calls) == 0


def test_a_comment_without_its_one_time_token_is_refused_and_kept(client, jira_http):
    stub_issue(jira_http)
    response = client.post(COMMENTS, data={"body": "From a stale tab"})
    assert response.status_code == 409
    assert "From a stale tab</textarea>" in response.get_data(as_text=True)
    assert all(call.request.method == "GET" for call in jira_http.calls)


def test_the_same_comment_form_sent_twice_posts_once(app, client, jira_http):
    jira_http.post(f"{API}/issue/ACME-1/comment", status=201, json={"id": "778", "body": {}})
    form = {"body": "Only once", "once": once_token(app, COMMENTS)}
    first, second = client.post(COMMENTS, data=form), client.post(COMMENTS, data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(jira_http.calls) == 1


@pytest.mark.parametrize("editmeta, offered", [
    (None, {"Edit", "Assign to me", "Add label", "/priority"}),  # Jira did not say: offer, Jira judges
    ({"fields": {}}, set()),  # may read, may not edit
    ({"fields": {"labels": {}}}, {"Edit", "Add label"}),
])
def test_edit_controls_follow_editmeta(client, jira_http, editmeta, offered):
    body = {**ISSUE, **({"editmeta": editmeta} if editmeta is not None else {})}
    stub_issue(jira_http, body=body)
    html = client.get("/issues/ACME-1").get_data(as_text=True)
    controls = {"Edit": ">Edit</a>", "Assign to me": "Assign to me", "Add label": 'placeholder="Add label"',
                "/priority": "/issues/ACME-1/priority"}
    assert {name for name, marker in controls.items() if marker in html} == offered


def test_each_editable_detail_links_its_inline_form_as_url_for_does(app, client, jira_http):
    odd = "cf x&y=1/é"  # an id Jira would not use, that needs quoting all the same
    fields = {**ISSUE["fields"], "customfield_10016": 5, odd: "text"}
    body = {**ISSUE, "fields": fields, "names": {"customfield_10016": "Story points", odd: "Odd"},
            "editmeta": {"fields": {"customfield_10016": {}, odd: {}}}}
    stub_issue(jira_http, body=body)
    html = client.get("/issues/ACME-1").get_data(as_text=True)
    links = [unescape(link) for link in re.findall(r'data-inline-form="([^"]*)"', html)]
    asked = [parse_qs(urlsplit(link).query)["only"] for link in links if urlsplit(link).path == "/issues/ACME-1/edit"]
    assert ["customfield_10016"] in asked and [odd] in asked
    with app.test_request_context():
        assert url_for("issues.edit", key="ACME-1", only="customfield_10016") in links
