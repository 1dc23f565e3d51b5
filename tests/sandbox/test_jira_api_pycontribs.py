"""A real third-party client, pycontribs ``jira``, works against the sandbox over loopback HTTP."""

import pytest

jira = pytest.importorskip("jira")

ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}


@pytest.fixture
def jira_client(sandbox_app, serve):
    return jira.JIRA(serve(sandbox_app), options={"rest_api_version": "3"},
                     basic_auth=("alice@sandbox.test", "sandbox-alice-api-token"), max_retries=0)


def test_reads(jira_client):
    assert [p.key for p in jira_client.projects()] == ["ACME", "OPS"]
    assert jira_client.myself()["displayName"] == "Alice Anders"
    issue = jira_client.issue("ACME-7")
    assert issue.fields.project.key == "ACME" and len(issue.fields.comment.comments) == 50
    assert len(jira_client.enhanced_search_issues("project = ACME", maxResults=0, fields="summary")) == 262
    assert len(jira_client.comments("ACME-42")) == 80
    assert [t["id"] for t in jira_client.transitions(issue)] == ["11", "21", "31", "41"]


def test_writes(jira_client):
    created = jira_client.create_issue(project="OPS", summary="from pycontribs", issuetype={"id": "10001"})
    created.update(fields={"labels": ["pycontribs"]})
    jira_client.add_comment(created.key, ADF)
    jira_client.transition_issue(created, "41", fields={"resolution": {"name": "Done"}})
    again = jira_client.issue(created.key)
    assert again.fields.status.name == "Done" and again.fields.labels == ["pycontribs"]
    assert again.fields.resolution.name == "Done" and again.fields.comment.total == 1
    with pytest.raises(jira.JIRAError) as refused:
        jira_client.issue("WEB-1")
    assert refused.value.status_code == 404
