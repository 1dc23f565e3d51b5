"""The Procfile's own web command starts and serves /healthz, and the Docker HEALTHCHECK agrees."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import requests

from tests.support.paths import ROOT
from tests.support.processes import free_port, server_env, wait_until


def procfile_web_command() -> str:
    """Return the command of the Procfile's ``web`` process."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("web:"))


def docker_healthcheck_code() -> str:
    """Return the Python code the Dockerfile's HEALTHCHECK runs."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    command = json.loads(re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", dockerfile, re.M).group(1))
    assert command[:2] == ["python", "-c"]
    return command[2]


def test_the_procfile_web_command_serves_healthz_without_logging_query_strings(processes, tmp_path, sandbox_server):
    port = free_port()
    env = server_env(
        PORT=str(port), INSTANCE_PATH=str(tmp_path), WEB_CONCURRENCY="1", LOG_LEVEL="INFO",
        JIRA_BASE_URL=sandbox_server.url, JIRA_EMAIL="admin@sandbox.test", JIRA_API_TOKEN="unused-here",
    )
    web = processes.start(["/bin/sh", "-c", procfile_web_command()], env, tmp_path / "web.log")  # as Heroku runs it
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert web.popen.poll() is None, web.output()
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200

    wait_until(healthy, what="the Procfile's web process")
    polled = web.output().count("/healthz")  # the app logs a request before it answers
    answer = requests.get(f"{url}/healthz?code=oauth-code-SECRET&state=state-SECRET", timeout=5)
    probe = subprocess.run([sys.executable, "-c", docker_healthcheck_code()], env=env, timeout=10)

    assert answer.status_code == 200 and answer.json()["status"] == "ok"
    assert probe.returncode == 0
    wait_until(lambda: web.output().count("/healthz") >= polled + 2, what="the lines of the request and the probe")
    assert "SECRET" not in web.output()


def test_the_procfile_uses_the_gunicorn_config_file():
    command = procfile_web_command()

    assert command.startswith("gunicorn ")
    assert "gunicorn.conf.py" in command and '"web_app:create_app()"' in command
