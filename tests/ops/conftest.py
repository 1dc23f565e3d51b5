"""Fixtures for the operations tests: sandbox facts, captured JSON logs, metric reads, servers.

Servers started here (redis-server, gunicorn) are subprocesses on free loopback ports, bounded by
timeouts and always terminated. Readiness is awaited by reading their output, never by sleeping.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from prometheus_client import REGISTRY

from tests.conftest import IN_CI, make_app

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 20.0


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def metric(name: str, **labels: str) -> float:
    """Return a sample's current value in this process's registry (0 when it has none yet)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def log_lines(text: str) -> list[dict]:
    """Return every line of ``text`` parsed as JSON (failing the test on one that is not)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def sandbox_info(sandbox) -> dict:
    """Return the live sandbox's ``/_sandbox/info`` (users with api tokens, the OAuth client)."""
    return requests.get(f"{sandbox.url}/_sandbox/info", timeout=10).json()


@pytest.fixture
def admin_user(sandbox_info) -> dict:
    """Return the sandbox user that serves single-user mode."""
    return next(user for user in sandbox_info["users"] if user["admin"])


@pytest.fixture
def sandbox_app(tmp_path, sandbox, admin_user):
    """Return a single_user app pointed at the live sandbox with the admin's API token."""
    return make_app(
        tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin_user["email"],
        JIRA_API_TOKEN=admin_user["api_token"], SECRET_KEY=secrets.token_hex(20),
    )


def subprocess_env(**settings: str) -> dict:
    """Return a small, controlled environment for running the app in a subprocess."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT") if key in os.environ}
    env.update(PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **settings)
    return env


class LineReader:
    """Drains a subprocess stream on a thread, keeping its lines and waking waiters on new ones."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        for line in iter(stream.readline, ""):
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self.lines.append("")  # end of stream: wake waiters so they can fail at once
            self._changed.notify_all()

    def wait_for(self, predicate, timeout: float = START_TIMEOUT) -> bool:
        """Return True once ``predicate(lines)`` holds, False after ``timeout`` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self.lines), timeout)


class RedisServer:
    """A throw-away redis-server on a fixed port that a test can stop and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and return once it accepts connections."""
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        reader = LineReader(self.process.stdout)
        if not reader.wait_for(lambda lines: any("Ready to accept connections" in line for line in lines)):
            self.stop()
            pytest.fail("redis-server did not start:\n" + "\n".join(reader.lines[-20:]))

    def stop(self) -> None:
        """Kill the server and wait for it to be gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server():
    """Return a private redis-server (fails in CI, skips elsewhere, when none is installed)."""
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is not installed: CI must run the Redis tests")
        pytest.skip("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    yield server
    server.stop()
