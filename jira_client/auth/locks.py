"""Cross-process locks for token records: a file lock for the filesystem store, a Redis lock for Redis.

A refresh must be single-flight per grant across threads, gunicorn workers and machines
(DESIGN.md boundary 4): Atlassian rotates the refresh token on every use, so two refreshes racing
with the same token waste a rotation at best and, once the 10-minute reuse grace has passed,
revoke the whole grant. Whoever holds the lock refreshes; everyone else waits, re-reads the
record and uses the pair the winner stored.

- ``file_lock``: ``flock`` on a file under the instance folder. ``flock`` locks belong to an open
  file description, so two threads of one process exclude each other as well as two processes.
  Lock files are striped (a hash of the record id picks one of ``STRIPES`` files) and never
  deleted, because unlinking a lock file while someone waits on it would let a third party lock
  a fresh inode at the same time.
- ``redis_lock``: redis-py's ``Lock`` with an expiry, so a worker killed mid-refresh frees the
  lock after ``expiry`` seconds instead of blocking that person for ever.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from contextlib import contextmanager
from typing import Iterator

STRIPES = 256
POLL_SECONDS = 0.01


class LockTimeout(Exception):
    """The lock could not be taken in time (another refresh is stuck)."""


def stripe_path(directory: str, kind: str, name: str) -> str:
    """Return the lock file that guards ``name`` for ``kind`` (e.g. refresh, write)."""
    stripe = int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % STRIPES
    return os.path.join(directory, f"{kind}-{stripe:03d}.lock")


@contextmanager
def file_lock(path: str, timeout: float = 20.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the ``with`` block; raise LockTimeout after ``timeout``."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(path) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def redis_lock(client, name: str, expiry: float = 30.0, timeout: float = 20.0) -> Iterator[None]:
    """Hold a Redis lock ``name`` that expires after ``expiry`` s; raise LockTimeout after ``timeout``."""
    lock = client.lock(name, timeout=expiry, sleep=POLL_SECONDS, blocking_timeout=timeout)
    if not lock.acquire():
        raise LockTimeout(name)
    try:
        yield
    finally:
        from redis.exceptions import LockError

        try:
            lock.release()
        except LockError:  # expired while we held it; someone else may own it now
            pass
