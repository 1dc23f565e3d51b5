"""A kept draft, and the page to return to, belong to the account and site that made them: when someone
else signs in on the same browser (or the same person on another site), they are dropped."""

from __future__ import annotations

from tests.support.forms import comment_form
from tests.support.oauth import make_oauth_app, sign_in
from tests.support.sandbox import sandbox_fault, sandbox_user

TEXT = "A half-written comment meant for its writer alone"
ADMIN_TOKEN = "emergency-admin-token-0123456789abcdef"


def _drafts(client) -> dict:
    with client.session_transaction() as sess:
        return dict(sess.get("drafts") or {})


def _interrupted_comment(client, who: str, key: str = "OPS-1"):
    """Sign ``who`` in, start a comment on ``key``, end their grant and post it: it is kept as a draft."""
    sign_in(client, who, site="acme" if who == "alice" else None)
    form = {**comment_form(client, key), "body": TEXT}
    sandbox_fault(client.application.config["_SANDBOX"], revoke_grant=who)
    response = client.post(f"/issues/{key}/comments", data=form)
    assert response.status_code == 302 and response.headers["Location"] == f"/login?next=/issues/{key}"
    assert _drafts(client)


def _app(tmp_path, sandbox, **overrides):
    app = make_oauth_app(tmp_path, sandbox.url, **overrides)
    app.config["_SANDBOX"] = sandbox
    return app


def test_the_next_person_on_the_browser_never_gets_the_draft_or_the_page(tmp_path, sandbox):
    client = _app(tmp_path, sandbox).test_client()
    _interrupted_comment(client, "admin")

    back = sign_in(client, "bob", next_path="/issues/OPS-1")  # Bob, at the same browser, follows the same link

    assert back.headers["Location"] == "/"  # not the page Ada was on
    assert _drafts(client) == {}
    page = client.get("/issues/OPS-1").get_data(as_text=True)
    assert TEXT not in page and "Bob Brown" in page


def test_the_same_person_signing_in_again_gets_both_back(tmp_path, sandbox):
    client = _app(tmp_path, sandbox).test_client()
    _interrupted_comment(client, "admin")

    assert sign_in(client, "admin", next_path="/issues/OPS-1").headers["Location"] == "/issues/OPS-1"
    assert TEXT in client.get("/issues/OPS-1").get_data(as_text=True)


def test_the_same_person_on_another_site_does_not_get_the_draft(tmp_path, sandbox):
    client = _app(tmp_path, sandbox).test_client()
    _interrupted_comment(client, "alice")

    sign_in(client, "alice", next_path="/issues/OPS-1", site="globex")

    assert _drafts(client) == {}  # a draft for acme's OPS-1 must not be posted to another site


def test_an_emergency_admin_session_does_not_get_the_draft(tmp_path, sandbox):
    admin = sandbox_user(sandbox, "admin")
    app = _app(tmp_path, sandbox, ADMIN_TOKEN=ADMIN_TOKEN, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"],
               JIRA_API_TOKEN=admin["api_token"])
    client = app.test_client()
    _interrupted_comment(client, "bob")

    assert client.post("/setup", data={"admin_token": ADMIN_TOKEN}).status_code == 302

    assert _drafts(client) == {}


def test_a_draft_typed_with_nobody_signed_in_goes_to_whoever_signs_in(tmp_path, sandbox):
    client = _app(tmp_path, sandbox).test_client()
    client.post("/issues/OPS-1/comments", data={"body": "typed on a fresh browser"})

    assert sign_in(client, "bob", next_path="/issues/OPS-1").headers["Location"] == "/issues/OPS-1"
    assert "typed on a fresh browser" in client.get("/issues/OPS-1").get_data(as_text=True)
