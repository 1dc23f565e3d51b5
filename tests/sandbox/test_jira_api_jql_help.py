"""JQL help in the sandbox: reference data, value suggestions, jql/parse, and `watcher` / `text ~` in search."""

import pytest

from sandbox import directory, jql, watching
from sandbox.jira_jql import FIELDS
from tests.support.sandbox import basic_headers

BOB = directory.user_by("name", "bob")["account_id"]


def parse(api, *queries, validation="strict", user="alice"):
    response = api.post("jql/parse", user=user, query_string={"validation": validation}, json={"queries": list(queries)})
    assert response.status_code == 200, response.data
    return response.get_json()["queries"]


def test_reference_data_lists_what_the_subset_understands(api):
    data = api.get("jql/autocompletedata").get_json()
    fields = {f["value"]: f for f in data["visibleFieldNames"]}
    assert set(fields) == {shown for shown, _, _ in FIELDS.values()}
    assert fields["summary"]["operators"] == ["~", "!~"] and fields["summary"]["orderable"] == "true"
    assert "orderable" not in fields["labels"] and fields["watcher"]["types"] == fields["assignee"]["types"]
    assert [f["value"] for f in data["visibleFunctionNames"]] == ["currentUser()", "now()", "startOfDay()", "endOfDay()"]
    assert {"and", "order", "empty", "select"} <= set(data["jqlReservedWords"])


def test_every_listed_operator_compiles_for_its_field(api):
    for field in api.get("jql/autocompletedata").get_json()["visibleFieldNames"]:
        for op in field["operators"]:
            value = {"in": "(x)", "not in": "(x)", "is": "EMPTY", "is not": "EMPTY"}.get(op, "x")
            parsed = jql.parse(f"{field['value']} {op} {value}")[0]
            assert parsed.op == op.lower()


@pytest.mark.parametrize("field, typed, found", [
    ("status", "in", [("In Progress", "<b>In</b> Progress"), ("In Review", "<b>In</b> Review")]),
    ("Status", "PROG", [("In Progress", "In <b>Prog</b>ress")]),
    ("priority", "", ["Highest", "High", "Medium", "Low", "Lowest"]),
    ("project", "ac", [("Acme Platform", "<b>Ac</b>me Platform (ACME)")]),
    ("project", "glob", []),  # alice may browse GLOBX, but on the other site
    ("assignee", "bo", [(BOB, "<b>Bo</b>b Brown")]),
    ("labels", "sec", [("security", "<b>sec</b>urity")]),
    ("summary", "a", []),
    ("nonsense", "", []),
])
def test_suggestions_match_word_starts_and_mark_them(api, field, typed, found):
    results = api.get("jql/autocompletedata/suggestions", query_string={"fieldName": field, "fieldValue": typed}).get_json()
    shown = [(r["value"], r["displayName"]) for r in results["results"]]
    assert shown == found or [value for value, _ in shown] == found


def test_suggestions_escape_what_they_show(client):
    found = client.get("/rest/api/3/jql/autocompletedata/suggestions", headers=basic_headers("admin"),
                       query_string={"fieldName": "status", "fieldValue": "<b>"}).get_json()
    assert found == {"results": []}


def test_parse_gives_a_structure_or_jiras_errors_per_query(api):
    good, syntax, unknown, empty = parse(api, 'project = ACME AND NOT status in ("In Progress", Done) ORDER BY updated DESC',
                                         "invalid query", "universe = 42", "")
    assert good["structure"]["orderBy"] == {"fields": [{"field": {"encodedName": "updated", "name": "updated"},
                                                        "direction": "desc"}]}
    where = good["structure"]["where"]
    assert where["operator"] == "and" and where["clauses"][1]["operator"] == "not"
    assert where["clauses"][1]["clauses"][0]["operand"]["values"][0] == {"encodedValue": '"In Progress"', "value": "In Progress"}
    assert syntax == {"query": "invalid query", "errors": [
        "Error in the JQL Query: Expecting operator but got 'query'. The valid operators are '=', '!=', '<', '>', '<=', "
        "'>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)"]}
    assert unknown == {"query": "universe = 42", "errors": ["Field 'universe' does not exist or you do not have permission to view it."]}
    assert empty == {"query": "", "structure": {}}


def test_parse_checks_in_the_callers_context(api):
    assert "errors" in parse(api, "project = WEB", user="alice")[0]  # alice may not browse WEB
    assert "structure" in parse(api, "project = WEB", user="bob")[0]


@pytest.mark.parametrize("validation, keys", [("strict", {"query", "errors"}), ("warn", {"query", "structure", "errors"}),
                                              ("none", {"query", "structure"})])
def test_validation_decides_what_a_well_formed_but_wrong_query_gets(api, validation, keys):
    assert set(parse(api, "project = NOPE", validation=validation)[0]) == keys


@pytest.mark.parametrize("query", [{"validation": "loose"}, {}])
def test_parse_refuses_a_bad_request(api, query):
    body = {"queries": "project = ACME"} if not query else {"queries": ["project = ACME"]}
    response = api.post("jql/parse", query_string=query, json=body)
    assert response.status_code == 400 and response.get_json()["errorMessages"] + list(response.get_json()["errors"])


def test_parse_takes_long_and_odd_queries_and_says_what_is_wrong(api):
    odd = 'summary ~ "nul\\u0000 ü \\"q\\"" AND labels = "\x07"'
    long = "project = ACME AND (" + " OR ".join(f'summary ~ "w{n}"' for n in range(700)) + ")"
    assert len(long) > 10_000
    found = parse(api, odd, long, "summary ~ \"open")
    assert "structure" in found[0] and "structure" in found[1]
    assert found[2]["errors"][0].startswith("Error in the JQL Query: The quoted string")


def test_watcher_finds_what_the_seed_says_each_person_watches(api, world):
    bob = directory.user_by("name", "bob")
    body = api.post("search/jql", user="bob", json={"jql": "watcher = currentUser()", "maxResults": 100,
                                                     "fields": ["key"]}).get_json()
    expected = {i["key"] for p in directory.visible_project_keys(bob, directory.HOME_SITE_ID)
                for i in world.project_issues(p) if BOB in watching.watchers_of(i)}
    assert 0 < len(expected) < 100 and {i["key"] for i in body["issues"]} == expected


def test_watchers_include_reporter_and_assignee_and_a_few_more(world):
    issues = world.project_issues("ACME")
    assert all(i["fields"]["reporter"]["accountId"] in watching.watchers_of(i) for i in issues)
    extra = [i for i in issues if len(watching.watchers_of(i) - {i["fields"]["reporter"]["accountId"],
                                                                (i["fields"]["assignee"] or {}).get("accountId")}) > 0]
    assert 0 < len(extra) < len(issues)


@pytest.mark.parametrize("query", ["watcher = bob", f'watcher = "{BOB}"', "watcher in (currentUser())"])
def test_watcher_takes_people_and_functions(api, query):
    assert api.post("search/jql", user="bob", json={"jql": query}).status_code == 200


def test_text_search_reads_summary_description_and_comments(api, world):
    issue = world.issue("OPS-3")
    word = issue["fields"]["summary"].split()[0]
    body = api.post("search/jql", user="bob", json={"jql": f'text ~ "{word}" AND key = OPS-3', "fields": ["key"]}).get_json()
    assert [i["key"] for i in body["issues"]] == ["OPS-3"]
