"""Small Jira replies for the tests that stub HTTP, shaped like the real ones (see ../shared/jira-fixtures)."""

from __future__ import annotations

from tests.support.apps import TEST_SETTINGS

API = f"{TEST_SETTINGS['JIRA_BASE_URL']}/rest/api/3"

EMPTY_PROJECTS = {"values": [], "isLast": True, "startAt": 0, "maxResults": 50, "total": 0}

ISSUE = {
    "id": "10001",
    "key": "ACME-1",
    "fields": {
        "summary": "<script>alert('x')</script> Login fails",
        "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate", "name": "In Progress"}},
        "assignee": None,
        "reporter": {"accountId": "a1", "displayName": "Ada <b>Admin</b>"},
        "priority": {"id": "3", "name": "Medium"},
        "issuetype": {"id": "1", "name": "Bug"},
        "project": {"id": "10000", "key": "ACME", "name": "Acme"},
        "labels": ["login"],
        "created": "2026-11-01T10:00:00.000+0000",
        "updated": "2026-11-02T10:00:00.000+0000",
        "description": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Steps <to> reproduce"}]}]},
        "comment": {
            "comments": [{"id": "501", "author": {"accountId": "a1", "displayName": "Ada"}, "body": {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "First!"}]}]}, "created": "2026-11-01T11:00:00.000+0000", "updated": "2026-11-01T11:00:00.000+0000"}],
            "startAt": 0, "maxResults": 1, "total": 1,
        },
    },
    "transitions": [{"id": "31", "name": "Done", "to": {"name": "Done", "statusCategory": {"key": "done"}}}],
}


def issues_page(keys, token=None):
    """Return an enhanced-search page of ACME issues with ``keys``; ``token`` for a page that has a next one."""
    body = {"issues": [{"id": str(i), "key": k, "fields": {"summary": k, "project": {"key": "ACME", "name": "Acme"}}} for i, k in enumerate(keys)], "isLast": token is None}
    if token:
        body["nextPageToken"] = token
    return body


def parsed(jql, *errors):
    """Return ``jql/parse``'s answer for one query: its errors, or a structure when it has none."""
    entry = {"query": jql, "errors": list(errors)} if errors else {"query": jql, "structure": {}}
    return {"queries": [entry]}


def stub_parse(jira_http, *errors):
    """Make ``jql/parse`` answer every query it is sent (with ``errors``, or as fine)."""
    import json

    def answer(request):
        return 200, {}, json.dumps(parsed(json.loads(request.body)["queries"][0], *errors))

    jira_http.add_callback("POST", f"{API}/jql/parse", callback=answer, content_type="application/json")
