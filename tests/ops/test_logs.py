"""Logs: one JSON line per request and per event, request ids passed on, no secret ever written."""

from __future__ import annotations

import base64
import json
import logging
import re

from responses import matchers

from jira_client.observability import events
from jira_client.observability.logs import JsonFormatter, clean, pseudonym
from tests.support import sandbox as control
from tests.support.apps import make_app
from tests.support.oauth import make_oauth_app, session_record, sign_in
from tests.support.stubs import EMPTY_PROJECTS


def log_lines(text: str) -> list[dict]:
    """Return every line of ``text`` parsed as JSON (failing the test on one that is not)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def request_lines(text: str) -> list[dict]:
    return [line for line in log_lines(text) if line["event"] == "request"]


def test_each_request_writes_one_json_line(client, capsys):
    answer = client.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})

    (line,) = request_lines(capsys.readouterr().err)
    assert answer.headers["X-Request-ID"] == "trace-42.a_b"
    assert line["request_id"] == "trace-42.a_b"
    assert (line["route"], line["method"], line["path"], line["status"]) == ("health.healthz", "GET", "/healthz", 200)
    assert line["level"] == "info" and line["logger"] == "jira_client.requests"
    assert isinstance(line["duration_ms"], float)
    assert (line["jira_calls"], line["jira_ms"], line["user"]) == (0, 0.0, None)


def test_an_unsafe_request_id_is_replaced(client, capsys):
    for offered in ("has space", "x" * 129, "<script>", "a\r\nforged: yes"):
        answer = client.get("/healthz", environ_overrides={"HTTP_X_REQUEST_ID": offered})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])
    text = capsys.readouterr().err
    assert "forged" not in text and "<script>" not in text
    assert len(request_lines(text)) == 4


def test_the_request_id_goes_on_to_jira_and_the_line_counts_the_calls(client, jira_http, capsys):
    jira_http.get("https://jira.test/rest/api/3/project/search", json=EMPTY_PROJECTS,
                  match=[matchers.header_matcher({"X-Request-ID": "req-7"})])

    assert client.get("/projects", headers={"X-Request-ID": "req-7"}).status_code == 200

    (line,) = request_lines(capsys.readouterr().err)
    assert line["jira_calls"] == 1 and line["jira_ms"] >= 0
    assert line["site"] == "https://jira.test"
    assert line["user"] == pseudonym("test-secret-key", "shared")  # HMAC of the cache scope, not the account


def test_records_still_reach_caplog(client, caplog):
    with caplog.at_level(logging.INFO, logger="jira_client"):
        client.get("/healthz")
    assert any(record.name == "jira_client.requests" for record in caplog.records)


def test_crlf_cannot_forge_a_line(capsys):
    events.sign_in_failed('denied\r\n{"level": "error", "event": "forged"}', account_id="acc\nX")

    err = capsys.readouterr().err
    (line,) = log_lines(err)
    assert line["event"] == "auth_failure"
    assert line["reason"] == 'denied\\r\\n{"level": "error", "event": "forged"}'
    assert clean("a\nb\rc") == "a\\nb\\rc"


def test_no_token_secret_or_cookie_is_ever_logged(tmp_path, sandbox, sandbox_info, capsys, caplog):
    admin = next(user for user in sandbox_info["users"] if user["admin"])
    alice = next(user for user in sandbox_info["users"] if user["name"] == "alice")
    secret_key = "k" * 20 + "secret-key-for-logs"
    app = make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"],
                   JIRA_API_TOKEN=admin["api_token"], SECRET_KEY=secret_key, METRICS_TOKEN="metrics-token-5ec2e7")
    client = app.test_client()
    control.set_faults(sandbox, {"path": "search/jql", "status": 429, "retry_after": 0, "count": 1})
    with caplog.at_level(logging.DEBUG, logger="jira_client"):
        pages = [client.get(path, headers={"Authorization": "Bearer metrics-token-5ec2e7", "Cookie": "other=cookie-value-c00k1e"})
                 for path in ("/projects", "/issues/ACME-1", "/search?jql=project%3DACME", "/metrics", "/readyz")]
        refused = make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=alice["email"],
                           JIRA_API_TOKEN=alice["api_token"] + "-revoked").test_client().get("/projects")
        events.signed_in(alice["account_id"], sandbox.url)
        events.token_refreshed("failure", alice["account_id"], reason="invalid_grant")
        events.signed_out(alice["account_id"])
    text = capsys.readouterr().err + "\n" + caplog.text

    assert [page.status_code for page in pages] == [200, 200, 200, 200, 200] and refused.status_code == 502
    events_seen = {line["event"] for line in log_lines(capsys_free(text))}
    assert {"request", "rate_limited", "auth_failure", "sign_in", "refresh_failure", "logout"} <= events_seen
    basic = base64.b64encode(f"{admin['email']}:{admin['api_token']}".encode()).decode()
    forbidden = [user["api_token"] for user in sandbox_info["users"]] + [
        sandbox_info["oauth"]["client_secret"], secret_key, basic, "metrics-token-5ec2e7", "cookie-value-c00k1e",
        alice["account_id"],
    ]
    for value in forbidden:
        assert value not in text, f"{value!r} was logged"


def capsys_free(text: str) -> str:
    """Return only the JSON lines of mixed captured output (caplog's own lines are plain text)."""
    return "\n".join(line for line in text.splitlines() if line.startswith("{"))


def test_a_multi_user_sign_in_logs_no_token(tmp_path, sandbox, capsys):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "alice", site="acme")
    client.get("/projects")
    _, record = session_record(app, client)
    text = capsys.readouterr().err
    info = control.sandbox_info(sandbox)

    assert request_lines(text)
    for value in (record.access_token, record.refresh_token, info["oauth"]["client_secret"], app.config["SECRET_KEY"]):
        assert value not in text
    assert "code=" not in text and "state=" not in text  # the callback's query string is never logged


def test_events_name_the_person_and_the_request_as_the_request_lines_do(tmp_path, sandbox, capsys):
    app = make_oauth_app(tmp_path, sandbox.url)
    client = app.test_client()
    sign_in(client, "alice", site="acme")
    client.get("/projects")
    client.post("/logout")
    lines = log_lines(capsys.readouterr().err)
    projects = next(line for line in lines if line.get("route") == "projects.index" and line.get("user"))
    logout = next(line for line in lines if line.get("event") == "logout")
    logout_request = next(line for line in lines if line.get("route") == "auth.logout")
    assert logout["user"] == projects["user"]
    assert logout["request_id"] == logout_request["request_id"]


def test_line_times_are_utc_to_the_millisecond_across_seconds():
    formatter = JsonFormatter()
    times = [1_800_000_000.0, 1_800_000_000.999, 1_800_000_001.25, 1_800_000_000.5]  # back again, too
    stamps = []
    for created in times:
        record = logging.LogRecord("jira_client.test", logging.INFO, __file__, 1, "x", (), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        stamps.append(json.loads(formatter.format(record))["ts"])
    assert stamps == ["2027-01-15T08:00:00.000Z", "2027-01-15T08:00:00.999Z", "2027-01-15T08:00:01.250Z",
                      "2027-01-15T08:00:00.500Z"]
