"""Finding work against stubbed Jira: Your work, the checked search, filters, quick search, columns.

Each test pins which calls a page makes (``responses`` fails on an unexpected or unused one).
"""

from __future__ import annotations

import json
import re

import pytest
from responses import matchers

from tests.support.forms import form_data, form_token, page
from tests.support.stubs import API, issues_page, parsed, stub_parse

MINE = "a1"
FILTER = {"id": "10100", "name": "Bugs <b>now</b>", "jql": "project = ACME AND type = Bug",
          "owner": {"accountId": "b2", "displayName": "Bea <i>Bee</i>"}, "favourite": True,
          "sharePermissions": [{"id": 1, "type": "global"}]}


def sent(call) -> dict:
    return json.loads(call.request.body)


# -- Your work ---------------------------------------------------------------------------------------

def stub_home(jira_http, **statuses):
    for name, clause in (("assigned", "assignee = currentUser()"), ("reported", "reporter = currentUser()"),
                         ("watched", "watcher = currentUser()")):
        def match(request, clause=clause):
            return clause in json.loads(request.body)["jql"], clause
        if name in statuses:
            jira_http.post(f"{API}/search/jql", status=statuses[name], json={"errorMessages": ["nope"], "errors": {}},
                           match=[match])
        else:
            jira_http.post(f"{API}/search/jql", json=issues_page([f"ACME-{len(name)}"], "more"), match=[match])


def test_your_work_is_three_searches_and_no_more(client, jira_http):
    stub_home(jira_http)
    html = page(client, "/")
    assert len(jira_http.calls) == 3
    bodies = [sent(call) for call in jira_http.calls]
    assert all(body["maxResults"] == 6 and "ORDER BY updated DESC" in body["jql"] for body in bodies)
    assert "statusCategory != Done" in bodies[0]["jql"]
    assert [h for h in re.findall(r'<h2 id="work-\w+">([^<]+)', html)] == [
        "Assigned to me", "Reported by me", "Watched by me", "Recently viewed"]
    assert html.count("See all") == 4
    assert "/search?jql=watcher+%3D+currentUser()+ORDER+BY+updated+DESC" in html


def test_a_list_jira_refuses_says_so_and_the_others_show(client, jira_http):
    stub_home(jira_http, watched=400)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count(">ACME-8<") == 4 and html.count("Jira refused the request") == 1  # key and summary, in two lists


@pytest.mark.parametrize("status, shown", [(503, 503), (429, 503), (500, 502)])
def test_when_no_list_can_be_had_the_page_is_jiras_error(client, jira_http, status, shown):
    stub_home(jira_http, assigned=status, reported=status, watched=status)
    jira_http.assert_all_requests_are_fired = False  # reads may be retried
    assert client.get("/").status_code == shown


def test_recently_viewed_issues_come_from_the_app_not_jira(client, jira_http):
    for n in range(1, 23):
        jira_http.get(f"{API}/issue/ACME-{n}", json={"id": str(n), "key": f"ACME-{n}", "fields": {"summary": f"Issue <{n}>"}})
        page(client, f"/issues/ACME-{n}")
    page(client, "/issues/ACME-5")  # seen again: first, and only once
    calls = len(jira_http.calls)
    recent = page(client, "/recent")
    assert len(jira_http.calls) == calls
    keys = re.findall(r'<td class="key"><a href="/issues/(ACME-\d+)"', recent)
    assert keys == ["ACME-5"] + [f"ACME-{n}" for n in range(22, 2, -1) if n != 5]
    assert len(keys) == 20 and "Issue &lt;5&gt;" in recent


# -- the search page -----------------------------------------------------------------------------------

def test_jiras_objections_are_shown_under_the_box_and_nothing_runs(client, jira_http):
    query = 'project = NOPE AND summary ~ "<b>"'
    jira_http.post(f"{API}/jql/parse", json=parsed(query, "The value 'NOPE' does not exist for the field 'project'."),
                   match=[matchers.query_param_matcher({"validation": "strict"}),
                          matchers.json_params_matcher({"queries": [query]})])
    response = client.get("/search", query_string={"jql": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and len(jira_http.calls) == 1
    assert "The value &#39;NOPE&#39; does not exist" in html
    assert 'aria-invalid="true"' in html and "summary ~ &#34;&lt;b&gt;&#34;</textarea>" in html


def test_a_query_is_checked_once_then_pages_and_sorts_without_asking_again(client, jira_http):
    stub_parse(jira_http)
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"], "t1"))
    first = page(client, "/search?jql=project+%3D+ACME")
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-2"]))
    page(client, "/search?jql=project+%3D+ACME&page=1")
    assert [c.request.url.rsplit("/", 1)[1] for c in jira_http.calls] == ["parse?validation=strict", "jql", "jql"]
    assert 'href="/search?jql=project+%3D+ACME+ORDER+BY+updated+DESC"' in first  # dates sort newest first


def test_a_check_jira_cannot_answer_lets_the_search_speak(client, jira_http):
    jira_http.post(f"{API}/jql/parse", status=404, json={"errorMessages": ["null for uri"], "errors": {}})
    jira_http.post(f"{API}/search/jql", status=400, json={"errorMessages": ["Field 'x' does not exist."], "errors": {}})
    response = client.get("/search?jql=x+%3D+1")
    assert response.status_code == 400 and "Field &#39;x&#39; does not exist." in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    'summary ~ "quote\\" and \\\\ backslash" AND text ~ "ünï ✓"',
    "x" * 10_000,
    "summary ~ \"nul\x00 bell\x07 tab\t\"",
])
def test_awkward_queries_go_to_jira_as_they_are_and_its_error_is_shown(client, jira_http, query):
    jira_http.post(f"{API}/jql/parse", json=parsed(query, "Error in the JQL Query: something."),
                   match=[matchers.json_params_matcher({"queries": [query]})])
    response = client.post("/search", data={"jql": query})
    assert response.status_code == 400 and "Error in the JQL Query: something." in response.get_data(as_text=True)


def test_sort_headers_rewrite_order_by_and_mark_the_sorted_column(client, jira_http):
    stub_parse(jira_http)
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    html = page(client, "/search?jql=project+%3D+ACME+ORDER+BY+key+ASC")
    assert '<th scope="col" aria-sort="ascending"><a href="/search?jql=project+%3D+ACME+ORDER+BY+key+DESC"' in html
    assert 'href="/search?jql=project+%3D+ACME+ORDER+BY+priority+DESC,+key+ASC"' in html


def test_columns_are_kept_per_person_and_shape_the_list(client, jira_http):
    stub_parse(jira_http)
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    html = page(client, "/search?jql=project+%3D+ACME")
    assert ">Assignee<" in html and ">Created<" not in html
    fields = form_data(html, "/search/columns")
    fields["columns"] = ["created", "type", "nonsense"]
    response = client.post("/search/columns", data=fields)
    assert response.status_code == 302 and response.headers["Location"] == "/search?jql=project+%3D+ACME"
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    html = page(client, "/search?jql=project+%3D+ACME")
    headers = re.findall(r'<th scope="col"[^>]*><a[^>]*>([^<]+)', html)
    assert headers == ["Key", "Summary", "Type", "Created"]


def test_columns_go_back_only_to_this_app(client):
    response = client.post("/search/columns", data={"columns": "status", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


# -- filters ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/search?filter=abc", "/search?filter=-1", "/search?filter=1e3", "/search?filter=%C2%B2",
                                  "/filters/abc/star", "/filters/0x10/star"])
def test_a_filter_id_that_is_not_a_number_is_a_404_with_no_call(client, jira_http, path):
    response = client.post(path) if path.endswith("/star") else client.get(path)
    assert response.status_code == 404 and len(jira_http.calls) == 0


def test_a_filter_jira_cannot_find_is_a_404(client, jira_http):
    jira_http.get(f"{API}/filter/99", status=400, json={"errorMessages": [
        "The selected filter is not available to you, perhaps it has been deleted or had its permissions changed."]})
    assert client.get("/search?filter=99").status_code == 404


def test_opening_a_filter_runs_its_query_without_a_check(client, jira_http):
    jira_http.get(f"{API}/filter/10100", json=FILTER)
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-9"]),
                   match=[matchers.json_params_matcher({"jql": FILTER["jql"]}, strict_match=False)])
    html = page(client, "/search?filter=10100")
    assert len(jira_http.calls) == 2
    assert "<h1>Bugs &lt;b&gt;now&lt;/b&gt;</h1>" in html and "by Bea &lt;i&gt;Bee&lt;/i&gt;" in html
    assert 'aria-pressed="true"' in html and "ACME-9" in html
    assert 'action="/filters/new"' not in html  # it is saved already


def test_the_filters_page_lists_favourites_and_names_other_owners(client, jira_http):
    mine = {**FILTER, "id": "10101", "name": "Mine", "owner": {"accountId": MINE, "displayName": "Me"}, "favourite": False}
    jira_http.get(f"{API}/filter/favourite", json=[FILTER])
    jira_http.get(f"{API}/filter/search", json={"startAt": 0, "maxResults": 25, "total": 2, "isLast": True,
                                                "values": [FILTER, mine]},
                  match=[matchers.query_param_matcher({"expand": "description,owner,jql,favourite,sharePermissions",
                                                       "orderBy": "name", "startAt": "0", "maxResults": "25"})])
    jira_http.get(f"{API}/myself", json={"accountId": MINE, "displayName": "Me"})
    html = page(client, "/filters")
    assert html.count("shared by Bea &lt;i&gt;Bee&lt;/i&gt;") == 2 and "shared by Me" not in html
    assert 'href="/search?filter=10101"' in html


def test_saving_a_search_as_a_filter(client, jira_http):
    html = page(client, "/filters/new?jql=project+%3D+ACME")
    jira_http.post(f"{API}/filter", json={**FILTER, "id": "10200", "name": "Acme"},
                   match=[matchers.json_params_matcher({"name": "Acme", "jql": "project = ACME"})])
    response = client.post("/filters/new", data={**form_data(html, "/filters/new"), "name": " Acme "})
    assert response.status_code == 302 and response.headers["Location"] == "/search?filter=10200"


def test_a_failed_save_keeps_the_name_and_the_query(client, jira_http):
    query = 'summary ~ "ünï \\"q\\"" AND nope = 1'
    html = page(client, "/filters/new")
    jira_http.post(f"{API}/filter", status=400, json={"errorMessages": [], "errors": {
        "filterName": "Filter with same name already exists.", "jql": "Field 'nope' does not exist."}})
    response = client.post("/filters/new", data={**form_data(html, "/filters/new"), "name": "Mine <3", "jql": query})
    again = response.get_data(as_text=True)
    assert response.status_code == 400 and len(jira_http.calls) == 1
    assert 'value="Mine &lt;3"' in again and "ünï \\&#34;q\\&#34;&#34; AND nope = 1</textarea>" in again
    assert "Filter with same name already exists." in again and "Field &#39;nope&#39; does not exist." in again
    assert form_token(again, "/filters/new") != form_data(html, "/filters/new")["once"]  # a fresh token to try again


def test_a_save_jira_never_answered_is_not_sent_twice(client, jira_http):
    import requests

    html = page(client, "/filters/new?jql=project+%3D+ACME")
    data = {**form_data(html, "/filters/new"), "name": "Acme"}
    jira_http.post(f"{API}/filter", body=requests.ConnectionError("dropped"))
    first = client.post("/filters/new", data=data)
    assert first.status_code == 503 and "Acme" in first.get_data(as_text=True)
    second = client.post("/filters/new", data=data)
    assert second.status_code == 409 and len(jira_http.calls) == 1


def test_starring_and_unstarring(client, jira_http):
    jira_http.get(f"{API}/filter/10100", json={**FILTER, "favourite": False})
    jira_http.post(f"{API}/search/jql", json=issues_page([]))
    html = page(client, "/search?filter=10100")
    data = form_data(html, "/filters/10100/star")
    assert data["starred"] == "1" and data["next"] == "/search?filter=10100"
    jira_http.put(f"{API}/filter/10100/favourite", json=FILTER)
    response = client.post("/filters/10100/star", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/search?filter=10100"
    again = client.post("/filters/10100/star", data=data)  # the same form again: not sent twice
    assert again.status_code == 302 and [c.request.method for c in jira_http.calls].count("PUT") == 1

    jira_http.get(f"{API}/filter/10100", json=FILTER)
    jira_http.post(f"{API}/search/jql", json=issues_page([]))
    data = form_data(page(client, "/search?filter=10100"), "/filters/10100/star")
    jira_http.delete(f"{API}/filter/10100/favourite", json={**FILTER, "favourite": False})
    assert data["starred"] == "0" and client.post("/filters/10100/star", data=data).status_code == 302


# -- quick search and the JQL box's helpers ------------------------------------------------------------

@pytest.mark.parametrize("typed, location", [
    ("acme-12", "/issues/ACME-12"),
    ("  OPS-3 ", "/issues/OPS-3"),
    ('login "fails" \\ now', "/search?jql=text+~+%22login+%5C%22fails%5C%22+%5C%5C+now%22+ORDER+BY+updated+DESC"),
    ("ACME-0", "/search?jql=text+~+%22ACME-0%22+ORDER+BY+updated+DESC"),
    ("", "/search"),
])
def test_quick_search_opens_an_issue_or_searches_text_without_calling_jira(client, jira_http, typed, location):
    response = client.get("/search/quick", query_string={"q": typed})
    assert response.status_code == 302 and response.headers["Location"] == location
    assert len(jira_http.calls) == 0


def test_quick_search_offers_and_opens_recent_projects(client, jira_http):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-1"]))
    jira_http.post(f"{API}/search/approximate-count", json={"count": 1})
    page(client, "/projects/ACME")
    assert '<option value="ACME">Acme (recent project)</option>' in page(client, "/recent")
    assert client.get("/search/quick?q=acme").headers["Location"] == "/projects/ACME"


def test_the_reference_data_is_asked_for_once_per_person(client, jira_http):
    jira_http.get(f"{API}/jql/autocompletedata", json={
        "visibleFieldNames": [{"value": "status", "displayName": "Status", "orderable": "true", "searchable": "true",
                               "operators": ["=", "in"], "types": ["com.atlassian.jira.issue.status.Status"]}],
        "visibleFunctionNames": [{"value": "currentUser()", "displayName": "currentUser()", "types": ["x"]}],
        "jqlReservedWords": ["and", "or"]})
    first = client.get("/search/jql/reference").get_json()
    second = client.get("/search/jql/reference").get_json()
    assert first == second and len(jira_http.calls) == 1
    assert first["fields"] == [{"value": "status", "name": "Status", "operators": ["=", "in"], "orderable": True,
                                "types": ["com.atlassian.jira.issue.status.Status"]}]


def test_suggested_values_come_quoted_as_jql_needs_them(client, jira_http):
    jira_http.get(f"{API}/jql/autocompletedata/suggestions", json={"results": [
        {"value": "In Progress", "displayName": "<b>In</b> Progress"},
        {"value": "Done", "displayName": "Done &amp; <b>dusted</b>"},
        {"value": '"To Do"', "displayName": "To Do"}]},
        match=[matchers.query_param_matcher({"fieldName": "status", "fieldValue": "in"})])
    found = client.get("/search/jql/values?field=status&typed=in").get_json()
    assert found == [{"insert": '"In Progress"', "text": "In Progress"}, {"insert": "Done", "text": "Done & dusted"},
                     {"insert": '"To Do"', "text": "To Do"}]


@pytest.mark.parametrize("args, order", [
    ({"sort": "priority", "dir": "desc"}, "ORDER BY priority DESC, created DESC"),
    ({"sort": "key"}, "ORDER BY key ASC, created DESC"),
    ({"sort": "created", "dir": "asc"}, "ORDER BY created ASC"),
    ({"sort": "key) OR project = SECRET ORDER BY (key", "dir": "desc"}, "ORDER BY created DESC"),  # not a column
])
def test_project_lists_sort_by_a_column_from_the_table_only(client, jira_http, args, order):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    jira_http.post(f"{API}/search/approximate-count", json={"count": 1})
    html = page(client, "/projects/ACME?" + "&".join(f"{k}={v}" for k, v in args.items()))
    assert sent(jira_http.calls[0])["jql"] == f'project = "ACME" {order}'
    assert not re.search(r"<th[^>]*><a href=\"[^\"]*SECRET", html)  # nor in the header links


def test_a_project_lists_headers_keep_its_filters_and_turn_the_order_round(client, jira_http):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-3"]))
    jira_http.post(f"{API}/search/approximate-count", json={"count": 1})
    html = page(client, "/projects/ACME?mine=1&sort=priority&dir=desc")
    assert '<th scope="col" aria-sort="descending"><a href="/projects/ACME?mine=1&amp;sort=priority&amp;dir=asc"' in html
    assert 'href="/projects/ACME?mine=1&amp;sort=updated&amp;dir=desc"' in html
    assert '<input type="hidden" name="sort" value="priority">' in html  # the filter form keeps the order
