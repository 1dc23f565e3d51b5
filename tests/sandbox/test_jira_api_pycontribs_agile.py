"""pycontribs ``jira``'s board and sprint calls work against the sandbox unchanged, over loopback HTTP."""

import pytest

jira = pytest.importorskip("jira")


@pytest.fixture
def jira_client(sandbox_app, serve):
    return jira.JIRA(serve(sandbox_app), options={"rest_api_version": "3"},
                     basic_auth=("alice@sandbox.test", "sandbox-alice-api-token"), max_retries=0)


def test_boards(jira_client):
    found = jira_client.boards()
    assert [(b.id, b.name, b.type) for b in found] == [(1, "ACME board", "kanban"), (2, "OPS board", "kanban"), (5, "ACME Scrum", "scrum")]
    assert (found.total, found.isLast) == (3, True)
    assert [b.id for b in jira_client.boards(type="scrum")] == [5]
    assert [b.name for b in jira_client.boards(projectKeyOrID="OPS")] == ["OPS board"]
    assert [b.id for b in jira_client.boards(maxResults=0)] == [1, 2, 5]  # every page, 50 at a time
    paged = jira_client.boards(startAt=1, maxResults=1)
    assert [b.id for b in paged] == [2] and paged.isLast is False


def test_sprints_and_a_sprint(jira_client):
    sprints = jira_client.sprints(5)
    assert [(s.id, s.name, s.state) for s in sprints] == [(1, "ACME Sprint 1", "closed"), (2, "ACME Sprint 2", "active"),
                                                          (3, "ACME Sprint 3", "future")]
    assert [s.id for s in jira_client.sprints(5, state="active")] == [2]
    assert [s.id for s in jira_client.sprints(5, maxResults=0)] == [1, 2, 3]
    sprint = jira_client.sprint(2)
    assert (sprint.name, sprint.state, sprint.originBoardId) == ("ACME Sprint 2", "active", 5)
    assert sprint.goal and sprint.startDate < sprint.endDate
    with pytest.raises(jira.JIRAError) as kanban:
        jira_client.sprints(2)
    assert kanban.value.status_code == 400 and "does not support sprints" in kanban.value.text
    with pytest.raises(jira.JIRAError) as hidden:
        jira_client.sprint(99)
    assert hidden.value.status_code == 404
