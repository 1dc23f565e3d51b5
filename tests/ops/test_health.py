"""/healthz is alive without I/O; /readyz follows the session store and only reports Jira."""

from __future__ import annotations

import redis

from jira_client.observability.checks import CachedProbe, Check
from tests.conftest import make_app


def test_healthz_answers_without_any_io(client, jira_http):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert len(jira_http.calls) == 0


def test_readyz_is_ready_with_a_writable_session_folder(tmp_path, sandbox):
    app = make_app(tmp_path, SESSION_TYPE="", SESSION_CACHELIB=None, JIRA_BASE_URL=sandbox.url)
    answer = app.test_client().get("/readyz")

    assert answer.status_code == 200
    checks = answer.json["checks"]
    assert checks["session_store"]["ok"] and "writable" in checks["session_store"]["detail"]
    assert checks["jira"]["ok"] and checks["jira"]["required"] is False


def test_readyz_stays_ready_when_jira_is_unreachable(tmp_path):
    app = make_app(tmp_path, JIRA_BASE_URL="http://127.0.0.1:9")  # discard port: nothing listens
    answer = app.test_client().get("/readyz")

    assert answer.status_code == 200
    assert answer.json["checks"]["jira"]["ok"] is False


def test_readyz_fails_while_redis_is_down_and_recovers(tmp_path, redis_server):
    app = make_app(tmp_path, SESSION_TYPE="redis", SESSION_REDIS=redis.Redis.from_url(redis_server.url),
                   JIRA_BASE_URL="http://127.0.0.1:9")
    client = app.test_client()
    assert client.get("/readyz").status_code == 200

    redis_server.stop()
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.json["status"] == "not ready" and not down.json["checks"]["session_store"]["ok"]

    redis_server.start()
    back = client.get("/readyz")
    assert back.status_code == 200 and back.json["checks"]["session_store"]["ok"]


def test_the_jira_probe_is_cached_for_its_ttl():
    now, probes = [100.0], []
    probe = CachedProbe(lambda: probes.append(1) or Check("Jira reachable", True, "ok"), ttl=30, clock=lambda: now[0])

    probe()
    now[0] += 29
    result, age = probe()
    assert (len(probes), age, result.ok) == (1, 29, True)
    now[0] += 1
    probe()
    assert len(probes) == 2
