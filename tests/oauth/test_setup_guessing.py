"""Guessing ADMIN_TOKEN on /setup: slowed down, then locked out, per client address and for everyone,
shared through Redis, counted in the metrics; the right token resets the address's count."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from jira_client.state import app_state
from jira_client.web import guesses
from tests.support.clock import FakeClock
from tests.support.oauth import make_oauth_app
from tests.support.sandbox import sandbox_admin

ADMIN_TOKEN = "emergency-admin-token-0123456789abcdef"
HOME = {"REMOTE_ADDR": "198.51.100.7"}


def _app(tmp_path, sandbox, **overrides):
    admin = sandbox_admin(sandbox)
    app = make_oauth_app(tmp_path, sandbox.url, ADMIN_TOKEN=ADMIN_TOKEN, JIRA_BASE_URL=sandbox.url,
                         JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"], **overrides)
    clock = FakeClock()
    app_state(app).setup_guesses.clock = clock
    return app, clock


def _guess(app, token: str = "wrong", address: dict = HOME):
    return app.test_client().post("/setup", data={"admin_token": token}, environ_base=address)


def _metric(action: str) -> float:
    return REGISTRY.get_sample_value("jira_web_admin_setup_total", {"action": action}) or 0.0


def test_wrong_guesses_are_slowed_down_then_locked_out_even_for_the_right_token(tmp_path, sandbox):
    app, clock = _app(tmp_path, sandbox)
    throttled, locked = _metric("throttled"), _metric("locked")

    assert [_guess(app).status_code for _ in range(guesses.FREE_FAILURES)] == [403] * guesses.FREE_FAILURES
    refused = _guess(app)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "not checked" in refused.get_data(as_text=True)
    assert _guess(app, ADMIN_TOKEN).status_code == 429  # not even compared while it must wait

    for wait in (2 ** n for n in range(guesses.LOCKOUT_FAILURES - guesses.FREE_FAILURES)):
        clock.advance(wait)
        assert _guess(app).status_code == 403
    clock.advance(60)  # long past any slow-down: this is the lockout
    locked_out = _guess(app, ADMIN_TOKEN)
    assert locked_out.status_code == 429 and int(locked_out.headers["Retry-After"]) > 60
    assert _metric("throttled") == throttled + 3 and _metric("locked") == locked + 1

    clock.advance(guesses.WINDOW_SECONDS)
    assert _guess(app, ADMIN_TOKEN).status_code == 302


def test_another_address_is_not_held_up_by_one_that_guesses(tmp_path, sandbox):
    app, _ = _app(tmp_path, sandbox)
    for _ in range(guesses.FREE_FAILURES):
        _guess(app)

    assert _guess(app).status_code == 429
    assert _guess(app, address={"REMOTE_ADDR": "203.0.113.5"}).status_code == 403


def test_guesses_from_many_addresses_lock_the_form_for_everyone(tmp_path, sandbox):
    app, clock = _app(tmp_path, sandbox)
    for n in range(guesses.GLOBAL_LOCKOUT_FAILURES):
        assert _guess(app, address={"REMOTE_ADDR": f"10.0.{n // 200}.{n % 200}"}).status_code == 403

    fresh = _guess(app, ADMIN_TOKEN, address={"REMOTE_ADDR": "192.0.2.1"})
    assert fresh.status_code == 429 and "have been tried" in fresh.get_data(as_text=True)
    clock.advance(guesses.WINDOW_SECONDS + 1)
    assert _guess(app, ADMIN_TOKEN, address={"REMOTE_ADDR": "192.0.2.1"}).status_code == 302


def test_the_right_token_forgets_the_addresss_failures(tmp_path, sandbox):
    app, _ = _app(tmp_path, sandbox)
    for _ in range(guesses.FREE_FAILURES - 1):
        _guess(app)
    assert _guess(app, ADMIN_TOKEN).status_code == 302

    assert [_guess(app).status_code for _ in range(guesses.FREE_FAILURES)] == [403] * guesses.FREE_FAILURES


@pytest.mark.redis
def test_workers_sharing_redis_share_the_count(tmp_path, sandbox, machine_redis, key_prefix):
    shared = {"SESSION_TYPE": None, "REDIS_URL": machine_redis, "SESSION_KEY_PREFIX": key_prefix}
    first, clock = _app(tmp_path / "one", sandbox, **shared)
    second, _ = _app(tmp_path / "two", sandbox, **shared)
    app_state(second).setup_guesses.clock = clock

    for _ in range(guesses.FREE_FAILURES):
        assert _guess(first).status_code == 403
    assert _guess(second).status_code == 429
    clock.advance(1)
    assert _guess(second).status_code == 403
    assert _guess(first).status_code == 429
