"""The seeded data: deterministic, big enough, varied, cheap to build, restored by reset."""

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from sandbox import directory, seed
from sandbox.world import World
from tests.support.work import count_calls

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _snapshot(world: World) -> tuple:
    issues = [world.issue(i["id"]) for p in world.projects() for i in world.project_issues(p["key"])]
    return (world.projects(), issues, {i["id"]: world.comments(i["id"]) for i in issues})


def _nodes(node: dict, found: set) -> set:
    found.add(node.get("type"))
    for child in node.get("content", []):
        _nodes(child, found)
    for mark in node.get("marks", []):
        found.add("mark:" + mark["type"])
    return found


@pytest.fixture(scope="module")
def data():
    return seed.build(NOW)


def test_two_worlds_built_at_the_same_time_are_equal():
    assert _snapshot(World(NOW)) == _snapshot(World(NOW))


def test_reset_restores_the_seed_after_mutations():
    world = World(NOW)
    before = _snapshot(world)
    issue = world.issue("ACME-1")
    project = world.project("ACME")
    world.update_issue(issue["id"], {"summary": "changed", "labels": ["x"]})
    world.add_comment(issue["id"], directory.USERS[1]["account_id"], {"type": "doc", "version": 1, "content": []})
    world.delete_comment("10009", world.comments("10009")[0]["id"])
    world.create_issue(project, world.issue_type("10001"), {"summary": "new"}, directory.USERS[0])
    assert _snapshot(world) != before
    world.reset()
    assert _snapshot(world) == before
    assert world.create_issue(project, world.issue_type("10001"), {"summary": "again"}, directory.USERS[0])["key"] == "ACME-263"


def test_building_does_bounded_work_per_issue_and_comment():
    """Bounded by function calls counted, not by time (bench/worst_cases.py times it): about 140 per item today."""
    built, calls = count_calls(lambda: seed.build(NOW - timedelta(days=1)))
    made = len(built["issues"]) + sum(len(thread) for thread in built["comments"].values())
    assert calls <= 1_000 * made


def test_worlds_sharing_a_seed_do_not_share_changes():
    first, second = World(NOW), World(NOW)
    issue_id = first.issue("OPS-3")["id"]
    untouched = _snapshot(second)
    first.update_issue(issue_id, {"labels": ["only-here"]})
    first.add_comment(issue_id, directory.USERS[2]["account_id"], {"type": "doc", "version": 1, "content": []})
    first.create_issue(first.project("OPS"), first.issue_type("10002"), {"summary": "new"}, directory.USERS[2])
    assert _snapshot(second) == untouched
    assert second.issue("OPS-45") is None and len(second.comments(issue_id)) == 61


def test_sizes(data):
    per_project = Counter(i["fields"]["project"]["key"] for i in data["issues"])
    assert len(data["issues"]) >= 300
    assert per_project["ACME"] >= 250
    assert set(per_project) == {"ACME", "OPS", "WEB", "GLOBX"}
    assert [p["id"] for p in data["projects"]] == ["10000", "10001", "10002", "10003"]


@pytest.mark.parametrize("key", ["ACME-7", "ACME-42", "OPS-3"])
def test_long_threads(data, key):
    issue = next(i for i in data["issues"] if i["key"] == key)
    assert len(data["comments"][issue["id"]]) >= 60
    assert len(issue["fields"]["comment"]["comments"]) == len(data["comments"][issue["id"]])


def test_projects_live_on_their_directory_sites(data):
    for project in data["projects"]:
        assert project["site_id"] == directory.PROJECT_SITES[project["key"]]


def test_people_are_only_those_who_may_browse_the_project(data):
    for issue in data["issues"]:
        key = issue["fields"]["project"]["key"]
        project = next(p for p in data["projects"] if p["key"] == key)
        allowed = {u["account_id"] for u in directory.USERS
                   if key in directory.visible_project_keys(u, project["site_id"])}
        people = [issue["fields"][f] for f in ("assignee", "reporter")] + [
            {"accountId": c["author"]} for c in data["comments"][issue["id"]]]
        assert {p["accountId"] for p in people if p} <= allowed


def test_some_issues_are_unassigned_and_some_resolved(data):
    assert any(i["fields"]["assignee"] is None for i in data["issues"])
    assert any(i["fields"]["resolution"] for i in data["issues"])
    assert all((i["fields"]["resolution"] is None) == (i["fields"]["status"]["name"] != "Done") for i in data["issues"])


def test_some_issues_were_updated_in_the_last_week(data):
    recent = [i for i in data["issues"] if i["fields"]["updated"] >= seed.format_time(NOW - timedelta(days=7))]
    assert len(recent) >= 20
    assert {i["fields"]["project"]["key"] for i in recent} >= {"ACME", "OPS"}


def test_times_are_in_jira_format_and_ordered(data):
    for issue in data["issues"]:
        created, updated = issue["fields"]["created"], issue["fields"]["updated"]
        assert created.endswith("+0000") and len(created) == 28
        assert created <= updated <= seed.format_time(NOW)
        assert all(created <= c["created"] <= updated for c in data["comments"][issue["id"]])


def test_summaries_that_test_escaping(data):
    summaries = {i["fields"]["summary"] for i in data["issues"]}
    assert "Render <b>not bold</b> literally in titles" in summaries
    assert any('"' in s for s in summaries) and any("&" in s for s in summaries)


def test_descriptions_use_a_wide_range_of_adf(data):
    found: set = set()
    for issue in data["issues"]:
        if issue["fields"]["description"]:
            assert issue["fields"]["description"]["type"] == "doc" and issue["fields"]["description"]["version"] == 1
            _nodes(issue["fields"]["description"], found)
    for thread in data["comments"].values():
        for comment in thread:
            _nodes(comment["body"], found)
    assert found >= {"heading", "bulletList", "orderedList", "codeBlock", "table", "panel", "mention", "emoji",
                     "status", "date", "blockquote", "rule", "expand", "taskList", "inlineCard",
                     "mark:strong", "mark:em", "mark:link", "mark:code"}


def test_ids_count_up_from_10000(data):
    assert [i["id"] for i in data["issues"]] == [str(n) for n in range(10000, 10000 + len(data["issues"]))]
    comment_ids = [c["id"] for thread in data["comments"].values() for c in thread]
    assert sorted(comment_ids, key=int) == [str(n) for n in range(10000, data["next_comment_id"])]
