"""Isolation and secrecy: bob never sees alice's projects or issues, caches are per person and
site, and no token appears in the session store's files or keys, in pages, or in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cachelib.file import FileSystemCache

from jira_client.state import app_state
from tests.support.oauth import make_oauth_app, session_record, sign_in
from tests.support.sandbox import oauth_stats, sandbox_fault


def test_bob_never_sees_alices_projects_or_issues(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, "alice", site="acme")
    sign_in(bob, "bob")
    assert b"ACME" in alice.get("/projects").data
    assert alice.get("/issues/ACME-1").status_code == 200
    projects = bob.get("/projects")
    assert b"OPS" in projects.data and b"ACME" not in projects.data and b"GLOBX" not in projects.data
    project = bob.get("/projects/ACME")
    assert project.status_code in (400, 404) and b"ACME-1" not in project.data
    assert bob.get("/issues/ACME-1").status_code == 404
    search = bob.get("/search?jql=project%20%3D%20ACME")
    assert b"ACME-1" not in search.data
    assert b"Alice" not in bob.get("/projects").data


def test_cache_scope_is_per_person_and_site(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, "alice", site="acme")
    sign_in(bob, "bob")
    scopes = []
    for client in (alice, bob):
        with client.session_transaction() as sess:
            auth = sess["auth"]
        scopes.append(f"{auth['account_id']}@{auth['site']['id']}")
    with app.test_request_context():
        from flask import session

        with alice.session_transaction() as sess:
            session.update(sess)
        assert app_state(app).strategy.cache_scope() == scopes[0]
    assert scopes[0] != scopes[1]


def _token_values(app, client) -> list[str]:
    _, record = session_record(app, client)
    return [record.access_token, record.refresh_token]


def _signed_in_with_a_refresh(app, sandbox) -> tuple[object, list[str]]:
    client = app.test_client()
    sign_in(client, "bob")
    secrets = _token_values(app, client)
    sandbox_fault(sandbox, expire_access_tokens=True)
    assert client.get("/projects").status_code == 200
    assert oauth_stats(sandbox)["refreshes"] == 1
    return client, secrets + _token_values(app, client)


def test_no_plaintext_token_in_the_session_files_pages_or_logs(tmp_path, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    directory = tmp_path / "sessions"
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_CACHELIB=FileSystemCache(str(directory), mode=0o600))
    client, secrets = _signed_in_with_a_refresh(app, sandbox)
    pages = b"".join(client.get(path).data for path in ("/projects", "/account", "/issues/OPS-1"))
    files = [path.read_bytes() for path in Path(directory).rglob("*") if path.is_file()]
    assert len(files) >= 2  # the session and the token record
    for secret in secrets:
        assert secret and secret.encode() not in b"".join(files)
        assert secret.encode() not in pages
        assert secret not in caplog.text
        assert secret not in str(client.get_cookie("session").value)


@pytest.mark.redis
def test_no_plaintext_token_in_redis(tmp_path, sandbox, redis_client, caplog):
    caplog.set_level(logging.DEBUG)
    prefix = redis_client.test_prefix
    app = make_oauth_app(tmp_path, sandbox.url, SESSION_TYPE="redis", SESSION_REDIS=redis_client, SESSION_KEY_PREFIX=prefix)
    _, secrets = _signed_in_with_a_refresh(app, sandbox)
    keys = list(redis_client.scan_iter(f"{prefix}*"))
    assert any(b":tokens:" in key for key in keys)
    dump = b""
    for key in keys:
        kind = redis_client.type(key)
        if kind == b"zset":  # the quota ledger's spenders (pseudonyms)
            dump += key + b"".join(redis_client.zrange(key, 0, -1))
            continue
        dump += key + (b"".join(redis_client.hgetall(key).values()) if kind == b"hash" else redis_client.get(key) or b"")
    for secret in secrets:
        assert secret.encode() not in dump
        assert secret not in caplog.text


def test_a_record_that_no_longer_decrypts_means_signed_out(tmp_path, sandbox):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "bob")
    record_id, _ = session_record(app, client)
    other = make_oauth_app(tmp_path, sandbox.url, SESSION_CACHELIB=app.config["SESSION_CACHELIB"], TOKEN_ENCRYPTION_KEY="a-rotated-key")
    stranger = other.test_client()
    stranger.set_cookie("session", client.get_cookie("session").value)
    response = stranger.get("/projects")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
