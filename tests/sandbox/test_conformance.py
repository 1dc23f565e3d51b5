"""Every kind of sandbox response validates against Jira's official OpenAPI description (v3).

Each case in ``CASES`` is one request (site style, basic auth) with the OpenAPI path and the status
it must answer; its JSON body is validated against that operation's response schema in
jira-fixtures/openapi/jira-platform-swagger-v3.v3.json. Where the spec gives an error status no
body schema (most 4xx), the body must be an ``ErrorCollection``, the shape Jira's real error bodies
have (jira-fixtures/responses/errors). 204 answers must be empty.

Real Jira Cloud sends a few properties the spec's schemas forbid (``additionalProperties: false``);
``SPEC_GAPS`` lists them with the recording that shows them, and only those are let through.
Formats are not checked: Jira's own timestamps (``2024-01-31T09:00:00.000+0000``) are not the
RFC 3339 ``date-time`` the spec names. Gateway-style refusals use the gateway's ``{"code",
"message"}`` body, which the spec does not describe, so only gateway successes are listed.
"""

import io
from dataclasses import dataclass, field

import pytest
from openapi_schema_validator import OAS30Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from sandbox import directory
from sandbox.admin import route_template
from tests.support.paths import SHARED_FIXTURES, shared_fixture
from tests.support.sandbox import HOME_SITE, basic_headers

FIXTURES = SHARED_FIXTURES
SPEC_FILE = FIXTURES / "openapi" / "jira-platform-swagger-v3.v3.json"
SPEC_URI = "urn:jira-platform-swagger-v3"
ERROR_COLLECTION = "#/components/schemas/ErrorCollection"

# property -> the recording (under jira-fixtures/responses) in which Jira Cloud sends it
SPEC_GAPS = {
    "entityId": "nango-cloud-2026-04/get-project--GET-project-10000--200.json",
    "untranslatedName": "nango-cloud-2026-04/get-create-issue-metadata--GET-issue-createmeta--200.json",
}
# Schemas whose ``additionalProperties: false`` sits beside an ``anyOf`` that declares the properties,
# so nothing could pass them; validation drops that one keyword. Schema -> (properties, the operation
# whose own example in the spec shows Jira sending them).
EXAMPLE_GAPS = {
    "JqlQueryClause": ({"clauses", "operator", "field", "operand"}, ("/rest/api/3/jql/parse", "post")),
}
# property -> the recording in which Jira Cloud sends it as null although the spec says it is a string
SPEC_NULLS = {name: "nango-cloud-2026-04/get-issue-changelog--GET-issue-10007-changelog--200.json"
              for name in ("from", "fromString", "to", "toString")}

ALICE_ID = directory.user_by("name", "alice")["account_id"]
ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}
NEW_ISSUE = {"fields": {"project": {"key": "ACME"}, "summary": "conformance", "issuetype": {"id": "10001"}}}


@dataclass(frozen=True)
class Case:
    """One sandbox request and the OpenAPI operation and status its answer must match."""

    method: str
    path: str  # relative to /rest/api/3/ unless it starts with "/"; {comment} = a comment by admin on OPS-1,
    # {worklog}, {link} and {remotelink}: a work log entry, an issue link and a web link the admin made on OPS-1
    openapi_path: str
    status: int
    query: dict = field(default_factory=dict)
    body: object = None
    user: str | None = "admin"  # None: no credentials
    note: str = ""
    files: dict | None = None  # multipart parts (name -> (bytes, filename)), sent with X-Atlassian-Token: no-check
    empty: bool = False  # Jira answers with no body at all (a new issue link)

    @property
    def id(self) -> str:
        """Return a readable test id."""
        who = "anonymous" if self.user is None else self.user
        return " ".join(filter(None, [self.method, self.path, str(self.status), who, self.note]))


ISSUE = "/rest/api/3/issue/{issueIdOrKey}"
COMMENTS = "/rest/api/3/issue/{issueIdOrKey}/comment"
SEARCH = "/rest/api/3/search/jql"
COUNT = "/rest/api/3/search/approximate-count"
ATTACHMENT = "/rest/api/3/attachment/{id}"
UPLOAD = ISSUE + "/attachments"
A_FILE = {"file": (b"hello", "hello.txt")}
CASES = [
    Case("GET", "serverInfo", "/rest/api/3/serverInfo", 200),
    Case("GET", "myself", "/rest/api/3/myself", 200),
    Case("GET", "myself", "/rest/api/3/myself", 401, user=None),
    Case("GET", "mypermissions", "/rest/api/3/mypermissions", 200, query={"projectKey": "WEB", "permissions": "CREATE_ISSUES"}, user="bob"),
    Case("GET", "mypermissions", "/rest/api/3/mypermissions", 400, query={"projectKey": "OPS"}, note="no permissions"),
    Case("GET", "mypermissions", "/rest/api/3/mypermissions", 404, query={"projectKey": "ACME", "permissions": "CREATE_ISSUES"}, user="bob"),
    Case("GET", "project", "/rest/api/3/project", 200),
    Case("GET", "project", "/rest/api/3/project", 401, user=None),
    Case("GET", "project/search", "/rest/api/3/project/search", 200, {"maxResults": 2}),
    Case("GET", "project/search", "/rest/api/3/project/search", 400, {"maxResults": "x"}),
    Case("GET", "project/search", "/rest/api/3/project/search", 401, user=None),
    Case("GET", "project/ACME", "/rest/api/3/project/{projectIdOrKey}", 200),
    Case("GET", "project/NOPE", "/rest/api/3/project/{projectIdOrKey}", 404),
    Case("GET", "field", "/rest/api/3/field", 200),
    Case("GET", "priority", "/rest/api/3/priority", 200),
    Case("GET", "status", "/rest/api/3/status", 200),
    Case("GET", "user", "/rest/api/3/user", 200, {"accountId": ALICE_ID}),
    Case("GET", "user", "/rest/api/3/user", 404, {"accountId": "712020:no-such-person"}),
    Case("GET", "user/assignable/search", "/rest/api/3/user/assignable/search", 200, {"project": "ACME"}),
    Case("GET", "user/assignable/search", "/rest/api/3/user/assignable/search", 400),
    Case("GET", "issue/ACME-1", ISSUE, 200),
    Case("GET", "issue/ACME-1", ISSUE, 200, {"expand": "renderedFields,names"}, note="expanded"),
    Case("GET", "issue/ACME-99999", ISSUE, 404),
    Case("GET", "issue/ACME-1", ISSUE, 401, user=None),
    Case("POST", "issue", "/rest/api/3/issue", 201, body=NEW_ISSUE),
    Case("POST", "issue", "/rest/api/3/issue", 400, body={"fields": {"project": {"key": "ACME"}}}),
    Case("POST", "issue", "/rest/api/3/issue", 401, body=NEW_ISSUE, user=None),
    Case("PUT", "issue/ACME-2", ISSUE, 204, body={"fields": {"summary": "renamed"}}),
    Case("PUT", "issue/ACME-2", ISSUE, 400, body={"fields": {"description": "not ADF"}}),
    Case("PUT", "issue/ACME-99999", ISSUE, 404, body={"fields": {"summary": "renamed"}}),
    Case("PUT", "issue/ACME-2/assignee", ISSUE + "/assignee", 204, body={"accountId": ALICE_ID}),
    Case("PUT", "issue/ACME-2/assignee", ISSUE + "/assignee", 400, body={"accountId": "712020:no-such-person"}),
    Case("GET", "issue/ACME-1/editmeta", ISSUE + "/editmeta", 200),
    Case("GET", "issue/ACME-1/transitions", ISSUE + "/transitions", 200),
    Case("POST", "issue/ACME-1/transitions", ISSUE + "/transitions", 400, body={"transition": {"id": "999"}}),
    Case("GET", "issue/createmeta/ACME/issuetypes", "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes", 200),
    Case("GET", "issue/createmeta/ACME/issuetypes/10001",
         "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", 200),
    Case("GET", "issue/createmeta/ACME/issuetypes/abc",
         "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", 400),
    Case("GET", "issue/ACME-1/comment", COMMENTS, 200, {"maxResults": 5}),
    Case("GET", "issue/ACME-1/comment", COMMENTS, 200, {"expand": "renderedBody"}, note="rendered"),
    Case("GET", "issue/ACME-99999/comment", COMMENTS, 404),
    Case("POST", "issue/ACME-1/comment", COMMENTS, 201, body={"body": ADF}),
    Case("POST", "issue/ACME-1/comment", COMMENTS, 400, body={"body": "plain text"}),
    Case("POST", "issue/ACME-1/comment", COMMENTS, 401, body={"body": ADF}, user=None),
    Case("GET", "issue/OPS-1/comment/{comment}", COMMENTS + "/{id}", 200),
    Case("GET", "issue/OPS-1/comment/999999999", COMMENTS + "/{id}", 404),
    Case("PUT", "issue/OPS-1/comment/{comment}", COMMENTS + "/{id}", 200, body={"body": ADF}),
    Case("PUT", "issue/OPS-1/comment/{comment}", COMMENTS + "/{id}", 403, body={"body": ADF}, user="bob"),
    Case("DELETE", "issue/OPS-1/comment/{comment}", COMMENTS + "/{id}", 403, user="bob"),
    Case("DELETE", "issue/OPS-1/comment/{comment}", COMMENTS + "/{id}", 204),
    Case("GET", "search/jql", SEARCH, 200, {
        "jql": "project = ACME ORDER BY created DESC", "maxResults": 50,
        "fields": "summary,status,assignee,priority,updated",
    }),
    Case("GET", "search/jql", SEARCH, 200, {"jql": "project = ACME", "fields": "*all", "expand": "names"},
         note="all fields"),
    Case("GET", "search/jql", SEARCH, 400, {"jql": "project = ACME AND (status = Done"}, note="parse error"),
    Case("GET", "search/jql", SEARCH, 400, {"jql": "ORDER BY created"}, note="unbounded"),
    Case("GET", "search/jql", SEARCH, 401, {"jql": "project = ACME"}, user=None),
    Case("POST", "search/jql", SEARCH, 200, body={"jql": "project = OPS", "fields": ["summary"], "maxResults": 3}),
    Case("POST", "search/approximate-count", COUNT, 200, body={"jql": "project = ACME"}),
    Case("POST", "search/approximate-count", COUNT, 400, body={"jql": "project = ("}),
    Case("GET", "filter/favourite", "/rest/api/3/filter/favourite", 200),
    Case("GET", "filter/favourite", "/rest/api/3/filter/favourite", 401, user=None),
    Case("GET", "filter/search", "/rest/api/3/filter/search", 200, {"expand": "owner,jql,favourite,description"}),
    Case("GET", "filter/search", "/rest/api/3/filter/search", 200, {"filterName": "bugs"}, note="by name"),
    Case("GET", "filter/search", "/rest/api/3/filter/search", 400, {"orderBy": "colour"}),
    Case("GET", "filter/10000", "/rest/api/3/filter/{id}", 200),
    Case("GET", "filter/10004", "/rest/api/3/filter/{id}", 400, note="alice's private filter"),
    Case("POST", "filter", "/rest/api/3/filter", 200, body={"name": "Conformance", "jql": "project = ACME"}),
    Case("POST", "filter", "/rest/api/3/filter", 400, body={"name": "", "jql": "project = ACME"}),
    Case("PUT", "filter/10003/favourite", "/rest/api/3/filter/{id}/favourite", 200),
    Case("PUT", "filter/10004/favourite", "/rest/api/3/filter/{id}/favourite", 400, note="not visible"),
    Case("DELETE", "filter/10000/favourite", "/rest/api/3/filter/{id}/favourite", 200),
    Case("GET", "jql/autocompletedata", "/rest/api/3/jql/autocompletedata", 200),
    Case("POST", "jql/autocompletedata", "/rest/api/3/jql/autocompletedata", 200, body={"projectIds": [10000]}),
    Case("GET", "jql/autocompletedata/suggestions", "/rest/api/3/jql/autocompletedata/suggestions", 200,
         {"fieldName": "status", "fieldValue": "in"}),
    Case("POST", "jql/parse", "/rest/api/3/jql/parse", 200, {"validation": "strict"}, body={"queries": [
        "project = ACME AND (status in (\"In Progress\", Done) OR NOT assignee = currentUser()) ORDER BY updated DESC",
        "labels IS EMPTY", "invalid query", "project = NOPE", ""]}),
    Case("POST", "jql/parse", "/rest/api/3/jql/parse", 400, {"validation": "strict"}, body={"queries": "x"}),
    Case("GET", f"/ex/jira/{HOME_SITE}/rest/api/3/issue/ACME-1", ISSUE, 200),
    Case("GET", f"/ex/jira/{HOME_SITE}/rest/api/3/search/jql", SEARCH, 200, {"jql": "project = OPS"}),
    Case("GET", "attachment/meta", "/rest/api/3/attachment/meta", 200),
    Case("GET", "attachment/meta", "/rest/api/3/attachment/meta", 401, user=None),
    Case("GET", "attachment/10000", ATTACHMENT, 200),
    Case("GET", "attachment/10000", ATTACHMENT, 403, user="bob"),
    Case("GET", "attachment/99999", ATTACHMENT, 404),
    Case("GET", "attachment/content/10000", "/rest/api/3/attachment/content/{id}", 303),
    Case("GET", "attachment/content/10000", "/rest/api/3/attachment/content/{id}", 403, user="bob"),
    Case("GET", "attachment/content/99999", "/rest/api/3/attachment/content/{id}", 404),
    Case("GET", "attachment/thumbnail/10000", "/rest/api/3/attachment/thumbnail/{id}", 303),
    Case("GET", "attachment/thumbnail/10002", "/rest/api/3/attachment/thumbnail/{id}", 404, {"fallbackToDefault": "false"},
         note="a PDF has none"),
    Case("DELETE", "attachment/10000", ATTACHMENT, 403, user="alice", note="the admin's file"),
    Case("DELETE", "attachment/99999", ATTACHMENT, 404),
    Case("DELETE", "attachment/10002", ATTACHMENT, 204, note="alice's file, by the admin"),
    Case("POST", "issue/ACME-1/attachments", UPLOAD, 200, files=A_FILE),
    Case("POST", "issue/WEB-1/attachments", UPLOAD, 403, files=A_FILE, user="bob", note="read-only project"),
    Case("POST", "issue/ACME-99999/attachments", UPLOAD, 404, files=A_FILE),
]

WORKLOGS = ISSUE + "/worklog"
LINK = "/rest/api/3/issueLink"
REMOTE = ISSUE + "/remotelink"
WATCHERS = ISSUE + "/watchers"
LINK_BODY = {"type": {"name": "Blocks"}, "inwardIssue": {"key": "OPS-1"}, "outwardIssue": {"key": "OPS-2"}}
WORK = {"timeSpent": "1h 30m", "started": "2026-11-20T09:00:00.000+0000", "comment": ADF}
CASES += [
    Case("GET", "issueLinkType", "/rest/api/3/issueLinkType", 200),
    Case("GET", "issueLinkType/10000", "/rest/api/3/issueLinkType/{issueLinkTypeId}", 200),
    Case("GET", "issueLinkType/99999", "/rest/api/3/issueLinkType/{issueLinkTypeId}", 404),
    Case("POST", "issueLink", LINK, 201, body=LINK_BODY, empty=True),
    Case("POST", "issueLink", LINK, 400, body={**LINK_BODY, "outwardIssue": {"key": "OPS-1"}}, note="itself"),
    Case("POST", "issueLink", LINK, 404, body={**LINK_BODY, "type": {"name": "Nope"}}, note="no such type"),
    Case("POST", "issueLink", LINK, 404, body={**LINK_BODY, "outwardIssue": {"key": "OPS-99999"}}, note="no such issue"),
    Case("POST", "issueLink", LINK, 404, body={**LINK_BODY, "outwardIssue": {"key": "WEB-1"}}, user="bob",
         note="no link permission"),
    Case("GET", "issueLink/{link}", LINK + "/{linkId}", 200),
    Case("GET", "issueLink/99999", LINK + "/{linkId}", 404),
    Case("GET", "issueLink/abc", LINK + "/{linkId}", 400),
    Case("DELETE", "issueLink/{link}", LINK + "/{linkId}", 204),
    Case("DELETE", "issueLink/99999", LINK + "/{linkId}", 404),
    Case("GET", "issue/ACME-3/remotelink", REMOTE, 200),
    Case("GET", "issue/ACME-99999/remotelink", REMOTE, 404),
    Case("POST", "issue/OPS-1/remotelink", REMOTE, 201, body={"object": {"url": "https://example.com/1", "title": "One"}}),
    Case("POST", "issue/OPS-1/remotelink", REMOTE, 400, body={"object": {"url": "https://example.com/1"}}),
    Case("POST", "issue/WEB-1/remotelink", REMOTE, 403, body={"object": {"url": "https://e.com", "title": "x"}}, user="bob"),
    Case("DELETE", "issue/OPS-1/remotelink/{remotelink}", REMOTE + "/{linkId}", 204),
    Case("DELETE", "issue/OPS-1/remotelink/99999", REMOTE + "/{linkId}", 404),
    Case("GET", "issue/picker", "/rest/api/3/issue/picker", 200, {"query": "login", "currentIssueKey": "ACME-1"}),
    Case("GET", "issue/picker", "/rest/api/3/issue/picker", 200, {"query": "zzzz-nothing"}, note="no match"),
    Case("GET", "issue/OPS-1/worklog", WORKLOGS, 200),
    Case("GET", "issue/OPS-99999/worklog", WORKLOGS, 404),
    Case("POST", "issue/OPS-1/worklog", WORKLOGS, 201, {"adjustEstimate": "new", "newEstimate": "2d"}, body=WORK),
    Case("POST", "issue/OPS-1/worklog", WORKLOGS, 400, body={**WORK, "timeSpent": "1x"}, note="bad time"),
    Case("POST", "issue/OPS-1/worklog", WORKLOGS, 400, {"adjustEstimate": "manual"}, body=WORK, note="no reduceBy"),
    Case("POST", "issue/WEB-1/worklog", WORKLOGS, 400, body=WORK, user="bob", note="no permission"),
    Case("GET", "issue/OPS-1/worklog/{worklog}", WORKLOGS + "/{id}", 200),
    Case("GET", "issue/OPS-1/worklog/99999", WORKLOGS + "/{id}", 404),
    Case("PUT", "issue/OPS-1/worklog/{worklog}", WORKLOGS + "/{id}", 200, {"adjustEstimate": "leave"}, body={"timeSpent": "2h"}),
    Case("PUT", "issue/OPS-1/worklog/{worklog}", WORKLOGS + "/{id}", 400, body={"timeSpent": "2h"}, user="bob",
         note="not his"),
    Case("DELETE", "issue/OPS-1/worklog/{worklog}", WORKLOGS + "/{id}", 204, {"adjustEstimate": "auto"}),
    Case("DELETE", "issue/OPS-1/worklog/99999", WORKLOGS + "/{id}", 404),
    Case("GET", "issue/OPS-1/watchers", WATCHERS, 200),
    Case("GET", "issue/OPS-99999/watchers", WATCHERS, 404),
    Case("POST", "issue/WEB-1/watchers", WATCHERS, 204, user="bob", note="may watch what he may only read"),
    Case("POST", "issue/OPS-1/watchers", WATCHERS, 403, body=ALICE_ID, user="bob", note="someone else"),
    Case("DELETE", "issue/OPS-1/watchers", WATCHERS, 204, {"accountId": ALICE_ID}),
    Case("DELETE", "issue/OPS-1/watchers", WATCHERS, 400),
    Case("GET", "issue/OPS-1/changelog", ISSUE + "/changelog", 200, {"maxResults": 2}),
    Case("GET", "issue/OPS-99999/changelog", ISSUE + "/changelog", 404),
    Case("GET", "issue/OPS-1", ISSUE, 200, {"expand": "changelog"}, note="with its changelog"),
]


@pytest.fixture(scope="module")
def spec_registry():
    """The OpenAPI description, loaded once and registered for ``$ref`` lookups as (spec, registry)."""
    spec = shared_fixture("openapi", SPEC_FILE.name)
    for name in EXAMPLE_GAPS:
        spec["components"]["schemas"][name].pop("additionalProperties")
    return spec, Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))


def response_schema_ref(spec: dict, openapi_path: str, method: str, status: int) -> str:
    """Return the spec-relative JSON pointer of the response's body schema (ErrorCollection when none)."""
    operation = spec["paths"][openapi_path][method.lower()]
    response = operation["responses"].get(str(status), {})
    if "schema" in response.get("content", {}).get("application/json", {}):
        escaped = openapi_path.replace("~", "~0").replace("/", "~1")
        return f"#/paths/{escaped}/{method.lower()}/responses/{status}/content/application~1json/schema"
    assert status >= 400, f"{method} {openapi_path} documents no JSON body for {status}"
    return ERROR_COLLECTION


def schema_errors(spec_registry, pointer: str, body) -> list[str]:
    """Return where ``body`` breaks the schema at ``pointer`` (empty when it conforms)."""
    _, registry = spec_registry
    validator = OAS30Validator({"$ref": SPEC_URI + pointer}, registry=registry)
    return [f"{'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message[:300]}"
            for error in validator.iter_errors(body) if not _is_spec_gap(error)]


def _is_spec_gap(error) -> bool:
    """Return whether the error only objects to properties (or nulls) real Jira is recorded sending."""
    if error.instance is None and error.absolute_path and error.absolute_path[-1] in SPEC_NULLS:
        return True
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return False
    unexpected = set(error.instance) - set(error.schema.get("properties", {}))
    return unexpected <= set(SPEC_GAPS)


@pytest.fixture
def comment_id(client) -> str:
    """The id of a new comment by admin on OPS-1 (a project bob may browse too)."""
    response = client.post("/rest/api/3/issue/OPS-1/comment", json={"body": ADF}, headers=basic_headers("admin"))
    assert response.status_code == 201, response.data
    return response.get_json()["id"]


@pytest.fixture
def made(client) -> dict:
    """The ids of a work log entry, an issue link and a web link the admin made on OPS-1."""
    admin = basic_headers("admin")
    worklog = client.post("/rest/api/3/issue/OPS-1/worklog", json=WORK, headers=admin)
    remote = client.post("/rest/api/3/issue/OPS-1/remotelink", json={"object": {"url": "https://e.com/2", "title": "2"}},
                         headers=admin)
    assert client.post("/rest/api/3/issueLink", json=LINK_BODY, headers=admin).status_code == 201
    links = client.get("/rest/api/3/issue/OPS-1?fields=issuelinks", headers=admin).get_json()["fields"]["issuelinks"]
    link = next(k["id"] for k in links if k.get("outwardIssue", {}).get("key") == "OPS-2")
    return {"{worklog}": worklog.get_json()["id"], "{remotelink}": str(remote.get_json()["id"]), "{link}": link}


def send(client, case: Case, comment_id: str, made: dict | None = None):
    """Send the case's request through the test client; return the response."""
    path = case.path.replace("{comment}", comment_id)
    for placeholder, value in (made or {}).items():
        path = path.replace(placeholder, value)
    url = path if path.startswith("/") else "/rest/api/3/" + path
    headers = basic_headers(case.user) if case.user else {}
    if case.files is not None:
        parts = {name: (io.BytesIO(data), filename) for name, (data, filename) in case.files.items()}
        return client.open(url, method=case.method, query_string=case.query, data=parts,
                           headers={**headers, "X-Atlassian-Token": "no-check"})
    return client.open(url, method=case.method, query_string=case.query, json=case.body, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_response_matches_openapi(spec_registry, client, comment_id, made, case):
    spec, _ = spec_registry
    response = send(client, case, comment_id, made)
    assert response.status_code == case.status, response.data[:500]
    if case.status in (204, 303) or case.empty:  # 303: Jira's redirect to the media service
        assert response.data == b""
        if case.status in (204, 303):
            assert (case.status == 204) != ("Location" in response.headers)
        return
    assert response.mimetype == "application/json"
    pointer = response_schema_ref(spec, case.openapi_path, case.method, case.status)
    errors = schema_errors(spec_registry, pointer, response.get_json())
    assert not errors, f"{case.openapi_path} {case.status} ({pointer}):\n" + "\n".join(errors)


def test_every_sandbox_jira_route_has_a_case(sandbox_app):
    covered = {(case.method, case.openapi_path) for case in CASES}
    routes = {
        (method, route_template(rule.rule))
        for rule in sandbox_app.url_map.iter_rules() if rule.rule.startswith("/rest/api/3/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set()


@pytest.mark.parametrize("name, recording", SPEC_GAPS.items())
def test_spec_gaps_are_recorded(spec_registry, name, recording):
    assert f'"{name}"' in (FIXTURES / "responses" / recording).read_text()


@pytest.mark.parametrize("name, gap", EXAMPLE_GAPS.items())
def test_example_gaps_are_in_the_specs_own_examples(spec_registry, name, gap):
    spec, _ = spec_registry
    names, (path, method) = gap
    example = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["example"]
    assert all(f'"{name}"' in example for name in names)


@pytest.mark.parametrize("name, recording", SPEC_NULLS.items())
def test_spec_nulls_are_recorded(spec_registry, name, recording):
    assert f'"{name}": null' in (FIXTURES / "responses" / recording).read_text()


@pytest.mark.parametrize("pointer, body", [
    (ERROR_COLLECTION, {"code": 401, "message": "Unauthorized"}),  # the gateway's shape is not Jira's
    (ERROR_COLLECTION, {"errorMessages": "one string"}),
    ("#/components/schemas/Comment", {"id": 10000}),
    ("#/components/schemas/SearchAndReconcileResults", {"issues": [{"key": 1}]}),
])
def test_validator_rejects_wrong_bodies(spec_registry, pointer, body):
    assert schema_errors(spec_registry, pointer, body)
