"""Each list asks Jira only for the fields its table shows (points are per object; bytes and time per field)."""

import pytest
from responses import matchers

from jira_client.web.lists import TABLE_FIELDS
from tests.support.paths import ROOT
from tests.support.stubs import API, issues_page


@pytest.mark.parametrize("path, fields", [
    ("/search?jql=project%20%3D%20ACME", list(TABLE_FIELDS)),
    ("/projects/ACME", [*TABLE_FIELDS, "project"]),
])
def test_lists_ask_only_for_the_fields_they_show(client, jira_http, path, fields):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-1"]),
                   match=[matchers.json_params_matcher({"fields": fields}, strict_match=False)])
    if path.startswith("/projects"):
        jira_http.post(f"{API}/search/approximate-count", json={"count": 1})
    assert client.get(path).status_code == 200


def test_the_issue_table_shows_exactly_those_fields():
    macro = (ROOT / "templates" / "_macros.html").read_text()
    table = macro[macro.index("macro issue_table"):macro.index("endmacro", macro.index("macro issue_table"))]
    shown = {"summary": "issue.summary", "status": "issue.status", "assignee": "issue.assignee",
             "priority": "issue.priority", "updated": "issue.updated"}
    assert set(TABLE_FIELDS) == set(shown) and all(use in table for use in shown.values())
    assert "issue.issue_type" not in table and "issue.created" not in table
