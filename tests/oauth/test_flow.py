"""The whole sign-in flow against the live sandbox, for a one-site and a two-site user."""

from __future__ import annotations

from jira_client.settings import DEFAULT_SCOPES
from tests.support.oauth import make_oauth_app, session_record, sign_in, start_sign_in
from tests.support.sandbox import oauth_stats


def test_bob_signs_in_with_one_site_and_lands_where_he_was_going(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    assert client.get("/projects/OPS").headers["Location"] == "/login?next=/projects/OPS"
    response = sign_in(client, "bob", next_path="/projects/OPS")
    assert response.status_code == 302 and response.headers["Location"] == "/projects/OPS"
    page = client.get("/projects/OPS")
    assert page.status_code == 200
    assert b"Bob Brown" in page.data and b"acme" in page.data
    assert oauth_stats(sandbox)["grants"] == 1


def test_alice_with_two_sites_chooses_one_and_can_switch(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    response = sign_in(client, "alice", next_path="/projects")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sites?next=/projects")
    assert client.get("/projects").headers["Location"].startswith("/sites")
    chooser = client.get("/sites?next=/projects")
    assert b"acme" in chooser.data and b"globex" in chooser.data
    sites = {s["name"]: s["id"] for s in _sites(client)}
    assert client.post("/sites", data={"site": sites["globex"], "next": "/projects"}).headers["Location"] == "/projects"
    globex = client.get("/projects")
    assert b"GLOBX" in globex.data and b"ACME" not in globex.data
    client.post("/sites", data={"site": sites["acme"], "next": "/projects"})
    acme = client.get("/projects")
    assert b"ACME" in acme.data and b"GLOBX" not in acme.data


def _sites(client) -> list[dict]:
    with client.session_transaction() as sess:
        return sess["auth"]["sites"]


def test_a_site_outside_the_grant_is_refused(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "alice")
    response = client.post("/sites", data={"site": "../../11111111-2222-4333-8444-555555555599", "next": "/"})
    assert response.status_code == 400
    assert client.get("/projects").status_code == 302  # still no site chosen


def test_authorize_url_carries_what_atlassian_needs(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    location = start_sign_in(client)
    from urllib.parse import parse_qs, urlsplit

    url = urlsplit(location)
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{sandbox.url}/authorize"
    assert params["audience"] == "api.atlassian.com" and params["prompt"] == "consent"
    assert params["response_type"] == "code" and params["client_id"] == "sandbox-client-id"
    assert params["scope"] == DEFAULT_SCOPES and "read:board-scope:jira-software" in params["scope"].split()
    assert params["redirect_uri"] == "http://localhost:5000/auth/callback"
    assert len(params["state"]) >= 22


def test_redirect_uri_ignores_the_host_header(tmp_path, sandbox):
    client = make_oauth_app(tmp_path, sandbox.url).test_client()
    started = client.post("/login/start", data={"next": "/"}, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fauth%2Fcallback" in started.headers["Location"]


def test_account_page_shows_identity_scopes_and_horizons(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    page = client.get("/account")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("Bob Brown", "acme", "offline_access", "Access token expires", "90 days", "365 days", 'id="reconnect"'):
        assert expected in text
    _, record = session_record(app, client)
    assert record.refreshed_at is None and record.version == 1
