"""Fixtures for the production tests: gunicorn and redis-server subprocesses that always stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRET = "production-test-secret-0123456789abcdef0123456789"
MACHINE_REDIS = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quick_redis(url: str) -> redis.Redis:
    """Return a client that gives up at once (redis-py otherwise retries a refused connection ten times)."""
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1, retry=Retry(NoBackoff(), 0))


def wait_until(check, timeout: float = 20.0, what: str = "condition") -> None:
    """Poll ``check`` until it returns true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, redis.RedisError, OSError):
            pass
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


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


def base_env(**extra: str) -> dict:
    """Return a small, controlled environment for a server subprocess (no developer .env values)."""
    env = {
        "PATH": f"{VENV_BIN}{os.pathsep}/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": SECRET,
        "APP_MODE": "single_user",
        "LOG_LEVEL": "WARNING",
    }
    env.update(extra)
    return env


@pytest.fixture
def processes():
    """Start processes with ``processes.start(args, env, name)``; all are stopped at teardown."""
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
    environment = base_env(**{"PORT": str(port), "WEB_CONCURRENCY": "1", "INSTANCE_PATH": str(tmp_path / name), **env})
    args = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "web_app:create_app()"]
    process = processes.start(args, environment, tmp_path / f"{name}.log")
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.popen.poll() is not None:
            pytest.fail(f"gunicorn {name} exited:\n{process.output()}")
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200

    wait_until(healthy, what=f"gunicorn {name} at {url}")
    return process, url


@pytest.fixture
def machine_redis() -> str:
    """The machine's Redis URL; skipped when it is missing, a failure in CI."""
    try:
        quick_redis(MACHINE_REDIS).ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail("Redis at 127.0.0.1:6379 is required in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return MACHINE_REDIS


@pytest.fixture
def key_prefix(machine_redis):
    """A session key prefix unique to this test; its keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = quick_redis(machine_redis)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


class RedisServer:
    """A private redis-server on a free port that a test may stop and start again."""

    def __init__(self, processes, tmp_path: Path) -> None:
        self.processes, self.tmp_path = processes, tmp_path
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = self.processes.start(args, base_env(), self.tmp_path / "redis.log")
        wait_until(lambda: quick_redis(self.url).ping(), what="redis-server")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


@pytest.fixture
def own_redis(processes, tmp_path):
    """A private, running redis-server (fails in CI when redis-server is not installed)."""
    if not any((Path(folder) / "redis-server").exists() for folder in os.environ.get("PATH", "").split(os.pathsep)):
        if IN_CI:
            pytest.fail("redis-server is required in CI")
        pytest.skip("redis-server is not installed")
    server = RedisServer(processes, tmp_path)
    server.start()
    return server
