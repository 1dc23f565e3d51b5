"""The app's own cost per page: the page's time minus the Jira call it makes, under gunicorn.

The app runs as deployed (gunicorn.conf.py, one gthread worker, single_user, INFO logs, sessions
on files) against the stub Jira (``bench/stub_jira.py``: recorded Jira Cloud bodies, in a process
of its own), once with no latency and once with a fixed one. For each page, "upstream" is the
same Jira call the page makes, sent by this process over its own keep-alive connection; "page"
is the page fetched through gunicorn by a client that keeps its session cookie and accepts
compression as browsers do (the body is read as sent, not decompressed). Samples of the two
alternate, so a burst of load on the shared machine hits both. "own cost" is the difference of
the medians: what the app adds on top of Jira (decoding, models, templates, sessions, logs).
"worker CPU" is the CPU time the gunicorn worker used per view (user + system, all threads, from
/proc): the same cost seen without the waits a busy machine adds to wall-clock time.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import requests

from bench import Table
from bench._served import EMAIL, TOKEN, ServedApp, served_app
from bench.stub_jira import running_stub
from jira_client.api.client import issue_query
from jira_client.api.models import LIST_FIELDS
from jira_client.web.lists import project_jql

RUNS = ((0, 150), (50, 40))  # (stub latency in ms, views per page)
WARM_UP = 20
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept": "text/html"}
SEARCH_JQL = "project = KAN AND statusCategory != Done ORDER BY updated DESC"


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    target_ms: float | None
    upstream: Callable[[requests.Session, str], requests.Response] | None


def _search(jql: str):
    body = {"jql": jql, "maxResults": 50, "fields": list(LIST_FIELDS)}
    return lambda jira, url: jira.post(f"{url}/rest/api/3/search/jql", json=body, timeout=10)


PAGES = (
    Page("/issues/KAN-2 (50 comments)", "/issues/KAN-2", 5.0, lambda jira, url: jira.get(
        f"{url}/rest/api/3/issue/KAN-2", params=issue_query(), timeout=10)),
    Page("/projects/KAN (50 rows)", "/projects/KAN", 10.0, _search(project_jql("KAN"))),
    Page("/search?jql= (50 rows)", "/search?" + requests.compat.urlencode({"jql": SEARCH_JQL}), 10.0, _search(SEARCH_JQL)),
    Page("/projects (50 projects)", "/projects", 3.0, lambda jira, url: jira.get(
        f"{url}/rest/api/3/project/search", params={"startAt": 0, "maxResults": 50, "orderBy": "name"}, timeout=10)),
    Page("/healthz (no Jira call)", "/healthz", None, None),
)


def run() -> list[Table]:
    """Return the per-page table for each stub latency, and the issue page's bytes on the wire."""
    rows, sizes = [], []
    for latency, views in RUNS:
        with running_stub(latency) as jira_url, served_app(jira_url) as app:
            measured = measure_apps(jira_url, {"": app}, views)[""]
            rows += [(page.label, latency, *cells) for page, cells in measured.items()]
            if not sizes:
                sizes = _transfer_sizes(app.url)
    columns = ("page", "Jira latency", "upstream median", "page median", "own cost", "target", "worker CPU",
               "page p90", "status")
    title = (f"page time minus its Jira call, ms (gunicorn, 1 gthread worker, single_user, stub Jira with recorded "
             f"bodies; views per page: {', '.join(f'{v} at {l} ms' for l, v in RUNS)})")
    size_table = Table("the issue page's bytes on the wire (/issues/KAN-2, 50 comments)",
                       ("Accept-Encoding", "Content-Encoding", "bytes"), sizes)
    return [Table(title, columns, rows, labels=1), size_table]


def measure_apps(jira_url: str, apps: dict[str, ServedApp], views: int,
                 in_a_row: int = 1) -> dict[str, dict[Page, tuple]]:
    """Return, per app and page: upstream and page medians, own cost, target, worker CPU, p90, status.

    Each round asks every app for each page ``in_a_row`` times, each view after the page's Jira
    call (the warm-up and ``views`` are rounded up to whole rounds), the apps in an order that
    turns round by round, so a burst of load (or a slower spell of the machine) falls on all of
    them alike: ``bench.compare_pages`` compares two trees this way. A worker that has waited
    while another served runs its next view slower (its caches went cold), so with several apps
    the first of each run of views costs more than the rest.
    """
    jira, browser = requests.Session(), requests.Session()
    jira.auth = (EMAIL, TOKEN)
    browser.headers.update(BROWSER)
    names = list(apps)
    upstream: dict[Page, list[float]] = {page: [] for page in PAGES}
    pages = {name: {page: [] for page in PAGES} for name in names}
    cpu = {name: {page: 0.0 for page in PAGES} for name in names}
    statuses: dict[str, dict[Page, int]] = {name: {} for name in names}
    warm_up_rounds = math.ceil(WARM_UP / in_a_row)
    for round_number in range(warm_up_rounds + math.ceil(views / in_a_row)):
        measured = round_number >= warm_up_rounds
        turn = names[round_number % len(names):] + names[:round_number % len(names)]
        for page, name in [(page, name) for page in PAGES for name in turn for _ in range(in_a_row)]:
            if page.upstream is not None:
                started = time.perf_counter()
                page.upstream(jira, jira_url).content
                if measured:
                    upstream[page].append(time.perf_counter() - started)
            app = apps[name]
            cpu_before = app.worker_cpu_seconds()
            started = time.perf_counter()
            response = browser.get(app.url + page.path, stream=True, timeout=30)
            response.raw.read(decode_content=False)
            elapsed = time.perf_counter() - started
            statuses[name][page] = response.status_code
            if measured:
                pages[name][page].append(elapsed)
                cpu[name][page] += app.worker_cpu_seconds() - cpu_before
    results = {}
    for name in names:
        result = results[name] = {}
        for page in PAGES:
            up = _median_ms(upstream[page]) if upstream[page] else 0.0
            own = _median_ms(pages[name][page])
            p90 = sorted(pages[name][page])[int(len(pages[name][page]) * 0.9)] * 1000
            target = f"<= {page.target_ms:g}" if page.target_ms is not None else "-"
            per_view = cpu[name][page] / len(pages[name][page]) * 1000
            result[page] = (up, own, own - up, target, per_view, p90, statuses[name][page])
    return results


def _transfer_sizes(app_url: str) -> list[tuple]:
    """Return (Accept-Encoding, Content-Encoding, bytes sent) for the issue page."""
    rows = []
    for accept in ("identity", "gzip, deflate, br, zstd"):
        response = requests.get(app_url + "/issues/KAN-2", headers={"Accept-Encoding": accept}, stream=True, timeout=30)
        body = response.raw.read(decode_content=False)
        rows.append((accept, response.headers.get("Content-Encoding", "(none)"), len(body)))
    return rows


def _median_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return value * 1000
