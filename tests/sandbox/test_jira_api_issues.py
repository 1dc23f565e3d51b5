"""Issues: get, create, edit, assign, create and edit metadata, with Jira's errors."""

import pytest

from sandbox import directory, fields
from tests.support.documents import adf

NOT_FOUND = {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
ALICE = directory.user_by("name", "alice")
BOB = directory.user_by("name", "bob")


def _create(api, user="alice", **given):
    return api.post("issue", user=user, json={"fields": given})


# --- get ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("id_or_key", ["ACME-7", "acme-7", "10009"])
def test_get_issue_by_key_or_id(api, id_or_key):
    body = api.get(f"issue/{id_or_key}").get_json()
    assert body["key"] == "ACME-7" and body["id"] == "10009"
    assert body["self"] == api.url("issue/10009").replace("/rest", "http://localhost/rest", 1) \
        if api.style == "site" else body["self"].endswith("/rest/api/3/issue/10009")


def test_get_issue_has_all_fields_by_default(api):
    got = api.get("issue/ACME-7").get_json()["fields"]
    assert {"summary", "description", "status", "statusCategory", "issuetype", "project", "priority",
            "assignee", "reporter", "creator", "labels", "components", "fixVersions", "created", "updated",
            "resolution", "resolutiondate", "duedate", "comment", "watches", "votes", "timetracking",
            "worklog", "attachment", "issuelinks", "subtasks", "customfield_10016", "customfield_10031"} <= set(got)
    assert got["status"]["statusCategory"]["key"] in ("new", "indeterminate", "done")
    assert got["project"]["key"] == "ACME"


def test_get_issue_embeds_the_first_fifty_comments(api):
    comment = api.get("issue/ACME-42?fields=comment").get_json()["fields"]["comment"]
    assert comment["total"] == 80 and len(comment["comments"]) == 50 and comment["maxResults"] == 50
    assert [c["created"] for c in comment["comments"]] == sorted(c["created"] for c in comment["comments"])
    assert comment["self"].endswith("/rest/api/3/issue/" + api.get("issue/ACME-42?fields=id").get_json()["id"] + "/comment")


def test_get_issue_with_selected_fields_and_expands(api):
    body = api.get("issue/ACME-3?fields=summary,description&expand=renderedFields,names,transitions,editmeta").get_json()
    assert set(body["fields"]) == {"summary", "description"}
    assert body["names"] == {"summary": "Summary", "description": "Description"}
    assert "<b>not bold</b>" not in body["renderedFields"]["description"]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in body["renderedFields"]["description"]
    assert len(body["transitions"]) == 4 and "summary" in body["editmeta"]["fields"]


@pytest.mark.parametrize(("user", "key"), [("bob", "ACME-1"), ("alice", "WEB-1"), ("alice", "GLOBX-1"),
                                           ("alice", "ACME-9999"), ("alice", "NOPE-1"), ("bob", "id of ACME-1")])
def test_invisible_or_missing_issue_is_not_found(api, world, user, key):
    key = world.issue("ACME-1")["id"] if key.startswith("id of") else key
    response = api.get(f"issue/{key}", user=user)
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


# --- create -------------------------------------------------------------------------------------

def test_create_issue(api):
    response = _create(api, project={"key": "OPS"}, issuetype={"id": "10001"}, summary="Rotate keys",
                       description=adf("Rotate the signing keys."), labels=["security"],
                       priority={"name": "High"}, assignee={"accountId": BOB["account_id"]},
                       customfield_10032={"value": "EU", "child": {"value": "Dublin"}})
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) == {"id", "key", "self"} and created["key"] == "OPS-45"
    issue = api.get(f"issue/{created['key']}").get_json()["fields"]
    assert issue["summary"] == "Rotate keys" and issue["labels"] == ["security"]
    assert issue["priority"]["name"] == "High" and issue["assignee"]["accountId"] == BOB["account_id"]
    assert issue["reporter"]["accountId"] == ALICE["account_id"]
    assert issue["status"]["name"] == "To Do" and issue["comment"]["total"] == 0
    assert issue["customfield_10032"]["child"]["value"] == "Dublin"
    found = api.get("search/jql", query_string={"jql": f"key = {created['key']}"}).get_json()["issues"]
    assert found == [{"id": created["id"]}]


@pytest.mark.parametrize(("given", "errors"), [
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "description": "plain text"},
     {"description": fields.NOT_ADF}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}},
     {"summary": "You must specify a summary of the issue."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": ""},
     {"summary": "You must specify a summary of the issue."}),
    ({"project": {"key": "ACME"}, "issuetype": {"id": "10001"}, "summary": "x"},
     {"project": "Specify a valid project ID or key"}),  # bob may not browse ACME
    ({"issuetype": {"id": "10001"}, "summary": "x"}, {"project": "Specify a valid project ID or key"}),
    ({"project": {"key": "OPS"}, "summary": "x"}, {"issuetype": "Specify an issue type"}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "99"}, "summary": "x"},
     {"issuetype": "The issue type selected is invalid."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "customfield_10016": 3},
     {"customfield_10016": fields.NOT_ON_SCREEN.format("customfield_10016")}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "priority": {"id": "9"}},
     {"priority": "The priority selected is invalid."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "labels": ["two words"]},
     {"labels": "The label 'two words' contains spaces which is invalid."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x", "duedate": "31/12/2026"},
     {"duedate": "Error parsing date string: 31/12/2026. Use the format yyyy-MM-dd."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x",
      "assignee": {"accountId": ALICE["account_id"] + "x"}},
     {"assignee": f"User '{ALICE['account_id']}x' cannot be assigned issues."}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10002"}, "summary": "x", "customfield_10030": {"value": "Huge"}},
     {"customfield_10030": "Option value 'Huge' is not valid"}),
    ({"project": {"key": "OPS"}, "issuetype": {"id": "10001"}, "summary": "x" * 256},
     {"summary": "Summary must be less than 255 characters."}),
])
def test_create_issue_field_errors(api, given, errors):
    response = _create(api, user="bob", **given)
    assert response.status_code == 400
    assert response.get_json() == {"errorMessages": [], "errors": errors}


def test_the_required_field_the_app_cannot_edit(api):
    meta = api.get("issue/createmeta/WEB/issuetypes/10004", user="admin").get_json()["fields"]
    team = next(f for f in meta if f["fieldId"] == "customfield_10001")
    assert team["required"] is True and team["schema"]["type"] == "team"
    response = _create(api, user="admin", project={"key": "WEB"}, issuetype={"id": "10004"}, summary="Relaunch")
    assert response.get_json() == {"errorMessages": [], "errors": {"customfield_10001": "Team is required."}}
    response = _create(api, user="admin", project={"key": "WEB"}, issuetype={"id": "10004"}, summary="Relaunch",
                       customfield_10001={"id": fields.TEAMS[0]["id"]})
    assert response.status_code == 201


def test_create_needs_a_json_object(api):
    response = api.post("issue", data="not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["errorMessages"]


# --- edit ---------------------------------------------------------------------------------------

def test_edit_issue_fields_and_updates(api):
    before = api.get("issue/OPS-2?fields=labels,status,updated").get_json()["fields"]
    response = api.put("issue/OPS-2", json={
        "fields": {"summary": "Renamed", "description": adf("New text"), "status": {"id": "10003"},
                   "duedate": "2026-12-24"},
        "update": {"labels": [{"add": "urgent"}, {"add": "ops-review"}]},
    })
    assert response.status_code == 204 and response.data == b""
    after = api.get("issue/OPS-2?fields=summary,description,labels,status,duedate,updated").get_json()["fields"]
    assert after["summary"] == "Renamed" and after["description"] == adf("New text")
    assert after["labels"] == before["labels"] + ["urgent", "ops-review"]
    assert after["status"]["id"] == before["status"]["id"]  # status only changes through a transition
    assert after["duedate"] == "2026-12-24" and after["updated"] > before["updated"]
    api.put("issue/OPS-2", json={"update": {"labels": [{"remove": "urgent"}]}})
    assert "urgent" not in api.get("issue/OPS-2?fields=labels").get_json()["fields"]["labels"]


def test_edit_with_return_issue(api):
    response = api.put("issue/OPS-2?returnIssue=true", json={"fields": {"summary": "Back"}})
    assert response.status_code == 200 and response.get_json()["fields"]["summary"] == "Back"


@pytest.mark.parametrize(("body", "errors"), [
    ({"fields": {"description": "plain"}}, {"description": fields.NOT_ADF}),
    ({"fields": {"summary": ""}}, {"summary": "You must specify a summary of the issue."}),
    ({"fields": {"customfield_11744": "x"}}, {"customfield_11744": fields.NOT_ON_SCREEN.format("customfield_11744")}),
    ({"fields": {"labels": ["a"]}, "update": {"labels": [{"add": "b"}]}},
     {"labels": "Field 'labels' cannot be set and updated in the same request."}),
    ({"update": {"summary": [{"add": "x"}]}}, {"summary": "Operation 'add' is not supported for field 'summary'."}),
])
def test_edit_issue_field_errors(api, body, errors):
    response = api.put("issue/OPS-2", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"errorMessages": [], "errors": errors}


def test_edit_can_add_a_comment(api):
    api.put("issue/OPS-2", json={"update": {"comment": [{"add": {"body": adf("via edit")}}]}})
    comments = api.get("issue/OPS-2/comment").get_json()["comments"]
    assert comments[-1]["body"] == adf("via edit")


def test_edit_an_invisible_issue(api):
    assert api.put("issue/ACME-1", user="bob", json={"fields": {"summary": "x"}}).get_json() == NOT_FOUND


@pytest.mark.parametrize(("account", "expected"), [("bob", "bob"), (None, None), ("-1", None)])
def test_assign(api, account, expected):
    account_id = directory.user_by("name", account)["account_id"] if account and account != "-1" else account
    assert api.put("issue/OPS-1/assignee", json={"accountId": account_id}).status_code == 204
    assignee = api.get("issue/OPS-1?fields=assignee").get_json()["fields"]["assignee"]
    assert (assignee or {}).get("accountId") == (directory.user_by("name", expected)["account_id"] if expected else None)


def test_assign_someone_who_cannot_see_the_project(api):
    response = api.put("issue/ACME-1/assignee", json={"accountId": BOB["account_id"]})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"assignee": f"User '{BOB['account_id']}' cannot be assigned issues."}


# --- metadata -----------------------------------------------------------------------------------

def test_createmeta_issue_types(api):
    body = api.get("issue/createmeta/ACME/issuetypes").get_json()
    assert [t["name"] for t in body["issueTypes"]] == ["Task", "Bug", "Story", "Epic", "Subtask"]
    assert body["total"] == 5 and body["startAt"] == 0 and body["maxResults"] == 50
    assert {"id", "name", "iconUrl", "hierarchyLevel", "subtask", "self"} <= set(body["issueTypes"][0])
    page = api.get("issue/createmeta/10000/issuetypes?startAt=1&maxResults=2").get_json()
    assert [t["name"] for t in page["issueTypes"]] == ["Bug", "Story"]


def test_createmeta_fields_cover_every_kind(api):
    found = {}
    for project, type_id in [("ACME", "10003"), ("ACME", "10002"), ("OPS", "10002")]:
        body = api.get(f"issue/createmeta/{project}/issuetypes/{type_id}", user="admin").get_json()
        assert body["total"] == len(body["fields"])
        for field in body["fields"]:
            assert {"fieldId", "key", "name", "required", "schema", "operations", "hasDefaultValue"} <= set(field)
            found[field["schema"].get("custom") or field["schema"]["system"]] = field
    kinds = {f["schema"]["type"] for f in found.values()}
    assert kinds >= {"string", "number", "date", "datetime", "priority", "array", "user", "option",
                     "option-with-child", "issuelink", "issuetype", "project"}
    assert found["priority"]["hasDefaultValue"] is True and found["priority"]["defaultValue"]["name"] == "Medium"
    assert found["summary"]["required"] is True
    assert "autoCompleteUrl" in found["assignee"] and found["labels"]["operations"] == ["add", "set", "remove"]
    cascading = found["com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect"]
    assert cascading["allowedValues"][0]["children"]
    assert [c["name"] for c in found["components"]["allowedValues"]]
    assert [v["name"] for v in found["fixVersions"]["allowedValues"]]


@pytest.mark.parametrize(("path", "status"), [("issue/createmeta/ACME/issuetypes", 404),
                                              ("issue/createmeta/ACME/issuetypes/10001", 404),
                                              ("issue/createmeta/OPS/issuetypes/123", 400)])
def test_createmeta_errors(api, path, status):
    assert api.get(path, user="bob").status_code == status


def test_editmeta(api):
    body = api.get("issue/OPS-2/editmeta").get_json()
    assert set(body) == {"fields"}
    assert {"summary", "description", "labels", "assignee", "comment", "priority"} <= set(body["fields"])
    assert "project" not in body["fields"]
    assert body["fields"]["summary"] == {"required": True, "schema": {"type": "string", "system": "summary"},
                                         "name": "Summary", "key": "summary", "hasDefaultValue": False,
                                         "operations": ["set"]}
    assert "issueKey=OPS-2" in body["fields"]["assignee"]["autoCompleteUrl"]
    assert api.get("issue/ACME-1/editmeta", user="bob").status_code == 404


def test_get_issue_with_exclusions_only(api):
    got = set(api.get("issue/ACME-7?fields=-comment,-worklog").get_json()["fields"])
    assert "summary" in got and not {"comment", "worklog"} & got


def test_clearing_optional_fields(api):
    body = {"fields": {"priority": None, "assignee": None, "labels": [], "duedate": None, "description": None}}
    assert api.put("issue/OPS-2", json=body).status_code == 204
    got = api.get("issue/OPS-2?fields=priority,assignee,labels,duedate,description").get_json()["fields"]
    assert got == {"priority": None, "assignee": None, "labels": [], "duedate": None, "description": None}
    found = api.get("search/jql", query_string={"jql": "key = OPS-2 AND priority IS EMPTY"}).get_json()["issues"]
    assert len(found) == 1


def test_ops_bugs_require_a_severity_and_every_seeded_one_has_it(api):
    meta = api.get("issue/createmeta/OPS/issuetypes/10002", user="admin").get_json()["fields"]
    severity = next(f for f in meta if f["fieldId"] == "customfield_10030")
    assert severity["required"] is True and severity["allowedValues"]
    response = _create(api, user="admin", project={"key": "OPS"}, issuetype={"id": "10002"}, summary="No severity")
    assert response.get_json() == {"errorMessages": [], "errors": {"customfield_10030": "Severity is required."}}
    bugs = api.get("search/jql", query_string={"jql": "project = OPS AND issuetype = Bug", "fields": "customfield_10030",
                                                "maxResults": 100}).get_json()["issues"]
    assert bugs and all(bug["fields"]["customfield_10030"] for bug in bugs)
