"""Board pages against the live sandbox: Jira calls, new connections, page size and time per view.

Like ``app_pages``: each page is viewed N times through Flask's test client in single_user mode,
and the calls are what the sandbox counted. The ACME kanban board is the heavy case (100 cards,
each with its one-time "Move to" form).
"""

import tempfile
import time

import requests
from cachelib import SimpleCache

from bench import TIMING_COLUMNS, Table, timing_row
from sandbox import directory
from sandbox.server import start_sandbox
from web_app import create_app

N = 30
ADMIN = next(user for user in directory.USERS if user["admin"])
PAGES = [
    ("/boards", "/boards"),
    ("/boards/<id> kanban, 32 cards", "/boards/2"),
    ("/boards/<id> kanban, 100 cards shown", "/boards/1"),
    ("/boards/<id> scrum, active sprint", "/boards/5"),
    ("/boards/<id> scrum, filtered", "/boards/5?mine=1&q=search"),
    ("/boards/<id>/backlog", "/boards/5/backlog"),
]


def run() -> list[Table]:
    """Return one table: per board page, Jira calls and new connections per view, its size and timings."""
    with start_sandbox() as sandbox:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "SESSION_TYPE": "cachelib", "SESSION_CACHELIB": SimpleCache(),
            "JIRA_BASE_URL": sandbox.url, "JIRA_EMAIL": ADMIN["email"], "JIRA_API_TOKEN": ADMIN["api_token"],
            "INSTANCE_PATH": tempfile.mkdtemp(), "LOG_LEVEL": "WARNING", "JIRA_CACHE_SECONDS": 0,  # count real calls
        })
        client = app.test_client()
        with requests.Session() as admin:
            admin.get(f"{sandbox.url}/_sandbox/stats", timeout=5)
            rows = [(label, *_measure(admin, sandbox.url, client, path)) for label, path in PAGES]
    title = f"board page views against the sandbox (N={N} views per page, single_user, one worker)"
    return [Table(title, ("page", "status", "Jira calls/view", "new conns", "KiB", *TIMING_COLUMNS), rows)]


def _measure(admin: requests.Session, sandbox_url: str, client, path: str) -> tuple:
    """Return (status, Jira calls per view, new connections, KiB, timings) for N views of ``path``."""
    client.get(path)  # warm-up
    admin.post(f"{sandbox_url}/_sandbox/stats/reset", timeout=5)
    samples, status, size = [], None, 0
    for _ in range(N):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        status, size = response.status_code, len(response.data)
    stats = admin.get(f"{sandbox_url}/_sandbox/stats", timeout=5).json()
    calls = sum(row["count"] for row in stats["requests"]) / N
    return (status, calls, stats["connections"], round(size / 1024, 1), *timing_row(samples))
