"""The sandbox's links, subtasks, watchers, work logs and history behave as Jira's: both sides of a
link agree, time tracking moves as adjustEstimate says, every change is in the changelog (comments
are not), and permissions hold (bob may watch WEB, not link it or log work on it)."""

from __future__ import annotations

import pytest

ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}
WORK = {"timeSpent": "2h", "started": "2026-11-20T09:00:00.000+0000"}


def links_of(api, key: str, user: str = "admin") -> list[tuple[str, str]]:
    found = []
    for link in api.get(f"issue/{key}?fields=issuelinks", user=user).get_json()["fields"]["issuelinks"]:
        side = "outwardIssue" if "outwardIssue" in link else "inwardIssue"
        found.append((link["type"]["outward" if side == "outwardIssue" else "inward"], link[side]["key"]))
    return found


def tracking(api, key: str) -> dict:
    return api.get(f"issue/{key}?fields=timetracking").get_json()["fields"]["timetracking"]


def items(api, key: str) -> list[tuple[str, str | None, str | None]]:
    return [(i["field"], i["fromString"], i["toString"]) for h in api.get(f"issue/{key}/changelog").get_json()["values"]
            for i in h["items"]]


def test_a_link_is_seen_from_both_issues_the_way_jira_posts_it(api):
    body = {"type": {"name": "Blocks"}, "inwardIssue": {"key": "OPS-9"}, "outwardIssue": {"key": "OPS-11"}}
    assert api.post("issueLink", user="admin", json=body).status_code == 201
    assert api.post("issueLink", user="admin", json=body).status_code == 201  # the same link is not added twice
    assert links_of(api, "OPS-9") == [("blocks", "OPS-11")]
    assert links_of(api, "OPS-11") == [("is blocked by", "OPS-9")]
    link_id = api.get("issue/OPS-9?fields=issuelinks", user="admin").get_json()["fields"]["issuelinks"][0]["id"]
    both = api.get(f"issueLink/{link_id}", user="admin").get_json()
    assert (both["inwardIssue"]["key"], both["outwardIssue"]["key"]) == ("OPS-11", "OPS-9")
    assert ("Link", None, "This work item blocks OPS-11") in items(api, "OPS-9")
    assert api.delete(f"issueLink/{link_id}", user="admin").status_code == 204
    assert links_of(api, "OPS-9") == links_of(api, "OPS-11") == []
    assert ("Link", "This work item is blocked by OPS-9", None) in items(api, "OPS-11")


def test_links_to_issues_one_may_not_see_are_left_out(api):
    body = {"type": {"name": "Relates"}, "inwardIssue": {"key": "OPS-9"}, "outwardIssue": {"key": "ACME-1"}}
    assert api.post("issueLink", user="admin", json=body).status_code == 201
    assert ("relates to", "ACME-1") in links_of(api, "OPS-9", user="admin")
    assert links_of(api, "OPS-9", user="bob") == []  # bob may not browse ACME


def test_bob_may_watch_web_but_not_link_it_or_log_work_there(api):
    assert api.post("issue/WEB-2/watchers", user="bob").status_code == 204
    assert api.get("issue/WEB-2?fields=watches", user="bob").get_json()["fields"]["watches"]["isWatching"] is True
    link = {"type": {"name": "Relates"}, "inwardIssue": {"key": "WEB-2"}, "outwardIssue": {"key": "OPS-9"}}
    answer = api.post("issueLink", user="bob", json=link)
    assert answer.status_code == 404 and answer.get_json()["errorMessages"] == ["No Link Issue Permission for issue 'WEB-2'."]
    answer = api.post("issue/WEB-2/worklog", user="bob", json=WORK)
    assert answer.status_code == 400
    assert api.delete("issue/WEB-2/watchers?accountId=712020:00000000-0000-4000-8000-000000000b0b", user="bob").status_code == 204


@pytest.mark.parametrize(("adjust", "remaining"), [
    ({}, "3d 6h"), ({"adjustEstimate": "leave"}, "4d"), ({"adjustEstimate": "new", "newEstimate": "1w"}, "1w"),
    ({"adjustEstimate": "manual", "reduceBy": "1d"}, "3d"),
])
def test_logging_work_moves_the_remaining_estimate_as_asked(api, world, adjust, remaining):
    world.update_issue(world.issue("OPS-9")["id"], {"timeoriginalestimate": 4 * 8 * 3600, "timeestimate": 4 * 8 * 3600})
    answer = api.post("issue/OPS-9/worklog", user="admin", query_string=adjust, json=WORK)
    assert answer.status_code == 201 and answer.get_json()["timeSpent"] == "2h"
    shown = tracking(api, "OPS-9")
    assert (shown["originalEstimate"], shown["remainingEstimate"], shown["timeSpent"]) == ("4d", remaining, "2h")


def test_changing_and_deleting_work_gives_time_back_automatically(api):
    entry = api.post("issue/OPS-9/worklog", user="admin", query_string={"adjustEstimate": "new", "newEstimate": "1d"},
                     json=WORK).get_json()
    assert tracking(api, "OPS-9")["remainingEstimate"] == "1d"
    assert api.put(f"issue/OPS-9/worklog/{entry['id']}", user="admin", json={"timeSpent": "3h"}).status_code == 200
    assert tracking(api, "OPS-9")["remainingEstimate"] == "7h" and tracking(api, "OPS-9")["timeSpent"] == "3h"
    assert api.put(f"issue/OPS-9/worklog/{entry['id']}", user="bob", json={"timeSpent": "1h"}).status_code == 400
    assert api.delete(f"issue/OPS-9/worklog/{entry['id']}", user="admin").status_code == 204
    assert tracking(api, "OPS-9")["remainingEstimate"] == "1d 2h"
    fields = [f for f, _, _ in items(api, "OPS-9")]
    assert fields.count("WorklogId") == 3 and "timespent" in fields and "timeestimate" in fields


@pytest.mark.parametrize(("body", "key", "message"), [
    ({**WORK, "timeSpent": "1x"}, "timeLogged", "Invalid time duration entered."),
    ({**WORK, "timeSpent": "-2h"}, "timeLogged", "Invalid time duration entered."),
    ({**WORK, "timeSpent": "99999w"}, "timeLogged", "Invalid time duration entered."),
    ({**WORK, "timeSpent": ""}, "timeLogged", "You must indicate the time spent working."),
    ({**WORK, "timeSpent": "0m"}, "timeLogged", "Time Spent can not be zero."),
    ({"timeSpent": "1h"}, "started", "You must specify a date on which the work occurred."),
    ({**WORK, "comment": "plain"}, "comment", "Operation value must be an Atlassian Document (see the Atlassian Document Format)"),
])
def test_work_jira_would_refuse_is_refused_in_jiras_words(api, body, key, message):
    answer = api.post("issue/OPS-9/worklog", user="admin", json=body)
    assert answer.status_code == 400 and answer.get_json()["errors"] == {key: message}


def test_every_change_is_in_the_changelog_but_comments(api):
    before = len(items(api, "OPS-9"))
    api.put("issue/OPS-9", user="admin", json={"fields": {"summary": "Renamed"}, "update": {"labels": [{"add": "x"}]}})
    api.put("issue/OPS-9/assignee", user="admin", json={"accountId": "712020:00000000-0000-4000-8000-00000000a11c"})
    api.post("issue/OPS-9/transitions", user="admin", json={"transition": {"id": "21"}})
    api.post("issue/OPS-9/comment", user="admin", json={"body": ADF})
    new = items(api, "OPS-9")[before:]
    assert [field for field, _, _ in new] == ["summary", "labels", "assignee", "status"]
    assert new[2][2] == "Alice Anders" and new[3][1:] == ("To Do", "In Progress")
    latest = api.get("issue/OPS-9?expand=changelog&fields=summary", user="admin").get_json()["changelog"]["histories"][0]
    assert latest["items"][0]["field"] == "status"  # newest first when embedded


def test_subtasks_hierarchy_and_children(api):
    subtasks = api.get("issue/ACME-73?fields=subtasks", user="admin").get_json()["fields"]["subtasks"]
    assert [s["key"] for s in subtasks] == ["ACME-91", "ACME-106"]
    assert subtasks[0]["fields"]["issuetype"] == {**subtasks[0]["fields"]["issuetype"], "subtask": True, "hierarchyLevel": -1}
    found = api.get("search/jql", user="admin", query_string={"jql": "parent = ACME-70", "fields": "parent"}).get_json()
    assert found["issues"] and all(i["fields"]["parent"]["key"] == "ACME-70" for i in found["issues"])
    wrong = {"fields": {"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "parent": {"key": "OPS-9"}}}
    answer = api.post("issue", user="admin", json=wrong)
    assert answer.status_code == 400 and answer.get_json()["errors"] == {
        "parentId": "Given parent work item does not belong to appropriate hierarchy."}
    orphan = {"fields": {"project": {"key": "OPS"}, "issuetype": {"id": "10005"}, "summary": "x"}}
    assert api.post("issue", user="admin", json=orphan).get_json()["errors"] == {"parent": "Parent is required."}


def test_the_picker_finds_by_key_and_words_among_visible_issues(api):
    summary = api.get("issue/OPS-11?fields=summary", user="bob").get_json()["fields"]["summary"]
    sections = api.get("issue/picker", user="bob", query_string={"query": summary, "currentIssueKey": "OPS-9"}).get_json()["sections"]
    keys = [i["key"] for s in sections for i in s["issues"]]
    assert "OPS-11" in keys and "OPS-9" not in keys and not any(k.startswith("ACME") for k in keys)
    by_key = api.get("issue/picker", user="admin", query_string={"query": "ops-11"}).get_json()["sections"][1]["issues"]
    assert by_key[0]["key"] == "OPS-11" and by_key[0]["summaryText"]


def test_reset_restores_links_work_and_history(client, world):
    issue = world.issue("OPS-9")
    before = (world.links_of(issue["id"]), world.worklogs(issue["id"]), world.changelog(issue["id"]), world.watchers(issue["id"]))
    world.add_link(world.link_type("Relates"), issue["id"], world.issue("OPS-11")["id"], "someone")
    world.add_worklog(issue["id"], "someone", 3600, "2026-11-20T09:00:00.000+0000", None, ("auto", 0))
    world.set_watching(issue["id"], "someone", True)
    world.reset()
    assert (world.links_of(issue["id"]), world.worklogs(issue["id"]), world.changelog(issue["id"]),
            world.watchers(issue["id"])) == before
