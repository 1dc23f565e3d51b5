"""Subprocesses that always stop: free ports, controlled environments, gunicorn and the app in processes of their own.

Every server started here runs in its own process group with its output in a file, is awaited by
polling what it answers or prints (never by sleeping a fixed time), and is terminated, workers and
all, when the test ends. The waits have generous timeouts that only a hang reaches.

Fixtures (a plugin module): ``processes`` (start them; all are stopped at teardown).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests

from tests.support.paths import ROOT, VENV_BIN

START_TIMEOUT = 20.0
SERVER_SECRET = "production-test-secret-0123456789abcdef0123456789"


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def eventually(check, timeout: float = START_TIMEOUT) -> bool:
    """Return True once ``check()`` is true, False after ``timeout`` seconds (a connection refused counts as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except (requests.RequestException, redis.RedisError, OSError):
            pass
        time.sleep(0.05)
    return False


def wait_until(check, timeout: float = START_TIMEOUT, what: str = "condition") -> None:
    """Poll ``check`` until it returns true; fail after ``timeout`` seconds."""
    if not eventually(check, timeout):
        pytest.fail(f"timed out after {timeout}s waiting for {what}")


def subprocess_env(**settings: str) -> dict:
    """Return a small, controlled environment for a subprocess (no developer .env values), plus ``settings``."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONPATH": str(ROOT),
    }
    env.update(settings)
    return env


def server_env(**settings: str) -> dict:
    """Return ``subprocess_env`` for serving the app: single_user, a strong SECRET_KEY, warnings only, plus ``settings``."""
    return subprocess_env(**{"SECRET_KEY": SERVER_SECRET, "APP_MODE": "single_user", "LOG_LEVEL": "WARNING", **settings})


class Process:
    """A subprocess in its own process group, its output in a file, stopped for sure."""

    def __init__(self, args: list[str], env: dict, log: Path, cwd: Path = ROOT) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Terminate the whole group (gunicorn's workers too); kill it if it lingers."""
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


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


@pytest.fixture
def processes():
    """Start processes with ``processes.start(args, env, log)``; all are stopped at teardown."""
    started: list[Process] = []

    class Starter:
        def start(self, args: list[str], env: dict, log: Path) -> Process:
            process = Process(args, env, log)
            started.append(process)
            return process

    yield Starter()
    for process in reversed(started):
        process.stop()


def start_gunicorn(processes, tmp_path: Path, name: str, port: int | None = None, **env: str) -> tuple[Process, str]:
    """Start gunicorn with gunicorn.conf.py (on a free port by default); return it and its URL once /healthz answers."""
    port = port or free_port()
    environment = server_env(**{"PORT": str(port), "WEB_CONCURRENCY": "1", "INSTANCE_PATH": str(tmp_path / name), **env})
    args = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "web_app:create_app()"]
    process = processes.start(args, environment, tmp_path / f"{name}.log")
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.popen.poll() is not None:
            pytest.fail(f"gunicorn {name} exited:\n{process.output()}")
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200

    wait_until(healthy, what=f"gunicorn {name} at {url}")
    return process, url


def start_app(processes, settings: dict, log: Path) -> tuple[Process, str]:
    """Serve ``create_app(settings)`` in a Python process of its own (tests/support/app_process.py); return it and its URL."""
    process = processes.start([sys.executable, "-m", "tests.support.app_process", json.dumps(settings)], subprocess_env(), log)

    def port() -> re.Match | None:
        if process.popen.poll() is not None:
            pytest.fail(f"the app process exited:\n{process.output()}")
        return re.search(r"^(\d+)$", process.output(), re.M)

    wait_until(port, what="the app process to print its port")
    return process, f"http://127.0.0.1:{port().group(1)}"
