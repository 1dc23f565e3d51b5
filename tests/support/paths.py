"""Where the suite finds things (the project, its virtualenv, ``../shared``) and what it does when one is missing.

Anything a test needs from the machine (Redis, Chromium, redis-server, the recorded fixtures) is
required in CI (``CI=true``): there a missing one fails the test. Elsewhere the test is skipped
with the reason, so a developer without it still gets a clean run of the rest.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SHARED_FIXTURES = ROOT.parent / "shared" / "jira-fixtures"
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> NoReturn:
    """Fail the test in CI, where everything it needs must be there; skip it elsewhere, saying why."""
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """Return a path in ../shared/jira-fixtures; skip the test when it is absent (fail in CI)."""
    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        unavailable(f"recorded fixtures not found at {path}")
    return path


def shared_fixture(*parts: str):
    """Return a recorded fixture's parsed JSON; skip (fail in CI) when ../shared is absent."""
    return json.loads(shared_path(*parts).read_text())


def recorded_body(name: str):
    """Return the response body of a Nango recording in responses/nango-cloud-2026-04/."""
    return shared_fixture("responses", "nango-cloud-2026-04", name)["body"]
