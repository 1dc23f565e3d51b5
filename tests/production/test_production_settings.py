"""What production refuses to start with, each refusal naming its variable."""

from __future__ import annotations

import pytest

from jira_client.settings import Settings, SettingsError
from tests.support.paths import VENV_BIN
from tests.support.processes import free_port, server_env

STRONG = "s" * 16 + "0123456789abcdef0123"
SINGLE_USER = {"SECRET_KEY": STRONG, "JIRA_BASE_URL": "https://team.atlassian.net", "JIRA_EMAIL": "a@b.c", "JIRA_API_TOKEN": "t"}
MULTI_USER = {
    "SECRET_KEY": STRONG, "APP_MODE": "multi_user", "JIRA_OAUTH_CLIENT_ID": "id", "JIRA_OAUTH_CLIENT_SECRET": "secret",
    "JIRA_OAUTH_REDIRECT_URI": "https://jira-web.example.com/auth/callback",
}


def problems(env: dict, production: bool = True) -> list[str]:
    """Return the problems reported for ``env`` (empty when it is accepted)."""
    try:
        Settings.from_mapping(env, production=production)
    except SettingsError as error:
        return error.problems
    return []


@pytest.mark.parametrize("secret", ["", "change-me", "secret", "short-but-random-9f8e"])
def test_production_refuses_a_weak_or_placeholder_secret_key(secret):
    found = problems({**SINGLE_USER, "SECRET_KEY": secret})

    assert len(found) == 1 and found[0].startswith("SECRET_KEY")


@pytest.mark.parametrize(("name", "value"), [
    ("SECRET_KEY", "0" * 64), ("SECRET_KEY", "ab" * 32), ("SECRET_KEY", "0123456789" * 4),
    ("SECRET_KEY", "z" * 40 + "0123456789abcdef"),  # one character is most of it
    ("ADMIN_TOKEN", "a" * 24), ("ADMIN_TOKEN", "abcabcabcabcabcabcabcabc"),
    ("TOKEN_ENCRYPTION_KEY", "k" * 40), ("METRICS_TOKEN", "m" * 30),
])
def test_production_refuses_secrets_with_too_little_variety(name, value):
    found = problems({**MULTI_USER, name: value})

    assert len(found) == 1 and found[0].startswith(name) and "variety" in found[0]
    assert value not in found[0]  # the message names the variable, never the secret


def test_random_secrets_of_the_shortest_lengths_are_accepted():
    import secrets

    for _ in range(200):
        env = {**MULTI_USER, "SECRET_KEY": secrets.token_hex(16), "ADMIN_TOKEN": secrets.token_hex(12),
               "TOKEN_ENCRYPTION_KEY": secrets.token_urlsafe(32), "METRICS_TOKEN": secrets.token_urlsafe(16)}
        assert not problems(env)


def test_a_short_token_encryption_key_is_refused_in_production():
    found = problems({**MULTI_USER, "TOKEN_ENCRYPTION_KEY": "Short-but-varied-1"})

    assert len(found) == 1 and found[0].startswith("TOKEN_ENCRYPTION_KEY")


@pytest.mark.parametrize("uri", ["http://jira-web.example.com/auth/callback", "http://10.0.0.5:5000/auth/callback"])
def test_production_refuses_a_plain_http_redirect_uri_that_is_not_localhost(uri):
    found = problems({**MULTI_USER, "JIRA_OAUTH_REDIRECT_URI": uri})

    assert len(found) == 1 and found[0].startswith("JIRA_OAUTH_REDIRECT_URI")
    assert not problems({**MULTI_USER, "JIRA_OAUTH_REDIRECT_URI": uri}, production=False)


@pytest.mark.parametrize("uri", [
    "http://localhost:5000/auth/callback", "http://127.0.0.1:5000/auth/callback", "https://jira-web.example.com/auth/callback",
])
def test_localhost_and_https_redirect_uris_are_accepted(uri):
    assert not problems({**MULTI_USER, "JIRA_OAUTH_REDIRECT_URI": uri})


@pytest.mark.parametrize("scale", [{"DYNO": "web.1"}, {"WEB_CONCURRENCY": "3"}])
def test_several_processes_without_redis_are_refused(scale):
    found = problems({**SINGLE_USER, **scale})

    assert len(found) == 1 and found[0].startswith("REDIS_URL") and "several processes" in found[0]
    assert not problems({**SINGLE_USER, **scale, "REDIS_URL": "rediss://h:6380"})
    assert not problems({**SINGLE_USER, **scale}, production=False)


def test_one_process_may_keep_sessions_in_files():
    assert not problems({**SINGLE_USER, "WEB_CONCURRENCY": "1"})


def test_heroku_refuses_plaintext_redis():
    found = problems({**SINGLE_USER, "DYNO": "web.1", "REDIS_URL": "redis://h:6379"})

    assert len(found) == 1 and "rediss://" in found[0]


@pytest.mark.parametrize(("name", "value"), [
    ("SESSION_IDLE_MINUTES", "soon"), ("SESSION_MAX_HOURS", "0"), ("TRUSTED_PROXY_COUNT", "-1"),
    ("FORCE_HTTPS", "maybe"), ("REDIS_TLS_VERIFY", "sometimes"), ("FORWARDED_ALLOW_IPS", "10.0.0.0/8,router"),
    ("MAX_CONTENT_LENGTH", "1MB"),
])
def test_a_bad_serving_value_is_named(name, value):
    found = problems({**SINGLE_USER, name: value}, production=False)

    assert len(found) == 1 and found[0].startswith(name)


def test_https_is_forced_by_default_when_the_redirect_uri_is_https():
    assert Settings.from_mapping(MULTI_USER).force_https
    assert not Settings.from_mapping({**MULTI_USER, "FORCE_HTTPS": "false"}).force_https
    assert not Settings.from_mapping(SINGLE_USER).force_https
    assert Settings.from_mapping({**SINGLE_USER, "FORCE_HTTPS": "true"}).force_https


def test_gunicorn_exits_with_the_reason_when_several_workers_have_no_redis(processes, tmp_path):
    env = server_env(PORT=str(free_port()), WEB_CONCURRENCY="2", INSTANCE_PATH=str(tmp_path), **{
        key: value for key, value in SINGLE_USER.items() if key != "SECRET_KEY"
    })
    gunicorn = processes.start([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "web_app:create_app()"], env, tmp_path / "g.log")

    assert gunicorn.popen.wait(timeout=60) != 0
    assert "REDIS_URL is not set, but several processes" in gunicorn.output()
