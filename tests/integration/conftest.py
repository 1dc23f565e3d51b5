"""Integration fixtures: the app in single_user mode pointed at the live sandbox."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import make_app


def sandbox_admin(sandbox) -> dict:
    """Return the sandbox user who serves single_user mode."""
    info = requests.get(f"{sandbox.url}/_sandbox/info", timeout=5).json()
    return next(user for user in info["users"] if user["admin"])


def sandbox_stats(sandbox) -> dict:
    return requests.get(f"{sandbox.url}/_sandbox/stats", timeout=5).json()


def jira_calls(sandbox) -> list[dict]:
    """Return the sandbox's request counters (Jira and identity calls, not /_sandbox ones)."""
    return sandbox_stats(sandbox)["requests"]


def call_count(sandbox) -> int:
    return sum(row["count"] for row in jira_calls(sandbox))


def reset_stats(sandbox) -> None:
    requests.post(f"{sandbox.url}/_sandbox/stats/reset", timeout=5).raise_for_status()


def set_faults(sandbox, *faults, **actions) -> None:
    body = {"faults": list(faults), **actions}
    requests.post(f"{sandbox.url}/_sandbox/faults", json=body, timeout=5).raise_for_status()


@pytest.fixture
def live_app(sandbox, tmp_path):
    admin = sandbox_admin(sandbox)
    return make_app(tmp_path, JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"])


@pytest.fixture
def live_client(live_app):
    return live_app.test_client()
