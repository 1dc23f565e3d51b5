"""The deployment files, checked statically: Dockerfile, .dockerignore, app.json, systemd, versions, docs."""

from __future__ import annotations

import fnmatch
import json
import re

import pytest

from jira_client.settings import PURPOSE
from tests.support.paths import ROOT

LOCAL_ONLY = {"HOST", "PORT", "JIRA_SANDBOX", "SANDBOX_PORT", "WEB_CONCURRENCY", "REDIS_URL", "TRUST_FORWARDED_HOST", "INSTANCE_PATH"}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """Return the Dockerfile's (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def env_example_names(path) -> set[str]:
    """Return the variable names an example environment file assigns."""
    return {line.split("=", 1)[0] for line in path.read_text().splitlines() if re.match(r"^[A-Z_]+=", line)}


def test_the_image_is_python_3_11_slim_like_the_python_version_file():
    python_version = (ROOT / ".python-version").read_text().strip()

    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim")
    assert python_version == "3.11"


def test_the_image_runs_gunicorn_with_the_config_as_a_non_root_user_after_installing_requirements():
    instructions = dockerfile_instructions()
    kinds = [kind for kind, _ in instructions]
    user = next(args for kind, args in instructions if kind == "USER")
    command = json.loads(next(args for kind, args in instructions if kind == "CMD"))

    assert user not in ("root", "0") and kinds.index("USER") < kinds.index("CMD")
    assert ("RUN", "pip install -r requirements.txt") in instructions
    assert command == ["gunicorn", "-c", "gunicorn.conf.py", "web_app:create_app()"]
    assert any(kind == "HEALTHCHECK" and "/healthz" in args and "urllib" in args for kind, args in instructions)


def test_every_file_the_image_copies_exists_and_is_not_docker_ignored():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith(("#", "!"))]
    sources = [
        source.rstrip("/") for kind, args in dockerfile_instructions() if kind == "COPY"
        for source in args.split()[:-1] if not source.startswith("--")
    ]

    assert {"web_app.py", "gunicorn.conf.py", "requirements.txt", "jira_client", "templates", "static"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_the_docker_context_leaves_out_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".git", ".venv", "instance", "flask_session", "tests"} <= set(ignored)


def test_app_json_describes_every_variable_and_adds_redis_and_a_generated_secret():
    manifest = json.loads((ROOT / "app.json").read_text())
    env = manifest["env"]
    expected = env_example_names(ROOT / ".env.example") - LOCAL_ONLY

    assert expected <= set(env), expected - set(env)
    assert all(entry.get("description") for entry in env.values())
    assert env["SECRET_KEY"] == {"description": env["SECRET_KEY"]["description"], "generator": "secret"}
    assert any(addon["plan"].startswith("heroku-redis") for addon in manifest["addons"])
    assert {name: env[name]["value"] for name in ("FORCE_HTTPS", "TRUSTED_PROXY_COUNT", "FORWARDED_ALLOW_IPS", "REDIS_TLS_VERIFY")} == {
        "FORCE_HTTPS": "true", "TRUSTED_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "*", "REDIS_TLS_VERIFY": "false",
    }


@pytest.fixture
def unit() -> dict[str, dict[str, list[str]]]:
    """The systemd unit as section -> key -> values (systemd keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "jira-web.service").read_text().splitlines():
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            current.setdefault(key, []).append(value)
    return sections


def test_the_systemd_unit_runs_unprivileged_from_its_environment_file_and_is_sandboxed(unit):
    service = {key: " ".join(values) for key, values in unit["Service"].items()}
    environment = dict(item.split("=", 1) for item in unit["Service"]["Environment"])

    assert service["EnvironmentFile"] == "/etc/jira-web/jira-web.env"
    assert service["User"] == "jira-web" and service["Group"] == "jira-web"
    assert "gunicorn.conf.py" in service["ExecStart"] and '"web_app:create_app()"' in service["ExecStart"]
    assert (service["NoNewPrivileges"], service["ProtectSystem"], service["PrivateTmp"]) == ("yes", "strict", "yes")
    assert environment["INSTANCE_PATH"] in service["ReadWritePaths"].split()
    assert environment["PROMETHEUS_MULTIPROC_DIR"] == "/run/" + service["RuntimeDirectory"]
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_systemd_environment_example_uses_known_variables():
    names = env_example_names(ROOT / "deploy" / "jira-web.env.example")

    assert names - {"GUNICORN_CMD_ARGS"} <= set(PURPOSE) | env_example_names(ROOT / ".env.example")
    assert "SECRET_KEY" in names


def test_the_deployment_guide_covers_every_setting_and_step():
    guide = (ROOT / "docs" / "DEPLOYMENT.md").read_text()

    missing = [name for name in PURPOSE if f"`{name}`" not in guide and name not in guide]
    assert not missing
    for step in ("developer.atlassian.com", "http://localhost:5000/auth/callback", "offline_access",
                 "git push heroku main", "heroku config:set", "docker build", "systemctl", "APP_MODE=multi_user make run",
                 "Distribution", "REDIS_TLS_VERIFY"):
        assert step in guide, step


def test_env_example_lists_every_variable_the_settings_name():
    from jira_client.settings import VARIABLES

    set_by_platforms = {"DYNO", "SANDBOX_URL", "GUNICORN_CMD_ARGS"}  # Heroku, the sandbox launcher, the operator's shell
    listed = env_example_names(ROOT / ".env.example")

    assert {v.name for v in VARIABLES} - set_by_platforms <= listed
    assert listed <= {v.name for v in VARIABLES}
