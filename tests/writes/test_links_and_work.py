"""Links, watchers and the work log against the sandbox, in both modes: what Jira ends up holding,
what the pages show, one write per submit, and what was typed kept when Jira or the app refuses."""

from __future__ import annotations

import re

import pytest

from tests.support.apps import single_user_app
from tests.support.forms import form_data, page
from tests.support.sandbox import admin_get, jira_calls, reset_stats, set_faults, writes
from tests.support.writers import Writer

LINK_NEW = "/issues/OPS-9/links/new"
LOG_WORK = "/issues/OPS-24/worklog/new"


@pytest.fixture
def bob(sandbox, tmp_path) -> Writer:
    """bob: he may browse OPS and WEB, and only read WEB."""
    app = single_user_app(sandbox, tmp_path, user="bob")
    return Writer("single_user", app, app.test_client())


def jira_paths(sandbox) -> list[tuple[str, str]]:
    """Return (method, path) of the Jira REST calls the sandbox saw, gateway prefix dropped."""
    return [(r["method"], r["path"].split("/rest/api/3/", 1)[1]) for r in jira_calls(sandbox) for _ in range(r["count"])
            if "/rest/api/3/" in r["path"]]


def link_keys(sandbox, key: str) -> list[tuple[str, str]]:
    """Return (phrase, other key) of an issue's links as Jira holds them."""
    found = []
    for link in admin_get(sandbox, f"issue/{key}", fields="issuelinks")["fields"]["issuelinks"]:
        side = "outwardIssue" if "outwardIssue" in link else "inwardIssue"
        found.append((link["type"]["outward" if side == "outwardIssue" else "inward"], link[side]["key"]))
    return found


def history_fields(sandbox, key: str) -> list[tuple[str, str | None]]:
    return [(i["field"], i["toString"]) for h in admin_get(sandbox, f"issue/{key}/changelog")["values"] for i in h["items"]]


def test_the_issue_page_is_one_call_with_its_links_subtasks_watchers_and_time(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/issues/ACME-73")
    assert jira_paths(sandbox) == [("GET", "issue/{issueIdOrKey}")]
    assert "Subtasks" in html and "(0 of 2 done)" in html and "ACME-91" in html and "ACME-106" in html
    assert 'id="watchers"' in html and "2 watching" in html and 'id="time-tracking"' in html
    assert 'href="/issues/ACME-36">ACME-36</a>' in html  # the epic above it, from the same call
    assert "Show web links" in html and "Linked issues" in html


def test_a_subtask_shows_its_parent_and_the_parents_parent_with_one_more_small_call(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/issues/ACME-81")
    crumbs = html[html.index('class="crumbs hierarchy"'):]
    crumbs = crumbs[:crumbs.index("</nav>")]
    assert crumbs.index("ACME-70") < crumbs.index("ACME-80") < crumbs.index("ACME-81")
    assert jira_paths(sandbox) == [("GET", "issue/{issueIdOrKey}"), ("GET", "issue/{issueIdOrKey}")]


def test_web_links_cost_one_call_when_asked_for_and_only_web_addresses_are_links(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/issues/ACME-3?weblinks=1")
    assert jira_paths(sandbox) == [("GET", "issue/{issueIdOrKey}"), ("GET", "issue/{issueIdOrKey}/remotelink")]
    assert 'href="javascript:' not in html and "&lt;b&gt;Click me&lt;/b&gt;" in html
    assert re.search(r'<a href="https://[^"]+" rel="noopener noreferrer nofollow"', html)


def test_linking_by_words_through_the_picker_links_both_issues_once(writer, sandbox):
    summary = admin_get(sandbox, "issue/OPS-11")["fields"]["summary"]
    html = page(writer.client, LINK_NEW)
    assert '<option value="10000:outward">blocks</option>' in html and '<option value="10000:inward">is blocked by</option>' in html
    found = writer.client.post(LINK_NEW, data={**form_data(html, LINK_NEW), "link_type": "10000:inward",
                                               "target": summary, "find": "1"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and 'value="OPS-11"' in html  # a match to choose, nothing sent yet
    assert writes(sandbox, "POST", "/issueLink") == 0
    data = {**form_data(html, LINK_NEW), "choice": "OPS-11"}
    first, second = writer.client.post(LINK_NEW, data=data), writer.client.post(LINK_NEW, data=data)
    assert first.status_code == second.status_code == 302 and first.headers["Location"] == second.headers["Location"]
    assert writes(sandbox, "POST", "/issueLink") == 1
    assert ("is blocked by", "OPS-11") in link_keys(sandbox, "OPS-9")
    assert ("blocks", "OPS-9") in link_keys(sandbox, "OPS-11")  # the other side reads the other way
    html = page(writer.client, "/issues/OPS-9")
    group = html[html.index('<h3 class="link-phrase">is blocked by</h3>'):]
    assert 'href="/issues/OPS-11">OPS-11</a>' in group[:group.index("</ul>")]
    assert ("Link", "This work item is blocked by OPS-11") in history_fields(sandbox, "OPS-9")
    assert ("Link", "This work item blocks OPS-9") in history_fields(sandbox, "OPS-11")


@pytest.mark.parametrize(("target", "jira_says", "status"), [
    ("OPS-9", "You cannot link an issue to itself.", 400),
    ("OPS-99999", "Issue does not exist or you do not have permission to see it.", 404),
    ("ACME-99999", "Issue does not exist or you do not have permission to see it.", 404),
])
def test_jiras_answer_to_a_wrong_target_is_shown_next_to_the_field(writer, sandbox, target, jira_says, status):
    html = page(writer.client, LINK_NEW)
    response = writer.client.post(LINK_NEW, data={**form_data(html, LINK_NEW), "link_type": "10003:outward", "target": target})
    html = response.get_data(as_text=True)
    assert response.status_code == status
    field = html[html.index('id="target"'):]
    assert jira_says in field[:600] and f'value="{target}"' in html
    assert link_keys(sandbox, "OPS-9") == []


def test_a_link_is_removed_from_both_issues(writer, sandbox):
    html = page(writer.client, LINK_NEW)
    writer.client.post(LINK_NEW, data={**form_data(html, LINK_NEW), "link_type": "10003:outward", "target": "OPS-11"})
    link_id = admin_get(sandbox, "issue/OPS-9", fields="issuelinks")["fields"]["issuelinks"][0]["id"]
    html = page(writer.client, "/issues/OPS-9")
    action = f"/issues/OPS-9/links/{link_id}/delete"
    data = form_data(html, action)
    first, second = writer.client.post(action, data=data), writer.client.post(action, data=data)
    assert first.status_code == second.status_code == 302
    assert link_keys(sandbox, "OPS-9") == link_keys(sandbox, "OPS-11") == []
    assert writes(sandbox, "DELETE", "/issueLink/{linkId}") == 1


def test_logging_work_moves_the_time_tracking_and_logs_once(writer, sandbox):
    html = page(writer.client, LOG_WORK)
    data = {**form_data(html, LOG_WORK), "time_spent": "1d 2h 30m", "started_date": "2026-11-20", "started_time": "09:15",
            "comment": "Tuned the **cache**"}
    assert data["adjust"] == "auto"
    first, second = writer.client.post(LOG_WORK, data=data), writer.client.post(LOG_WORK, data=data)
    assert first.status_code == second.status_code == 302
    assert writes(sandbox, "POST", "/worklog") == 1
    tracking = admin_get(sandbox, "issue/OPS-24", fields="timetracking")["fields"]["timetracking"]
    assert tracking["timeSpent"] == "1d 2h 30m" and tracking["remainingEstimate"] == "3d 5h 30m"  # 5d estimate, auto
    entry = admin_get(sandbox, "issue/OPS-24/worklog")["worklogs"][-1]
    assert entry["started"] == "2026-11-20T09:15:00.000+0000" and entry["comment"]["content"][0]["content"][1]["text"] == "cache"
    html = page(writer.client, "/issues/OPS-24")
    box = html[html.index('id="time-tracking"'):]
    assert "1d 2h 30m" in box[:1500] and "3d 5h 30m" in box[:1500]
    html = page(writer.client, "/issues/OPS-24?tab=worklog")
    assert "1d 2h 30m" in html and "<strong>cache</strong>" in html
    assert f'/issues/OPS-24/worklog/{entry["id"]}/edit' in html  # one's own entry


@pytest.mark.parametrize(("typed", "says"), [
    ("1x", "Jira would not understand “1x”"), ("-2h", "cannot be negative"),
    ("99999w", "longer than Jira can record"), ("", "Enter a time"),
])
def test_times_jira_would_refuse_are_refused_here_and_kept(writer, sandbox, typed, says):
    html = page(writer.client, LOG_WORK)
    response = writer.client.post(LOG_WORK, data={**form_data(html, LOG_WORK), "time_spent": typed, "comment": "keep me"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in html and f'value="{typed}"' in html and "keep me</textarea>" in html
    assert writes(sandbox, "POST", "/worklog") == 0


def test_the_remaining_estimate_choices_reach_jira(writer, sandbox):
    html = page(writer.client, "/issues/OPS-10/worklog/new")
    base = {**form_data(html, "/issues/OPS-10/worklog/new"), "time_spent": "2h"}
    response = writer.client.post("/issues/OPS-10/worklog/new", data={**base, "adjust": "new", "new_estimate": ""})
    assert response.status_code == 400 and "Enter the new remaining estimate" in response.get_data(as_text=True)
    response = writer.client.post("/issues/OPS-10/worklog/new", data={**base, "adjust": "new", "new_estimate": "3h"})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-10", fields="timetracking")["fields"]["timetracking"]["remainingEstimate"] == "3h"
    html = page(writer.client, "/issues/OPS-10/worklog/new")
    response = writer.client.post("/issues/OPS-10/worklog/new", data={
        **form_data(html, "/issues/OPS-10/worklog/new"), "time_spent": "1h", "adjust": "manual", "reduce_by": "30m"})
    assert response.status_code == 302
    assert admin_get(sandbox, "issue/OPS-10", fields="timetracking")["fields"]["timetracking"]["remainingEstimate"] == "2h 30m"


def test_ones_own_entry_is_changed_and_deleted(writer, sandbox):
    html = page(writer.client, LOG_WORK)
    writer.client.post(LOG_WORK, data={**form_data(html, LOG_WORK), "time_spent": "2h"})
    entry_id = admin_get(sandbox, "issue/OPS-24/worklog")["worklogs"][-1]["id"]
    action = f"/issues/OPS-24/worklog/{entry_id}/edit"
    data = form_data(page(writer.client, action), action)
    assert data["time_spent"] == "2h"
    response = writer.client.post(action, data={**data, "time_spent": "3h", "comment": "More than I thought", "adjust": "leave"})
    assert response.status_code == 302
    entry = admin_get(sandbox, f"issue/OPS-24/worklog/{entry_id}")
    assert entry["timeSpent"] == "3h"
    tracking = admin_get(sandbox, "issue/OPS-24", fields="timetracking")["fields"]["timetracking"]
    assert tracking["timeSpent"] == "3h" and tracking["remainingEstimate"] == "4d 6h"  # auto took 2h, leave kept it

    action = f"/issues/OPS-24/worklog/{entry_id}/delete"
    data = {**form_data(page(writer.client, action), action), "adjust": "auto"}
    first, second = writer.client.post(action, data=data), writer.client.post(action, data=data)
    assert first.status_code == second.status_code == 302
    assert writes(sandbox, "DELETE", "/worklog/{id}") == 1
    tracking = admin_get(sandbox, "issue/OPS-24", fields="timetracking")["fields"]["timetracking"]
    assert tracking["remainingEstimate"] == "5d 1h" and "timeSpent" not in tracking or tracking.get("timeSpentSeconds") == 0


def test_a_503_while_logging_keeps_what_was_typed_and_sends_once(writer, sandbox):
    html = page(writer.client, LOG_WORK)
    set_faults(sandbox, {"path": r"/worklog$", "method": "POST", "status": 503})
    response = writer.client.post(LOG_WORK, data={**form_data(html, LOG_WORK), "time_spent": "4h", "comment": "Do not lose this"})
    set_faults(sandbox)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and 'value="4h"' in html and "Do not lose this</textarea>" in html
    assert writes(sandbox, "POST", "/worklog") == 1


def test_watching_and_not_watching_oneself(writer, sandbox):
    html = page(writer.client, "/issues/OPS-9")
    assert "1 watching" in html and "Watch</button>" in html
    response = writer.client.post("/issues/OPS-9/watch", data=form_data(html, "/issues/OPS-9/watch"))
    assert response.status_code == 302
    html = page(writer.client, "/issues/OPS-9")
    assert "2 watching" in html and "Stop watching</button>" in html
    assert "Ada Admin" in page(writer.client, "/issues/OPS-9/watchers")
    writer.client.post("/issues/OPS-9/watch", data=form_data(html, "/issues/OPS-9/watch"))
    assert admin_get(sandbox, "issue/OPS-9/watchers")["watchCount"] == 1


def add_label(client, key: str, label: str) -> None:
    action = f"/issues/{key}/labels"
    assert client.post(action, data={**form_data(page(client, action), action), "add": label}).status_code == 302


def test_history_lists_who_changed_what_paged(writer, sandbox):
    before = " ".join(admin_get(sandbox, "issue/OPS-9")["fields"]["labels"])
    add_label(writer.client, "OPS-9", "history-check")
    html = page(writer.client, "/issues/OPS-9?tab=history")
    assert 'aria-current="page">History' in html
    assert f"<td>Labels</td><td>{before or '—'}</td><td>{(before + ' history-check').strip()}</td>" in html
    assert re.search(r"Ada Admin(</span>)+ made changes", html)
    for n in range(26):  # past one page of history
        add_label(writer.client, "OPS-9", f"l{n}")
    reset_stats(sandbox)
    html = page(writer.client, "/issues/OPS-9?tab=history")
    assert jira_paths(sandbox) == [("GET", "issue/{issueIdOrKey}"), ("GET", "issue/{issueIdOrKey}/changelog")]
    assert "1–25 of 27" in html and "tab=history&amp;start=25" in html
    assert "26–27 of 27" in page(writer.client, "/issues/OPS-9?tab=history&start=25")


def test_the_all_tab_costs_no_extra_call(writer, sandbox):
    reset_stats(sandbox)
    html = page(writer.client, "/issues/WEB-3?tab=all")
    assert jira_paths(sandbox) == [("GET", "issue/{issueIdOrKey}")]
    assert "activity-history" in html and "activity-worklog" in html


def test_a_subtask_is_created_from_its_parent(writer, sandbox):
    html = page(writer.client, "/issues/OPS-9")
    assert 'href="/projects/OPS/issues/new?subtask=1&amp;parent=OPS-9"' in html
    response = writer.client.get("/projects/OPS/issues/new?subtask=1&parent=OPS-9")
    assert response.status_code == 302 and response.headers["Location"] == "/projects/OPS/issues/new?type=10005&parent=OPS-9"
    action = "/projects/OPS/issues/new?type=10005"
    data = form_data(page(writer.client, response.headers["Location"]), action)
    assert data["parent"] == "OPS-9"
    response = writer.client.post(action, data={**data, "summary": "A piece of OPS-9"})
    assert response.status_code == 302
    html = page(writer.client, "/issues/OPS-9")
    assert "A piece of OPS-9" in html and "(0 of 1 done)" in html


def test_the_children_of_an_epic_are_listed(writer, sandbox):
    html = page(writer.client, "/issues/ACME-70/children")
    assert "ACME-80" in html and "ACME-75" in html and "ACME-81" not in html


def test_bob_may_watch_what_he_may_only_read_but_not_link_it_or_log_work(bob, sandbox):
    html = page(bob.client, "/issues/WEB-1")
    assert "Link an issue" not in html and "Log work" not in html and "Create subtask" not in html

    def bob_watches() -> bool:
        return any(w["displayName"] == "Bob Brown" for w in admin_get(sandbox, "issue/WEB-1/watchers")["watchers"])

    before = bob_watches()
    assert ("Stop watching</button>" if before else "Watch</button>") in html
    response = bob.client.post("/issues/WEB-1/watch", data=form_data(html, "/issues/WEB-1/watch"))
    assert response.status_code == 302 and bob_watches() is not before

    html = page(bob.client, "/issues/WEB-1/links/new")
    response = bob.client.post("/issues/WEB-1/links/new", data={**form_data(html, "/issues/WEB-1/links/new"),
                                                                 "link_type": "10003:outward", "target": "OPS-9"})
    assert response.status_code == 404 and "No Link Issue Permission for issue" in response.get_data(as_text=True)
    html = page(bob.client, "/issues/WEB-1/worklog/new")
    response = bob.client.post("/issues/WEB-1/worklog/new", data={**form_data(html, "/issues/WEB-1/worklog/new"), "time_spent": "1h"})
    assert response.status_code == 400
    assert "You do not have the permission to associate a worklog to this issue." in response.get_data(as_text=True)
    assert link_keys(sandbox, "WEB-1") == [] and admin_get(sandbox, "issue/WEB-1/worklog")["total"] == 0


def test_a_tab_whose_call_fails_says_so_in_its_section_and_the_issue_stands(single, sandbox):
    set_faults(sandbox, {"path": r"/changelog$", "status": 500})
    response = single.client.get("/issues/OPS-9?tab=history")
    set_faults(sandbox)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "OPS-9" in html and 'id="comments"' not in html  # comments: their own tab
    section = html[html.index('id="activity"'):html.index("</section>", html.index('id="activity"'))]
    assert "Jira had a problem" in section
