"""/healthz is alive without I/O; /readyz follows the session store and only reports Jira."""

from __future__ import annotations

import threading

import redis

from jira_client.observability.checks import CachedProbe, Check
from tests.support.apps import make_app


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


def test_readyz_names_jira_and_the_session_folder_only_to_the_metrics_token(tmp_path, sandbox):
    app = make_app(tmp_path, SESSION_TYPE="", SESSION_CACHELIB=None, JIRA_BASE_URL=sandbox.url, METRICS_TOKEN="m" * 8 + "-scrape-0123")
    client = app.test_client()

    anonymous = client.get("/readyz").get_data(as_text=True)
    wrong = client.get("/readyz", headers={"Authorization": "Bearer not-the-token"}).get_data(as_text=True)
    operator = client.get("/readyz", headers={"Authorization": "Bearer mmmmmmmm-scrape-0123"}).get_data(as_text=True)

    for answer in (anonymous, wrong):
        assert sandbox.url not in answer and "127.0.0.1" not in answer and str(tmp_path) not in answer
        assert '"ok": true' in answer.replace('"ok":true', '"ok": true')
    assert sandbox.url in operator and str(tmp_path) in operator


def test_without_a_metrics_token_readyz_never_names_the_identity_service(tmp_path, sandbox):
    from tests.support.oauth import make_oauth_app

    answer = make_oauth_app(tmp_path, sandbox.url).test_client().get("/readyz")

    assert answer.status_code == 200 and answer.json["checks"]["jira"]["ok"]
    assert sandbox.url not in answer.get_data(as_text=True)


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


def test_the_jira_probe_is_cached_for_its_ttl_then_refreshed_in_the_background():
    now, probes, refreshed = [100.0], [], threading.Event()

    def check():
        probes.append(1)
        if len(probes) == 2:
            refreshed.set()
        return Check("Jira reachable", True, "ok")

    probe = CachedProbe(check, ttl=30, clock=lambda: now[0])
    probe()
    now[0] += 29
    result, age = probe()
    assert (len(probes), age, result.ok) == (1, 29, True)
    now[0] += 1
    assert probe()[1] == 30  # stale: the old answer at once, a new probe behind it
    assert refreshed.wait(5)


def test_a_slow_jira_probe_never_holds_readyz_back():
    now, release, finished, calls = [100.0], threading.Event(), threading.Event(), []

    def check():
        calls.append(1)
        if len(calls) > 1:
            release.wait(5)  # Jira hangs on the second probe
            finished.set()
        return Check("Jira reachable", True, "ok")

    probe = CachedProbe(check, ttl=30, clock=lambda: now[0])
    probe()
    now[0] += 30
    result, _ = probe()
    assert result.ok and not finished.is_set()  # answered while the second probe still hangs
    release.set()
    assert finished.wait(5)
