"""Server-side sessions with Flask-Session: files under the instance folder, or Redis.

The cookie carries only a random session id. Flask-Session writes the whole session back at the
end of every request (last writer wins), so nothing that must not be overwritten by a slow
request, such as OAuth tokens, is kept in it (see jira_client/auth/tokens.py).
"""

from __future__ import annotations

import os

from cachelib.file import FileSystemCache
from flask import Flask
from flask_session import Session

from jira_client.settings import Settings


def init_sessions(app: Flask, settings: Settings) -> None:
    """Configure Flask-Session: Redis when REDIS_URL is set, else the filesystem."""
    config = app.config
    config.setdefault("SESSION_PERMANENT", True)
    config.setdefault("SESSION_USE_SIGNER", False)
    config.setdefault("SESSION_KEY_PREFIX", "session:")
    if config.get("SESSION_TYPE"):
        pass  # given explicitly (tests use cachelib with an in-memory cache)
    elif settings.redis_url:
        config["SESSION_TYPE"] = "redis"
        config["SESSION_REDIS"] = redis_client(settings.redis_url)
    else:
        directory = os.path.join(app.instance_path, "sessions")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        config["SESSION_TYPE"] = "cachelib"
        config["SESSION_CACHELIB"] = FileSystemCache(directory, threshold=10000, mode=0o600)
    Session(app)


def redis_client(url: str):
    """Return a Redis client for ``url`` with timeouts, so a stuck Redis cannot hang a worker."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)
