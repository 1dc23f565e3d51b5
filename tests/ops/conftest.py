"""Fixtures for the operations tests: the live sandbox's facts, and a single_user app on it."""

from __future__ import annotations

import secrets

import pytest

from tests.support import sandbox as control
from tests.support.apps import single_user_app


@pytest.fixture
def sandbox_info(sandbox) -> dict:
    """Return the live sandbox's ``/_sandbox/info`` (users with api tokens, the OAuth client)."""
    return control.sandbox_info(sandbox)


@pytest.fixture
def admin_user(sandbox_info) -> dict:
    """Return the sandbox user that serves single-user mode."""
    return next(user for user in sandbox_info["users"] if user["admin"])


@pytest.fixture
def sandbox_app(tmp_path, sandbox):
    """Return a single_user app pointed at the live sandbox with the admin's API token."""
    return single_user_app(sandbox, tmp_path, SECRET_KEY=secrets.token_hex(20))
