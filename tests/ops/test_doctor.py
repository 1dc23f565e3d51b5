"""``flask --app web_app doctor`` on a good configuration and on broken ones.

Subprocess runs get a small controlled environment, so each case is exactly what it sets (the
project folder has no .env; a developer's own .env would add to it).
"""

from __future__ import annotations

import secrets
import subprocess

import pytest

from tests.support.apps import make_app
from tests.support.oauth import oauth_settings
from tests.support.paths import ROOT, VENV_BIN
from tests.support.processes import free_port, subprocess_env

TIMEOUT = 60


def run_doctor(env: dict, *command: str) -> subprocess.CompletedProcess:
    """Run the doctor in a subprocess with ``env``; return its exit code and output."""
    command = command or (str(VENV_BIN / "flask"), "--app", "web_app", "doctor")
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def good_env(tmp_path, sandbox, admin_user) -> dict:
    """Return the environment of a working single_user deployment against the live sandbox."""
    return subprocess_env(
        JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin_user["email"], JIRA_API_TOKEN=admin_user["api_token"],
        SECRET_KEY=secrets.token_hex(20), INSTANCE_PATH=str(tmp_path / "instance"),
    )


def test_a_good_configuration_passes(good_env, admin_user):
    result = run_doctor(good_env)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line[0] for line in lines[:-1]] == ["✔"] * 5
    assert "credentials: GET /myself answered" in result.stdout
    assert "✔ network: direct connections" in result.stdout
    assert lines[-1] == "5 checks, all passed."
    assert admin_user["api_token"] not in result.stdout + result.stderr


def test_a_good_configuration_with_redis_sessions_passes(good_env, redis_server):
    result = run_doctor({**good_env, "REDIS_URL": redis_server.url})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✔ session store: Redis answered PING" in result.stdout


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ({"JIRA_API_TOKEN": "revoked-token"}, "✘ credentials: Jira refused JIRA_EMAIL / JIRA_API_TOKEN"),
        ({"JIRA_BASE_URL": "http://127.0.0.1:{port}"}, "✘ Jira reachable: http://127.0.0.1:{port} did not answer"),
        ({"REDIS_URL": "redis://127.0.0.1:{port}/0"}, "✘ session store: Redis did not answer PING"),
    ],
    ids=["wrong-token", "jira-unreachable", "redis-down"],
)
def test_a_broken_configuration_fails_with_a_clear_line(good_env, broken, expected):
    port = free_port()
    env = {**good_env, **{name: value.format(port=port) for name, value in broken.items()}}

    result = run_doctor(env)

    assert result.returncode == 1
    assert expected.format(port=port) in result.stdout
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1].endswith("checks failed.")


def test_invalid_settings_are_reported_by_flask_and_by_the_module(good_env):
    env = {key: value for key, value in good_env.items() if key not in ("JIRA_API_TOKEN", "JIRA_BASE_URL")}

    by_flask = run_doctor(env)
    by_module = run_doctor(env, str(VENV_BIN / "python"), "-m", "jira_client.cli", "doctor")

    assert by_flask.returncode == 1
    assert "Error: Configuration problems:\n- JIRA_API_TOKEN is not set" in by_flask.stderr
    assert "Traceback" not in by_flask.stderr
    assert by_module.returncode == 1
    assert "✘ settings: JIRA_API_TOKEN is not set" in by_module.stdout
    assert "✘ settings: JIRA_BASE_URL is not set" in by_module.stdout


def test_multi_user_checks_the_oauth_client_and_redirect_uri(tmp_path, sandbox):
    good = make_app(tmp_path, **oauth_settings(sandbox.url)).test_cli_runner().invoke(args=["doctor"])
    wrong_path = make_app(tmp_path, **oauth_settings(
        sandbox.url, JIRA_OAUTH_REDIRECT_URI="https://jira.example.com/oauth/done")).test_cli_runner().invoke(args=["doctor"])

    assert good.exit_code == 0, good.output
    assert "✔ Atlassian sign-in reachable" in good.output and "✔ redirect URI" in good.output
    assert "✔ Atlassian API gateway reachable" in good.output
    assert wrong_path.exit_code == 1
    assert "✘ redirect URI: JIRA_OAUTH_REDIRECT_URI 'https://jira.example.com/oauth/done' must end with /auth/callback" in wrong_path.output
