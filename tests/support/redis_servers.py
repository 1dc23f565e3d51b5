"""Redis for the tests: the machine's server with a key prefix of the test's own, and private redis-server processes.

Without Redis (or without redis-server, for a private one) a test is skipped with the reason, and
fails in CI, where both must be there.

Fixtures (a plugin module): ``machine_redis`` (the URL of 127.0.0.1:6379), ``key_prefix`` (unique
to the test; its keys are deleted afterwards), ``redis_client`` (a client on the machine's Redis,
its ``test_prefix`` the test's key prefix) and ``redis_server`` (a private redis-server on a free
port that a test may stop and start again).
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.support.paths import unavailable
from tests.support.processes import Process, free_port, subprocess_env, wait_until

MACHINE_REDIS = "redis://127.0.0.1:6379/0"


def quick_redis(url: str) -> redis.Redis:
    """Return a client that gives up at once (redis-py otherwise retries a refused connection ten times)."""
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1, retry=Retry(NoBackoff(), 0))


class RedisServer:
    """A private redis-server on a free port that a test may stop and start again."""

    def __init__(self, processes, tmp_path: Path, executable: str = "redis-server") -> None:
        self.processes, self.tmp_path, self.executable = processes, tmp_path, executable
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        """Start the server and return once it answers PING."""
        args = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = self.processes.start(args, subprocess_env(), self.tmp_path / "redis.log")
        wait_until(lambda: quick_redis(self.url).ping(), what="redis-server")

    def stop(self) -> None:
        """Stop the server and wait for it to be gone."""
        if self.process is not None:
            self.process.stop()
            self.process = None


@pytest.fixture
def machine_redis() -> str:
    """The machine's Redis URL; skipped when it is missing, a failure in CI."""
    try:
        quick_redis(MACHINE_REDIS).ping()
    except redis.RedisError:
        unavailable("no Redis at 127.0.0.1:6379")
    return MACHINE_REDIS


@pytest.fixture
def key_prefix(machine_redis):
    """A key prefix unique to this test; its keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = quick_redis(machine_redis)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def redis_client(machine_redis, key_prefix):
    """A client on the machine's Redis; ``client.test_prefix`` is this test's key prefix."""
    client = redis.Redis.from_url(machine_redis, socket_timeout=2, socket_connect_timeout=2)
    client.test_prefix = key_prefix
    yield client
    client.close()


@pytest.fixture
def redis_server(processes, tmp_path):
    """A private, running redis-server (skipped without redis-server, a failure in CI)."""
    executable = shutil.which("redis-server")
    if executable is None:
        unavailable("redis-server is not installed")
    server = RedisServer(processes, tmp_path, executable)
    server.start()
    return server
