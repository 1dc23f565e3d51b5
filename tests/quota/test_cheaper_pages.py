"""Each list asks Jira only for the fields its columns show (points are per object; bytes and time per field)."""

import pytest
from responses import matchers

from jira_client.web import issue_columns
from tests.support.stubs import API, issues_page, stub_parse

DEFAULT_FIELDS = ["summary", "status", "assignee", "priority", "updated"]


@pytest.mark.parametrize("path, fields", [
    ("/search?jql=project%20%3D%20ACME", DEFAULT_FIELDS),
    ("/projects/ACME", [*DEFAULT_FIELDS, "project"]),
])
def test_lists_ask_only_for_the_fields_they_show(client, jira_http, path, fields):
    jira_http.post(f"{API}/search/jql", json=issues_page(["ACME-1"]),
                   match=[matchers.json_params_matcher({"fields": fields}, strict_match=False)])
    if path.startswith("/projects"):
        jira_http.post(f"{API}/search/approximate-count", json={"count": 1})
        jira_http.get(f"{API}/mypermissions", json={"permissions": {"CREATE_ISSUES": {"havePermission": True}}})
    else:
        stub_parse(jira_http)
    assert client.get(path).status_code == 200


def test_every_column_asks_for_its_field_and_no_other():
    columns = [c for c in issue_columns.COLUMNS]
    fields = issue_columns.fields_for(columns)
    assert set(fields) == {c.field for c in columns if c.field != "key"}
    assert issue_columns.fields_for([issue_columns.BY_ID[i] for i in ("key", "summary", "status")]) == ("summary", "status")
