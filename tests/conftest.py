"""The whole suite's fixtures come from the plugin modules of tests/support (see its __init__ for the map).

Folders: unit (no network), integration, oauth, writes, ops, production (the app against the live
sandbox, gunicorn and Redis on loopback), sandbox (the sandbox itself), quota (the hourly points quota:
governor, ledger, read cache, fair shares), browser (Chromium).
"""

import pytest

pytest.register_assert_rewrite("tests.support")  # helpers assert too; before any of them is imported

pytest_plugins = [
    "tests.support.sandbox",
    "tests.support.apps",
    "tests.support.processes",
    "tests.support.redis_servers",
    "tests.support.quota",
    "tests.support.network",
    "tests.support.routing",
]
