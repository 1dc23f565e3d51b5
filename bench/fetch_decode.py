"""Fetch and decode 1,000 issues into the app's models, against a bare ``requests`` + ``json`` floor.

Both fetch search pages of 50 recorded issues (``fields`` = the list page's) from the stub Jira
(``bench/stub_jira.py``, no latency, a process of its own) over one keep-alive connection: the
floor with ``requests.Session.post`` and ``json.loads``, the app with ``JiraClient.search_issues``
(its shared transport, time budget, call observer (metrics) and models; one client per 20
pages, as a page view builds one). The two alternate page by page, so load on the machine falls on both. Each is timed per
page in wall-clock time and in this thread's CPU time (the stub's work is in its own process, so
CPU time is what the client side costs, free of the waits a busy machine adds); the table gives
per-1,000-issue medians (20 pages) and their ratio to the floor (target: <= 1.0x).
"""

from __future__ import annotations

import itertools
import json
import statistics
import time

import requests

from bench import Table
from bench._served import EMAIL, TOKEN
from bench.stub_jira import running_stub
from jira_client.api.client import JiraClient
from jira_client.api.models import LIST_FIELDS
from jira_client.api.transport import create_transport
from jira_client.observability.jira_calls import JiraCallObserver

SAMPLES = 600  # pages of 50 issues, for each of the two
PER_THOUSAND = 20  # pages in 1,000 issues
JQL = "project = KAN ORDER BY created DESC"


def run() -> list[Table]:
    """Return one table: wall and CPU medians of the floor and of the app per 1,000 issues, with ratios."""
    with running_stub(0) as jira_url:
        floor, app = _floor(jira_url), _app(jira_url)
        for _ in range(20):  # warm-up: connections open, code paths hot
            floor(), app()
        samples: dict[str, list[tuple[float, float]]] = {"floor": [], "app": []}
        for _ in range(SAMPLES):
            samples["floor"].append(_timed(floor))
            samples["app"].append(_timed(app))
    medians = {name: [statistics.median(s[i] for s in runs) * 1000 * PER_THOUSAND for i in (0, 1)]
               for name, runs in samples.items()}
    rows = [
        ("requests + json.loads (floor)", *medians["floor"], 1.0, 1.0),
        ("JiraClient.search_issues -> IssueSummary", *medians["app"],
         medians["app"][0] / medians["floor"][0], medians["app"][1] / medians["floor"][1]),
    ]
    title = (f"fetch and decode 1,000 issues from the stub Jira: medians of {SAMPLES} pages of 50, in ms per 1,000 "
             "issues; target <= 1.0x the floor")
    return [Table(title, ("how", "wall", "client CPU", "wall x floor", "CPU x floor"), rows)]


def _floor(jira_url: str):
    session = requests.Session()
    session.auth = (EMAIL, TOKEN)
    body = {"jql": JQL, "maxResults": 50, "fields": list(LIST_FIELDS)}

    def fetch() -> int:
        response = session.post(f"{jira_url}/rest/api/3/search/jql", json=body, timeout=10)
        return len(json.loads(response.content)["issues"])

    return fetch


def _app(jira_url: str):
    transport = create_transport()
    clients = itertools.cycle([None] * (PER_THOUSAND - 1) + ["new"])

    def new_client() -> JiraClient:  # as get_jira() builds one for a page view
        return JiraClient(transport, jira_url, (EMAIL, TOKEN), observer=JiraCallObserver(None, None, jira_url))

    client = new_client()

    def fetch() -> int:
        nonlocal client
        if next(clients):
            client = new_client()
        return len(client.search_issues(JQL, None, 50).items)

    return fetch


def _timed(fetch) -> tuple[float, float]:
    """Return (wall, thread CPU) seconds of one ``fetch()``, which must bring 50 issues."""
    started, cpu = time.perf_counter(), time.thread_time()
    count = fetch()
    elapsed, used = time.perf_counter() - started, time.thread_time() - cpu
    if count != 50:
        raise RuntimeError(f"expected 50 issues, got {count}")
    return elapsed, used
