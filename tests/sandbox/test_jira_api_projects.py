"""Projects, the caller, users, priorities and statuses, in every calling style."""

import pytest

from sandbox import directory

ALICE = directory.user_by("name", "alice")
BOB = directory.user_by("name", "bob")


def test_myself(api):
    body = api.get("myself?expand=groups,applicationRoles").get_json()
    assert body["accountId"] == ALICE["account_id"]
    assert body["emailAddress"] == ALICE["email"]
    assert body["displayName"] == ALICE["display_name"]
    assert {"self", "accountType", "avatarUrls", "active", "timeZone", "locale", "groups",
            "applicationRoles"} <= set(body)


@pytest.mark.parametrize(("user", "keys"), [("alice", ["ACME", "OPS"]), ("bob", ["OPS", "WEB"]),
                                            ("admin", ["ACME", "OPS", "WEB"])])
def test_project_search_lists_only_browsable_projects(api, user, keys):
    body = api.get("project/search", user=user).get_json()
    assert [p["key"] for p in body["values"]] == keys
    assert body["total"] == len(keys) and body["isLast"] is True and "nextPage" not in body
    assert {"self", "maxResults", "startAt", "total", "isLast", "values"} <= set(body)


def test_project_search_pages(api):
    first = api.get("project/search?maxResults=2", user="admin").get_json()
    assert [p["key"] for p in first["values"]] == ["ACME", "OPS"]
    assert first["isLast"] is False and first["total"] == 3
    assert "startAt=2" in first["nextPage"]
    second = api.get("project/search?maxResults=2&startAt=2", user="admin").get_json()
    assert [p["key"] for p in second["values"]] == ["WEB"] and second["isLast"] is True


def test_project_search_caps_max_results(api):
    assert api.get("project/search?maxResults=1000", user="admin").get_json()["maxResults"] == 100


@pytest.mark.parametrize(("query", "keys"), [
    ("query=ops", ["OPS"]), ("query=PLAT", ["ACME"]), ("query=zzz", []),
    ("keys=WEB,ACME", ["ACME", "WEB"]), ("keys=WEB&keys=OPS", ["OPS", "WEB"]),
    ("orderBy=-key", ["WEB", "OPS", "ACME"]), ("orderBy=name", ["ACME", "OPS", "WEB"]),
    ("keys=GLOBX", []),
])
def test_project_search_filters_and_orders(api, query, keys):
    assert [p["key"] for p in api.get(f"project/search?{query}", user="admin").get_json()["values"]] == keys


@pytest.mark.parametrize("id_or_key", ["ACME", "acme", "10000"])
def test_get_project(api, id_or_key):
    body = api.get(f"project/{id_or_key}").get_json()
    assert body["key"] == "ACME" and body["id"] == "10000"
    assert body["lead"]["accountId"] == directory.user_by("name", "admin")["account_id"]
    assert [t["name"] for t in body["issueTypes"]] == ["Task", "Bug", "Story", "Epic", "Subtask"]
    assert [c["name"] for c in body["components"]][:2] == ["Backend", "Frontend"]


@pytest.mark.parametrize(("user", "key"), [("bob", "ACME"), ("alice", "WEB"), ("alice", "GLOBX"), ("alice", "NOPE")])
def test_invisible_project_is_not_found(api, user, key):
    response = api.get(f"project/{key}", user=user)
    assert response.status_code == 404
    assert response.get_json() == {"errorMessages": [f"No project could be found with key '{key}'."], "errors": {}}


def test_priorities(api):
    body = api.get("priority").get_json()
    assert [(p["id"], p["name"]) for p in body] == [("1", "Highest"), ("2", "High"), ("3", "Medium"),
                                                    ("4", "Low"), ("5", "Lowest")]
    assert {"self", "statusColor", "description", "iconUrl", "name", "id"} <= set(body[0])


def test_statuses(api):
    body = api.get("status").get_json()
    assert [(s["name"], s["statusCategory"]["key"]) for s in body] == [
        ("To Do", "new"), ("In Progress", "indeterminate"), ("In Review", "indeterminate"), ("Done", "done")]
    assert [s["statusCategory"]["id"] for s in body] == [2, 4, 4, 3]


def test_get_user(api):
    body = api.get(f"user?accountId={BOB['account_id']}").get_json()
    assert body["displayName"] == "Bob Brown" and body["accountId"] == BOB["account_id"]


@pytest.mark.parametrize("account_id", ["", "712020:nobody"])
def test_get_unknown_user(api, account_id):
    assert api.get(f"user?accountId={account_id}").status_code == 404


@pytest.mark.parametrize(("params", "names"), [
    ("project=OPS", ["admin", "alice", "bob"]),
    ("project=ACME", ["admin", "alice"]),
    ("project=OPS&query=b", ["bob"]),
    ("project=OPS&query=ALI", ["alice"]),
    ("project=OPS&query=ada", ["admin"]),
    ("issueKey=OPS-1&query=bob@", ["bob"]),
    (f"project=OPS&accountId={BOB['account_id']}", ["bob"]),
    ("project=OPS&maxResults=1", ["admin"]),
])
def test_assignable_users(api, params, names):
    body = api.get(f"user/assignable/search?{params}").get_json()
    assert [u["accountId"] for u in body] == [directory.user_by("name", n)["account_id"] for n in names]


def test_assignable_users_need_a_project_or_issue(api):
    assert api.get("user/assignable/search?query=a").status_code == 400


@pytest.mark.parametrize("params", ["project=ACME", "issueKey=ACME-1"])
def test_assignable_users_of_an_invisible_project(api, params):
    assert api.get(f"user/assignable/search?{params}", user="bob").status_code == 404


@pytest.mark.parametrize(("user", "keys"), [("alice", ["ACME", "OPS"]), ("bob", ["OPS", "WEB"])])
def test_project_list_is_a_plain_array(api, user, keys):
    assert [p["key"] for p in api.get("project", user=user).get_json()] == keys


def test_field_list(api):
    body = {f["id"]: f for f in api.get("field").get_json()}
    assert body["summary"]["schema"] == {"type": "string", "system": "summary"}
    assert body["comment"]["navigable"] is False and body["status"]["navigable"] is True
    assert body["customfield_10032"]["custom"] is True and body["customfield_10032"]["name"] == "Region"
    assert {"id", "key", "name", "custom", "orderable", "navigable", "searchable", "clauseNames",
            "schema"} <= set(body["created"])
