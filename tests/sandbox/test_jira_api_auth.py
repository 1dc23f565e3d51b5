"""Who may call the sandbox's Jira API: credentials, sites, gateway refusals and OAuth scopes."""

import base64

import pytest

from sandbox import directory
from tests.support.sandbox import HOME_SITE, basic_headers, bearer_headers

NOT_AUTHENTICATED = {"errorMessages": ["You are not authenticated. Authentication required to perform this operation."],
                     "errors": {}}
SCOPE_MISMATCH = {"code": 401, "message": "Unauthorized; scope does not match"}
OTHER_SITE = directory.SITE_IDS[1]
ADF = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "hi"}]}]}


def _basic(raw: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


@pytest.mark.parametrize("headers", [
    {},
    _basic("alice@sandbox.test:wrong-token"),
    _basic("nobody@sandbox.test:sandbox-alice-api-token"),
    _basic("alice@sandbox.test:alice"),  # passwords are not accepted, as on Jira Cloud since 2019
    {"Authorization": "Basic not-base64!"},
    {"Authorization": "Bearer whatever"},
])
def test_site_style_needs_an_email_and_api_token(client, headers):
    response = client.get("/rest/api/3/myself", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == NOT_AUTHENTICATED
    assert response.content_type == "application/json;charset=UTF-8"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer unknown"}, _basic("alice@sandbox.test:nope")])
def test_gateway_refuses_missing_or_bad_credentials(client, fake_identity, headers):
    response = client.get(f"/ex/jira/{HOME_SITE}/rest/api/3/myself", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"code": 401, "message": "Unauthorized"}


@pytest.mark.parametrize("cloud_id", ["00000000-0000-4000-8000-000000000000", "not-a-site"])
def test_gateway_refuses_unknown_sites(client, fake_identity, cloud_id):
    token = fake_identity.token_for("alice")
    response = client.get(f"/ex/jira/{cloud_id}/rest/api/3/myself", headers=bearer_headers(token))
    assert response.status_code == 401
    assert response.get_json() == SCOPE_MISMATCH


@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_gateway_refuses_a_site_the_user_has_no_access_to(client, fake_identity, auth):
    headers = basic_headers("bob") if auth == "basic" else bearer_headers(fake_identity.token_for("bob"))
    response = client.get(f"/ex/jira/{OTHER_SITE}/rest/api/3/project/search", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == SCOPE_MISMATCH


def test_gateway_acts_on_the_named_site(client, fake_identity):
    token = fake_identity.token_for("alice")
    response = client.get(f"/ex/jira/{OTHER_SITE}/rest/api/3/project/search", headers=bearer_headers(token))
    assert [p["key"] for p in response.get_json()["values"]] == ["GLOBX"]
    assert response.get_json()["values"][0]["self"] == f"http://localhost/ex/jira/{OTHER_SITE}/rest/api/3/project/10003"


def test_site_style_acts_on_the_home_site(client):
    response = client.get("/rest/api/3/project/search", headers=basic_headers("alice"))
    assert [p["key"] for p in response.get_json()["values"]] == ["ACME", "OPS"]
    assert response.get_json()["values"][0]["self"] == "http://localhost/rest/api/3/project/10000"


@pytest.mark.parametrize(("method", "path", "body", "scopes", "allowed"), [
    ("GET", "issue/ACME-1", None, {"read:jira-work"}, True),
    ("GET", "issue/ACME-1", None, {"write:jira-work", "read:jira-user"}, False),
    ("GET", "search/jql?jql=project=ACME", None, {"read:jira-work"}, True),
    ("GET", "myself", None, {"read:jira-work"}, False),
    ("GET", "myself", None, {"read:jira-user"}, True),
    ("GET", "user/assignable/search?project=ACME", None, {"read:jira-work"}, False),
    ("POST", "issue/ACME-1/comment", {"body": ADF}, {"read:jira-work"}, False),
    ("POST", "issue/ACME-1/comment", {"body": ADF}, {"write:jira-work"}, True),
    ("PUT", "issue/ACME-1", {"fields": {"summary": "x"}}, {"read:jira-work", "read:jira-user"}, False),
    ("POST", "search/approximate-count", {"jql": "project = ACME"}, {"read:jira-work"}, True),
    ("GET", "serverInfo", None, set(), True),
])
def test_oauth_scopes_are_enforced(client, fake_identity, method, path, body, scopes, allowed):
    token = fake_identity.token_for("alice", scopes)
    response = client.open(f"/ex/jira/{HOME_SITE}/rest/api/3/{path}", method=method, json=body,
                           headers=bearer_headers(token))
    if allowed:
        assert response.status_code in (200, 201, 204)
    else:
        assert response.status_code == 401
        assert response.get_json() == SCOPE_MISMATCH


def test_real_identity_tokens_work(sandbox_app):
    identity = sandbox_app.extensions["sandbox_identity"]
    client_id = directory.OAUTH_CLIENT["client_id"]
    redirect_uri = directory.OAUTH_CLIENT["redirect_uris"][0]
    scopes = ("read:jira-work", "read:jira-user", "write:jira-work", "offline_access")
    code = identity.issue_code(client_id, redirect_uri, directory.user_by("name", "bob"), scopes)
    token = identity.exchange_code(client_id, code, redirect_uri)["access_token"]
    response = sandbox_app.test_client().get(f"/ex/jira/{HOME_SITE}/rest/api/3/myself",
                                             headers=bearer_headers(token))
    assert response.status_code == 200
    assert response.get_json()["emailAddress"] == "bob@sandbox.test"


def test_server_info_says_cloud(api):
    body = api.get("serverInfo").get_json()
    assert body["deploymentType"] == "Cloud"
    assert body["baseUrl"] == directory.SITES[0]["url"]
