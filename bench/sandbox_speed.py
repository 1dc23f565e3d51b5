"""The sandbox's server time for one issue GET and one 50-issue search page.

"in-process": the WSGI app called directly with a prepared environ (no socket, no client), i.e.
the sandbox's own time per request. "HTTP keep-alive": the same requests through one pooled
``requests.Session`` to a live sandbox on loopback, adding the server loop, HTTP parsing and the
client. The status column shows what the sandbox answered, so a missing route is visible.
"""

import base64
import io
import time

import requests
from werkzeug.test import EnvironBuilder

from bench import TIMING_COLUMNS, Table, timing_row
from sandbox import directory
from sandbox.app import create_sandbox_app
from sandbox.server import start_sandbox

N = 200
WARM_UP = 20
ADMIN = next(user for user in directory.USERS if user["admin"])
CASES = [
    ("issue GET", "/rest/api/3/issue/ACME-1", {}),
    ("search page (50 issues)", "/rest/api/3/search/jql", {
        "jql": "project=ACME ORDER BY created DESC",
        "maxResults": "50",
        "fields": "summary,status,assignee,priority,updated",
    }),
]


def run() -> list[Table]:
    """Return one table: each case timed in-process and over HTTP keep-alive."""
    app = create_sandbox_app()
    rows = [(label, "in-process", *_timed(_wsgi_call(app, path, query))) for label, path, query in CASES]
    with start_sandbox(app=app) as sandbox, requests.Session() as session:
        session.auth = (ADMIN["email"], ADMIN["api_token"])
        for label, path, query in CASES:
            rows.append((label, "HTTP keep-alive", *_timed(_http_call(session, sandbox.url + path, query))))
    title = f"sandbox server time in ms (N={N} per row after {WARM_UP} warm-up calls, basic auth as {ADMIN['name']})"
    return [Table(title, ("request", "via", "status", *TIMING_COLUMNS), rows, labels=2)]


def _timed(call) -> tuple:
    """Return (status, median, p90, p99, min, max) of ``call()`` repeated N times after a warm-up."""
    for _ in range(WARM_UP):
        call()
    samples = []
    for _ in range(N):
        started = time.perf_counter()
        status = call()
        samples.append(time.perf_counter() - started)
    return (status, *timing_row(samples))


def _wsgi_call(app, path: str, query: dict):
    """Return a function that runs one request through the WSGI app and returns its status."""
    credentials = base64.b64encode(f"{ADMIN['email']}:{ADMIN['api_token']}".encode()).decode()
    headers = {"Authorization": f"Basic {credentials}"}
    environ = EnvironBuilder(path=path, query_string=query, headers=headers).get_environ()
    started: list = []

    def start_response(status, headers, exc_info=None):
        started[:] = [status]

    def call() -> int:
        result = app({**environ, "wsgi.input": io.BytesIO()}, start_response)
        b"".join(result)
        result.close()
        return int(started[0].split()[0])

    return call


def _http_call(session: requests.Session, url: str, query: dict):
    """Return a function that makes one request over ``session`` and returns its status."""
    def call() -> int:
        response = session.get(url, params=query, timeout=10)
        response.content
        return response.status_code

    return call
