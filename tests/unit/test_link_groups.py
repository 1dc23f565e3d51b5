"""Links grouped as Jira shows them: by type and direction, "relates to" once whatever the direction."""

from __future__ import annotations

from jira_client.api.models import Issue, IssueLink
from jira_client.web.issues.links import choices, group, safe_url
from tests.support.paths import shared_fixture

BLOCKS = {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
RELATES = {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"}


def link(link_id: str, link_type: dict, direction: str, key: str) -> IssueLink:
    return IssueLink.from_api({"id": link_id, "type": link_type,
                               f"{direction}Issue": {"id": link_id, "key": key, "fields": {"summary": key}}})


def test_links_group_by_type_and_direction_in_order_of_first_appearance():
    links = (link("1", BLOCKS, "inward", "A-1"), link("2", RELATES, "outward", "A-2"), link("3", BLOCKS, "outward", "A-3"),
             link("4", BLOCKS, "inward", "A-4"), link("5", RELATES, "inward", "A-5"))
    groups = group(links)
    assert [(g.phrase, [l.issue.key for l in g.links]) for g in groups] == [
        ("is blocked by", ["A-1", "A-4"]), ("relates to", ["A-2", "A-5"]), ("blocks", ["A-3"])]


def test_no_links_no_groups():
    assert group(()) == []


def test_a_link_reads_from_this_issues_side():
    assert link("1", BLOCKS, "outward", "A-2").phrase == "blocks"
    assert link("1", BLOCKS, "inward", "A-2").phrase == "is blocked by"


def test_the_recorded_issue_groups_its_links():
    issue = Issue.from_api(shared_fixture("responses", "xsoar-jirav3", "get-issue--expand-renderedFields-names-transitions.json"))
    groups = group(issue.links)
    assert sum(len(g.links) for g in groups) == len(issue.links) > 0
    assert groups[0].phrase == "is blocked by" and groups[0].links[0].issue.key == "TSTPRD-6"


def test_each_type_is_offered_in_each_direction_once():
    assert choices((IssueLink.from_api({"type": BLOCKS, "outwardIssue": {"key": "A-1"}}).type,
                    IssueLink.from_api({"type": RELATES, "outwardIssue": {"key": "A-1"}}).type)) == [
        ("10000:outward", "blocks"), ("10000:inward", "is blocked by"), ("10003:outward", "relates to")]


def test_only_web_addresses_become_links():
    assert safe_url("https://example.com/x") == "https://example.com/x"
    assert safe_url("mailto:a@example.com")
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,hi") is None
