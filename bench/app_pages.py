"""The app's main pages against the live sandbox: Jira calls, new connections and time per view.

Each page is viewed N times through Flask's test client in single_user mode. "Jira calls" and
"new connections" come from the sandbox's own counters (``/_sandbox/stats``), so they measure
what reached "Jira", not what the app believes it sent. Times include the sandbox's share.
"""

import tempfile
import time

import requests
from cachelib import SimpleCache

from bench import TIMING_COLUMNS, Table, timing_row
from sandbox import directory
from sandbox.server import start_sandbox
from web_app import create_app

N = 50
ADMIN = next(user for user in directory.USERS if user["admin"])
PAGES = [
    ("/projects", "/projects"),
    ("/projects/<KEY> (first page)", "/projects/ACME"),
    ("/projects/<KEY>?page=1", "/projects/ACME?page=1"),
    ("/issues/<KEY> (50 comments shown)", "/issues/ACME-7"),
    ("/issues/<KEY>?comments=50", "/issues/ACME-7?comments=50"),
    ("/search?jql=", "/search?jql=project%3DACME%20AND%20statusCategory%20!%3D%20Done"),
    ("/ (Your work)", "/"),
    ("/filters", "/filters"),
    ("/search?filter=<id>", "/search?filter=10001"),
]


def run() -> list[Table]:
    """Return one table: per page, Jira calls and new connections per view, and its timings."""
    with start_sandbox() as sandbox:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "SESSION_TYPE": "cachelib", "SESSION_CACHELIB": SimpleCache(),
            "JIRA_BASE_URL": sandbox.url, "JIRA_EMAIL": ADMIN["email"], "JIRA_API_TOKEN": ADMIN["api_token"],
            "INSTANCE_PATH": tempfile.mkdtemp(), "LOG_LEVEL": "WARNING",
            "JIRA_CACHE_SECONDS": 0,  # every view asks Jira (bench/quota.py measures the per-person cache)
        })
        client = app.test_client()
        client.get("/projects/ACME")  # seeds the page-token stack and the cached count
        with requests.Session() as admin:  # one kept-alive connection, opened before any reset
            admin.get(f"{sandbox.url}/_sandbox/stats", timeout=5)
            rows = [(label, *_measure(admin, sandbox.url, client, path)) for label, path in PAGES]
    title = f"app page views against the sandbox (N={N} views per page, single_user, one worker)"
    return [Table(title, ("page", "status", "Jira calls/view", "new conns", *TIMING_COLUMNS), rows)]


def _measure(admin: requests.Session, sandbox_url: str, client, path: str) -> tuple:
    """Return (status, Jira calls per view, new connections, timings) for N views of ``path``."""
    client.get(path)  # warm-up (and page tokens for later pages)
    admin.post(f"{sandbox_url}/_sandbox/stats/reset", timeout=5)
    samples, status = [], None
    for _ in range(N):
        started = time.perf_counter()
        status = client.get(path).status_code
        samples.append(time.perf_counter() - started)
    stats = admin.get(f"{sandbox_url}/_sandbox/stats", timeout=5).json()
    calls = sum(row["count"] for row in stats["requests"]) / N
    return (status, calls, stats["connections"], *timing_row(samples))
