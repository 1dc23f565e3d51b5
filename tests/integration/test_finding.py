"""Finding work end to end against the sandbox, in both modes: Your work, the checked search, filters,
quick search, columns and recent views kept per person (and never across people), and the faults."""

from __future__ import annotations

import re
import threading

import pytest

from tests.support.apps import single_user_app
from tests.support.forms import form_data, page
from tests.support.oauth import make_oauth_app, sign_in
from tests.support.sandbox import jira_calls, reset_stats, set_faults, writes
from tests.support.writers import MODES, make_writer

KEYS = re.compile(r'href="/issues/([A-Z]+-\d+)"')


@pytest.fixture(params=MODES)
def writer(request, sandbox, tmp_path):
    return make_writer(request.param, sandbox, tmp_path)


def calls(sandbox) -> list[tuple[str, str]]:
    """Return (method, path without the gateway prefix) of every Jira call since the last reset."""
    return sorted((r["method"], r["path"].split("/rest/api/3/")[-1]) for r in jira_calls(sandbox) for _ in range(r["count"])
                  if "/rest/api/3/" in r["path"])


def section(html: str, title: str) -> str:
    return html.split(f">{title}</h2>", 1)[1].split("</section>", 1)[0]


def test_your_work_is_three_searches(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/")
    assert calls(sandbox) == [("POST", "search/jql")] * 3
    for title in ("Assigned to me", "Reported by me", "Watched by me"):
        assert KEYS.search(section(html, title)), title
    assert "Issues you open will be listed here." in section(html, "Recently viewed")


def test_see_all_runs_the_same_query_on_the_search_page(writer):
    html = page(writer.client, "/")
    link = re.search(r'<a href="(/search\?jql=watcher[^"]+)">See all', html).group(1).replace("&amp;", "&")
    watched = page(writer.client, link)
    assert set(KEYS.findall(section(html, "Watched by me"))) <= set(KEYS.findall(watched))


def test_recent_views_follow_the_person_into_a_new_session(writer, sandbox):
    for key in ("ACME-1", "OPS-2", "ACME-3"):
        page(writer.client, f"/issues/{key}")
    other = writer.app.test_client()  # another browser, or a new sign-in: the same person
    if writer.mode == "multi_user":
        sign_in(other, "admin")
    recent = section(page(other, "/"), "Recently viewed")
    assert KEYS.findall(recent)[::2] == ["ACME-3", "OPS-2", "ACME-1"]


def test_recent_views_never_cross_people(sandbox, tmp_path):
    app = make_oauth_app(tmp_path, sandbox.url)
    admin, bob = app.test_client(), app.test_client()
    sign_in(admin, "admin")
    sign_in(bob, "bob")
    page(admin, "/issues/OPS-1")
    page(admin, "/projects/ACME")
    assert "OPS-1" not in section(page(bob, "/"), "Recently viewed")
    assert 'value="ACME"' not in page(bob, "/recent") and 'value="ACME"' in page(admin, "/recent")


@pytest.mark.redis
def test_recent_views_are_shared_by_workers_through_redis(sandbox, tmp_path, redis_client):
    settings = {"SESSION_TYPE": "redis", "SESSION_REDIS": redis_client, "SESSION_KEY_PREFIX": redis_client.test_prefix}
    first, second = (single_user_app(sandbox, tmp_path / name, **settings) for name in ("one", "two"))
    browser = first.test_client()
    page(browser, "/issues/OPS-4")
    cookie = browser.get_cookie("session")
    other = second.test_client()
    other.set_cookie("session", cookie.value)
    assert "OPS-4" in section(page(other, "/"), "Recently viewed")
    assert any(key.startswith(f"{redis_client.test_prefix}person:") for key in map(bytes.decode, redis_client.keys("*")))


@pytest.mark.redis
def test_views_recorded_at_once_by_many_requests_are_all_kept(sandbox, tmp_path, redis_client):
    app = single_user_app(sandbox, tmp_path, SESSION_TYPE="redis", SESSION_REDIS=redis_client,
                          SESSION_KEY_PREFIX=redis_client.test_prefix)
    keys = [f"OPS-{n}" for n in range(1, 9)]
    threads = [threading.Thread(target=lambda key=key: app.test_client().get(f"/issues/{key}")) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(KEYS.findall(page(app.test_client(), "/recent"))[::2]) == sorted(keys)


def test_a_query_is_checked_then_run_then_paged_without_a_second_check(writer, sandbox):
    reset_stats(sandbox)
    first = page(writer.client, "/search?jql=project+%3D+ACME+ORDER+BY+key+ASC")
    assert calls(sandbox) == [("POST", "jql/parse"), ("POST", "search/jql")]
    reset_stats(sandbox)
    page(writer.client, "/search?jql=project+%3D+ACME+ORDER+BY+key+ASC&page=1")
    assert calls(sandbox) == [("POST", "search/jql")]
    assert KEYS.findall(first)[:2] == ["ACME-1", "ACME-1"]


@pytest.mark.parametrize("query, message", [
    ("project = NOPE", "The value &#39;NOPE&#39; does not exist for the field &#39;project&#39;."),
    ('summary ~ "unclosed \\" quote', "has not been completed"),
    ('summary ~ "ünï ✓ \x00 \x07" AND nope = 1', "Field &#39;nope&#39; does not exist"),
    ("x" * 10_000, "Error in the JQL Query"),
])
def test_jiras_errors_come_back_under_the_box_with_the_query(writer, sandbox, query, message):
    reset_stats(sandbox)
    response = writer.client.post("/search", data={"jql": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert calls(sandbox) == [("POST", "jql/parse")]  # refused before it ran


def test_sorting_by_a_column_header(writer):
    html = page(writer.client, "/search?jql=project+%3D+OPS")
    link = re.search(r'<a href="([^"]+)" title="Sort by priority">', html).group(1).replace("&amp;", "&")
    assert "ORDER+BY+priority+DESC" in link
    sorted_page = page(writer.client, link)
    assert 'aria-sort="descending"><a href="/search?jql=project+%3D+OPS+ORDER+BY+priority+ASC"' in sorted_page
    priorities = re.findall(r"<td>(Highest|High|Medium|Low|Lowest)</td>", sorted_page)
    order = ["Highest", "High", "Medium", "Low", "Lowest"]
    assert priorities == sorted(priorities, key=order.index)


def test_columns_follow_the_person(writer):
    html = page(writer.client, "/search?jql=project+%3D+OPS")
    writer.client.post("/search/columns", data={**form_data(html, "/search/columns"), "columns": ["project", "created"]})
    other = writer.app.test_client()
    if writer.mode == "multi_user":
        sign_in(other, "admin")
        bob = writer.app.test_client()
        sign_in(bob, "bob")
        assert ">Assignee</a>" in page(bob, "/search?jql=project+%3D+OPS")  # bob keeps the default columns
    later = page(other, "/search?jql=project+%3D+OPS")
    assert re.findall(r'title="Sort by \w+">(\w+)', later) == ["Key", "Summary", "Project", "Created"]


def test_save_open_star_and_unstar_a_filter(writer, sandbox):
    search = page(writer.client, "/search?jql=project+%3D+OPS+AND+text+~+%22deploy%22")
    reset_stats(sandbox)
    saved = writer.client.post("/filters/new", data={**form_data(search, "/filters/new"), "name": "Deploys ✓"})
    assert saved.status_code == 302 and writes(sandbox, "POST", "/filter") == 1
    opened = page(writer.client, saved.headers["Location"])
    assert "<h1>Deploys ✓</h1>" in opened and 'aria-pressed="false"' in opened
    filter_id = saved.headers["Location"].rsplit("=", 1)[1]

    star = form_data(opened, f"/filters/{filter_id}/star")
    assert writer.client.post(f"/filters/{filter_id}/star", data=star).status_code == 302
    favourites = page(writer.client, "/filters").split('id="all-filters"')[0]
    assert f'href="/search?filter={filter_id}"' in favourites

    unstar = form_data(page(writer.client, f"/search?filter={filter_id}"), f"/filters/{filter_id}/star")
    assert unstar["starred"] == "0" and writer.client.post(f"/filters/{filter_id}/star", data=unstar).status_code == 302
    assert f'filter={filter_id}"' not in page(writer.client, "/filters").split('id="all-filters"')[0]
    assert writes(sandbox, "PUT", "/favourite") == 1 and writes(sandbox, "DELETE", "/favourite") == 1


def test_shared_filters_name_their_owner(writer):
    html = page(writer.client, "/filters")
    assert "ACME bugs" in html and "shared by Alice Anders" in html
    assert "shared by Ada Admin" not in html


def test_a_filter_id_that_is_not_a_number_never_reaches_jira(writer, sandbox):
    reset_stats(sandbox)
    assert writer.client.get("/search?filter=10001%20OR%201").status_code == 404
    assert writer.client.get("/search?filter=99999").status_code == 404  # Jira's 400 for a missing filter
    assert calls(sandbox) == [("GET", "filter/{id}")]


def test_quick_search_opens_issues_searches_text_and_offers_recent_projects(writer):
    assert writer.client.get("/search/quick?q=ops-3").headers["Location"] == "/issues/OPS-3"
    found = writer.client.get("/search/quick", query_string={"q": 'deploy "staging'}, follow_redirects=True)
    assert found.status_code == 200 and "text ~ &#34;deploy \\&#34;staging&#34;" in found.get_data(as_text=True)
    page(writer.client, "/projects/WEB")
    assert '<option value="WEB">Website (recent project)</option>' in page(writer.client, "/")
    assert writer.client.get("/search/quick?q=web").headers["Location"] == "/projects/WEB"


def test_the_jql_boxs_helpers(writer, sandbox):
    reset_stats(sandbox)
    reference = writer.client.get("/search/jql/reference").get_json()
    writer.client.get("/search/jql/reference")
    assert "watcher" in {f["value"] for f in reference["fields"]} and calls(sandbox) == [("GET", "jql/autocompletedata")]
    values = writer.client.get("/search/jql/values?field=status&typed=in+p").get_json()
    assert values == [{"insert": '"In Progress"', "text": "In Progress"}]


# -- faults -----------------------------------------------------------------------------------------------

def test_a_list_jira_fails_leaves_the_rest_of_your_work(writer, sandbox):
    set_faults(sandbox, {"path": "search/jql", "status": 500, "count": 1})
    response = writer.client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Jira had a problem" in section(html, "Assigned to me")
    assert KEYS.search(section(html, "Reported by me"))


def test_your_work_when_jira_is_down_is_a_503(writer, sandbox):
    set_faults(sandbox, {"path": "search/jql", "status": 503, "retry_after": 0})
    assert writer.client.get("/").status_code == 503


def test_a_busy_check_lets_the_search_run(writer, sandbox):
    set_faults(sandbox, {"path": "jql/parse", "status": 429, "retry_after": 0})
    response = writer.client.get("/search?jql=project+%3D+OPS")
    assert response.status_code == 200 and KEYS.search(response.get_data(as_text=True))


def test_a_failed_save_keeps_the_name_and_the_query_and_is_not_retried(writer, sandbox):
    query = 'project = OPS AND summary ~ "ünï \\"q\\""'
    html = page(writer.client, "/filters/new")
    set_faults(sandbox, {"path": "/filter$", "method": "POST", "status": 503, "count": 1})
    reset_stats(sandbox)
    response = writer.client.post("/filters/new", data={**form_data(html, "/filters/new"), "name": "Ops ünï", "jql": query})
    again = response.get_data(as_text=True)
    assert response.status_code == 503 and writes(sandbox, "POST", "/filter") == 1
    assert 'value="Ops ünï"' in again and "summary ~ &#34;ünï \\&#34;q\\&#34;&#34;</textarea>" in again
    retry = writer.client.post("/filters/new", data=form_data(again, "/filters/new"))
    assert retry.status_code == 302 and writes(sandbox, "POST", "/filter") == 2


def test_a_save_jira_refuses_names_the_field(writer, sandbox):
    html = page(writer.client, "/filters/new")
    response = writer.client.post("/filters/new", data={**form_data(html, "/filters/new"), "name": "My open issues",
                                                         "jql": "project = OPS"})
    assert response.status_code == 400 and "Filter with same name already exists." in response.get_data(as_text=True)
