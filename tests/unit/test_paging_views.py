"""Paging and odd answers on the reading pages: comment pages, page tokens, counts, bad bodies."""

from __future__ import annotations

import json
import re

import pytest
from responses import matchers

from jira_client.web.lists import MAX_PAGES
from tests.support.forms import form_token, once_token
from tests.support.stubs import API, ISSUE, issues_page, stub_parse


def comment(n: int) -> dict:
    return {"id": str(1000 + n), "author": {"accountId": "a1", "displayName": "Ada"}, "created": "2026-11-01T11:00:00.000+0000",
            "body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": f"note {n}"}]}]}}


def issue_with_comments(total: int, embedded: int) -> dict:
    fields = {**ISSUE["fields"], "comment": {"comments": [comment(n) for n in range(embedded)], "startAt": 0,
                                            "maxResults": embedded, "total": total}}
    return {**ISSUE, "fields": fields}


def comment_page(start: int, total: int, size: int = 50) -> dict:
    shown = range(start, min(start + size, total))
    return {"startAt": start, "maxResults": size, "total": total, "comments": [comment(n) for n in shown]}


def shown_notes(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"note (\d+)", html)]


def test_the_last_comment_page_holds_the_newest_comment(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(66, 50))
    jira_http.get(f"{API}/issue/ACME-1/comment", json=comment_page(50, 66),
                  match=[matchers.query_param_matcher({"startAt": "50", "maxResults": "50", "orderBy": "created"})])
    html = client.get("/issues/ACME-1?comments=last&order=oldest").get_data(as_text=True)
    assert shown_notes(html) == list(range(50, 66))
    assert "Earlier comments" in html and "Later comments" not in html


def test_every_comment_is_reachable_when_jira_embeds_only_a_few(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(65, 20))
    jira_http.get(f"{API}/issue/ACME-1/comment", json=comment_page(0, 65), match=[matchers.query_param_matcher({"startAt": "0"}, strict_match=False)])
    jira_http.get(f"{API}/issue/ACME-1/comment", json=comment_page(50, 65), match=[matchers.query_param_matcher({"startAt": "50"}, strict_match=False)])
    first = client.get("/issues/ACME-1?order=oldest").get_data(as_text=True)
    second = client.get("/issues/ACME-1?comments=50").get_data(as_text=True)  # the order is remembered
    assert shown_notes(first) + shown_notes(second) == list(range(65))


def test_a_comment_page_past_the_end_shows_the_last_page(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(30, 30))
    html = client.get("/issues/ACME-1?comments=9999999&order=oldest").get_data(as_text=True)
    assert shown_notes(html) == list(range(30)) and "Earlier comments" not in html
    assert len(jira_http.calls) == 1


def test_comments_come_newest_first_by_default_from_the_issues_own_answer(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(30, 30))
    html = client.get("/issues/ACME-1").get_data(as_text=True)
    assert shown_notes(html) == list(range(29, -1, -1))
    assert html.index('class="comment-form"') < html.index('id="comment-1029"')  # the box above the thread
    assert len(jira_http.calls) == 1


def test_newest_first_pages_ask_jira_in_that_order_when_it_did_not_embed_them(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(66, 50))
    newest = {"startAt": 0, "maxResults": 50, "total": 66, "comments": [comment(n) for n in range(65, 15, -1)]}
    jira_http.get(f"{API}/issue/ACME-1/comment", json=newest,
                  match=[matchers.query_param_matcher({"startAt": "0", "maxResults": "50", "orderBy": "-created"})])
    html = client.get("/issues/ACME-1?comments=last").get_data(as_text=True)  # the page holding the newest: the first
    assert shown_notes(html) == list(range(65, 15, -1))
    assert "Older comments" in html and "Newer comments" not in html


def test_the_chosen_order_is_remembered(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json=issue_with_comments(3, 3))
    assert shown_notes(client.get("/issues/ACME-1?order=oldest").get_data(as_text=True)) == [0, 1, 2]
    assert shown_notes(client.get("/issues/ACME-1").get_data(as_text=True)) == [0, 1, 2]
    assert shown_notes(client.get("/issues/ACME-1?order=newest").get_data(as_text=True)) == [2, 1, 0]


@pytest.mark.parametrize("path", ["/projects?start=%C2%B2", "/projects/ACME?page=%C2%B2", "/search?jql=x&page=%C2%B2",
                                  "/issues/ACME-1?comments=%C2%B2"])
def test_non_ascii_digits_are_not_page_numbers(client, jira_http, path):
    jira_http.get(f"{API}/project/search", json={"values": [], "isLast": True})
    stub_parse(jira_http)
    jira_http.post(f"{API}/search/jql", json=issues_page([]))
    jira_http.post(f"{API}/search/approximate-count", json={"count": 0})
    jira_http.get(f"{API}/issue/ACME-1", json=ISSUE)
    jira_http.assert_all_requests_are_fired = False
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("body", ["", "[]", '"text"'])
@pytest.mark.parametrize("path, method, url", [("/projects", "GET", "project/search"), ("/search?jql=x", "POST", "search/jql")])
def test_a_page_body_that_is_not_an_object_is_a_502(client, jira_http, body, path, method, url):
    stub_parse(jira_http)
    jira_http.assert_all_requests_are_fired = False
    jira_http.add(method, f"{API}/{url}", body=body, content_type="application/json")
    assert client.get(path).status_code == 502


def test_a_date_only_timestamp_renders(client, jira_http):
    jira_http.get(f"{API}/issue/ACME-1", json={**ISSUE, "fields": {**ISSUE["fields"], "updated": "2026-04-28"}})
    assert client.get("/issues/ACME-1").status_code == 200


@pytest.mark.parametrize("status", [404, 429, 500])
def test_a_failing_count_leaves_the_issue_list_up(client, jira_http, status):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    jira_http.post(f"{API}/search/approximate-count", status=status, headers={"Retry-After": "60"})
    response = client.get("/projects/ACME")
    assert response.status_code == 200 and "ACME-3" in response.get_data(as_text=True)
    assert "About" not in response.get_data(as_text=True)


def test_an_unknown_project_is_a_404(client, jira_http):
    jira_http.post(f"{API}/search/jql", status=400,
                   json={"errorMessages": ["The value 'NOPE' does not exist for the field 'project'."], "errors": {}})
    assert client.get("/projects/NOPE").status_code == 404


def test_a_filter_jira_refuses_keeps_the_filter_form(client, jira_http):
    jira_http.post(f"{API}/search/jql", status=400, json={"errorMessages": ["The text query '\\\\' is not valid."], "errors": {}})
    response = client.get("/projects/ACME?q=%5C")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Jira could not run this filter." in html and 'id="q" name="q" value="\\"' in html


def test_going_back_keeps_the_tokens_of_later_pages(client, jira_http):
    def stub(token, keys, next_token):
        def sent_token(request):
            found = json.loads(request.body).get("nextPageToken")
            return found == token, f"token {found!r} is not {token!r}"
        jira_http.post(f"{API}/search/jql", json=issues_page(keys, next_token), match=[sent_token])
    jira_http.post(f"{API}/search/approximate-count", json={"count": 150})
    stub(None, ["ACME-150"], "t1")
    stub("t1", ["ACME-100"], "t2")
    stub("t2", ["ACME-50"], None)
    for path in ["/projects/ACME", "/projects/ACME?page=1", "/projects/ACME?page=2", "/projects/ACME"]:
        assert client.get(path).status_code == 200
    again = client.get("/projects/ACME?page=2")
    assert again.status_code == 200 and "ACME-50" in again.get_data(as_text=True)


def test_no_next_link_past_the_last_page_remembered(client, jira_http):
    jql = 'project = "ACME" ORDER BY created DESC'
    with client.session_transaction() as session:
        from jira_client.web.lists import _listing_id

        session["page_tokens"] = {_listing_id(jql): [f"t{n}" for n in range(MAX_PAGES - 1)]}
        session["counts"] = {_listing_id(jql): [1, 2**31]}
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-1"], "t-more"))
    html = client.get(f"/projects/ACME?page={MAX_PAGES - 1}").get_data(as_text=True)
    assert "Previous" in html and "Next" not in html


def test_the_comment_retry_page_can_be_sent_again(app, client, jira_http):
    import requests

    action = "/issues/ACME-1/comments"
    jira_http.post(f"{API}/issue/ACME-1/comment", body=requests.ConnectionError("down"))
    jira_http.get(f"{API}/issue/ACME-1", body=requests.ConnectionError("down"))
    retry = client.post(action, data={"body": "Still here", "once": once_token(app, action)}).get_data(as_text=True)
    jira_http.replace("POST", f"{API}/issue/ACME-1/comment", status=201, json={"id": "9"})
    response = client.post(action, data={"body": "Still here", "once": form_token(retry, action)})
    assert response.status_code == 302
    assert json.loads(jira_http.calls[-1].request.body)["body"]["content"][0]["content"][0]["text"] == "Still here"
