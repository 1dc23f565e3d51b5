"""The live sandbox server: a free port, HTTP/1.1 keep-alive, connection counting, stalls, stop()."""

import socket

import pytest
import requests

from sandbox import directory, start_sandbox
from tests.support.sandbox import reset_stats, sandbox_stats, set_faults

ADMIN = directory.user_by("name", "admin")
AUTH = (ADMIN["email"], ADMIN["api_token"])
ISSUE = "/rest/api/3/issue/ACME-1"
PARAGRAPH = {"type": "paragraph", "content": [{"type": "text", "text": "from test_server"}]}
COMMENT = {"body": {"type": "doc", "version": 1, "content": [PARAGRAPH]}}


def test_running_sandbox_describes_itself(live):
    assert live.host == "127.0.0.1" and live.port > 0
    assert live.url == f"http://127.0.0.1:{live.port}"
    assert live.app.extensions["sandbox_world"] is not None


def test_one_session_uses_one_connection(live):
    with requests.Session() as session:
        statuses = [session.get(live.url + ISSUE, auth=AUTH, timeout=5).status_code for _ in range(20)]
    assert statuses == [200] * 20
    assert sandbox_stats(live)["connections"] == 2  # the session's one, plus sandbox_stats()'s own


def test_keep_alive_survives_request_bodies(live):
    set_faults(live, {"method": "POST", "status": 503, "count": 1})  # answered before the body is read
    reset_stats(live)
    with requests.Session() as session:
        assert session.post(live.url + ISSUE + "/comment", json=COMMENT, auth=AUTH, timeout=5).status_code == 503
        for _ in range(3):
            assert session.post(live.url + ISSUE + "/comment", json=COMMENT, auth=AUTH, timeout=5).status_code == 201
            assert session.get(live.url + ISSUE, auth=AUTH, timeout=5).status_code == 200
    assert sandbox_stats(live)["connections"] == 2  # the session's one, plus sandbox_stats()'s own


def test_each_session_opens_its_own_connection(live):
    for _ in range(2):
        with requests.Session() as session:
            for _ in range(5):
                session.get(live.url + ISSUE, auth=AUTH, timeout=5)
    requests_counted = sandbox_stats(live)
    assert requests_counted["connections"] == 3
    assert requests_counted["requests"] == [
        {"method": "GET", "path": "/rest/api/3/issue/{issueIdOrKey}", "status": 200, "count": 10},
    ]


def test_stop_frees_the_port():
    sandbox = start_sandbox()
    port = sandbox.port
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(sandbox.url + "/_sandbox/info", timeout=2)
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
    again = start_sandbox(port=port)
    again.stop()


def test_stop_hangs_up_on_idle_keep_alive_connections():
    with requests.Session() as session:
        with start_sandbox() as sandbox:
            session.get(sandbox.url + ISSUE, auth=AUTH, timeout=5)
        with pytest.raises(requests.ConnectionError):
            session.get(sandbox.url + ISSUE, auth=AUTH, timeout=2)


def test_busy_port_raises_oserror(live):
    with pytest.raises(OSError):
        start_sandbox(port=live.port)


def test_a_stalled_request_does_not_break_the_next(live):
    set_faults(live, {"path": "/issue/", "stall_seconds": 30, "count": 1})
    with requests.Session() as session:
        with pytest.raises(requests.Timeout):
            session.get(live.url + ISSUE, auth=AUTH, timeout=0.3)
        assert session.get(live.url + ISSUE, auth=AUTH, timeout=5).status_code == 200
    set_faults(live)  # ends the stall: the stalled thread now answers a client that has gone
    assert requests.get(live.url + ISSUE, auth=AUTH, timeout=5).status_code == 200


def test_sandbox_faults_reach_a_real_client(live):
    set_faults(live, {"status": 429, "retry_after": 1, "count": 1})
    with requests.Session() as session:
        limited = session.get(live.url + ISSUE, auth=AUTH, timeout=5)
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
        assert session.get(live.url + ISSUE, auth=AUTH, timeout=5).status_code == 200
