"""Integration fixtures: the app in single_user mode pointed at the live sandbox, as its admin."""

from __future__ import annotations

import pytest

from tests.support.apps import single_user_app


@pytest.fixture
def live_app(sandbox, tmp_path):
    return single_user_app(sandbox, tmp_path)


@pytest.fixture
def live_client(live_app):
    return live_app.test_client()
