"""Jira's hourly points quota: what each page costs, and a team of 50 on one OAuth app for an hour.

Two tables:

1. **Points per view** of every page, multi_user as alice against the sandbox: the points Jira
   (the sandbox) charged, the app's own estimate, the Jira calls, and the points of a second view
   within a minute (from the person's cache). Counted by the sandbox (``/_sandbox/stats``' quota).
2. **A team on one quota**: ``bench/crowd.py``'s 50 people (one greedy, searching in a loop) for one
   simulated hour, unmanaged (every page asks Jira) and managed (governor, fair shares, cache).
"""

from __future__ import annotations

import tempfile
from urllib.parse import quote

import requests
from cachelib import SimpleCache

from bench import Table
from bench.crowd import REDIRECT_URI, Plan, signed_in, simulate
from jira_client.observability import metrics
from sandbox.server import start_sandbox
from web_app import create_app

VIEWS = 5
SEARCH = "/search?jql=" + quote("project = ACME AND statusCategory != Done ORDER BY updated DESC")
PAGES = [
    ("/projects", "/projects"),
    ("/projects/<KEY> (first page)", "/projects/ACME"),
    ("/projects/<KEY>?page=1", "/projects/ACME?page=1"),
    ("/search?jql=", SEARCH),
    ("/issues/<KEY>", "/issues/ACME-7"),
    ("/issues/<KEY>?comments=50", "/issues/ACME-7?comments=50"),
    ("/issues/<KEY>/edit", "/issues/ACME-7/edit"),
    ("/issues/<KEY>/transitions/<id>", "/issues/ACME-7/transitions/41"),
    ("/issues/<KEY>/assignee?q=", "/issues/ACME-7/assignee?q=a"),
    ("/issues/<KEY>/labels", "/issues/ACME-7/labels"),
    ("/issues/<KEY>/priority", "/issues/ACME-7/priority"),
    ("/issues/<KEY>/people?q= (mentions)", "/issues/ACME-7/people?q=al"),
    ("/issues/<KEY>/comments/<id>/edit", "/issues/ACME-7/comments/10087/edit"),
    ("/issues/<KEY>/comments/<id>/delete", "/issues/ACME-7/comments/10087/delete"),
    ("/projects/<KEY>/issues/new", "/projects/ACME/issues/new"),
    ("/projects/<KEY>/issues/new?type=", "/projects/ACME/issues/new?type=10001"),
    ("/projects/<KEY>/people?q= (mentions)", "/projects/ACME/people?q=al"),
    ("/account", "/account"),
]


def run() -> list[Table]:
    """Return the points-per-view table and the team-hour table."""
    return [points_per_view(), team_hour(Plan())]


def points_per_view() -> Table:
    """Return, per page, Jira's points per view (and the app's estimate), uncached and from the cache."""
    with start_sandbox() as sandbox:
        uncached = _signed_in_app(sandbox.url, cache_seconds=0)
        cached = _signed_in_app(sandbox.url, cache_seconds=60)
        rows = []
        for label, path in PAGES:
            uncached.get("/projects/ACME")  # the page-token stack for ?page=1
            status, calls, points, estimate = _measure(sandbox.url, uncached, path, VIEWS)
            cached.get("/projects/ACME")
            cached.get(path)
            _, _, again, _ = _measure(sandbox.url, cached, path, 1)
            rows.append((label, status, calls, points, estimate, again))
    title = (f"points per page view, multi_user against the sandbox (mean of {VIEWS} views; Jira's count from "
             "/_sandbox/stats; 'again' = a second view within a minute, from the person's cache)")
    return Table(title, ("page", "status", "Jira calls/view", "points/view", "app's estimate", "again"), rows)


def _signed_in_app(sandbox_url: str, cache_seconds: int):
    """Return a test client of a multi_user app, signed in as alice on acme."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench-quota-secret-key-0123456789abcdef", "SESSION_TYPE": "cachelib",
        "SESSION_CACHELIB": SimpleCache(), "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "ERROR", "APP_MODE": "multi_user",
        "JIRA_OAUTH_CLIENT_ID": "sandbox-client-id", "JIRA_OAUTH_CLIENT_SECRET": "sandbox-client-secret",
        "JIRA_OAUTH_REDIRECT_URI": REDIRECT_URI, "ATLASSIAN_AUTH_URL": sandbox_url, "ATLASSIAN_API_URL": sandbox_url,
        "JIRA_CACHE_SECONDS": cache_seconds, "INSTANCE_PATH": tempfile.mkdtemp(),
    })
    client = signed_in(app, "alice")  # alice may use two sites: she picks acme
    acme = requests.get(f"{sandbox_url}/_sandbox/info", timeout=10).json()["sites"][0]["id"]
    assert client.post("/sites", data={"site": acme, "next": "/projects"}).status_code == 302
    return client


def _measure(sandbox_url: str, client, path: str, views: int) -> tuple:
    """Return (status, Jira calls, Jira's points, the app's estimate) per view of ``path``."""
    requests.post(f"{sandbox_url}/_sandbox/stats/reset", timeout=10)
    estimated = metrics.quota_points_spent._value.get()
    status = None
    for _ in range(views):
        status = client.get(path).status_code
    stats = requests.get(f"{sandbox_url}/_sandbox/stats", timeout=10).json()
    calls = sum(row["count"] for row in stats["requests"]) / views
    estimate = (metrics.quota_points_spent._value.get() - estimated) / views
    return status, calls, stats["quota"]["points_spent"] / views, estimate


def team_hour(plan: Plan) -> Table:
    """Return the team's simulated hour, unmanaged and managed, side by side."""
    rows = []
    for managed in (False, True):
        outcome = simulate(plan, managed)
        others = outcome.people_with_errors - {"crowd01"}
        ratio = outcome.cache_hit_ratio
        rows.append((
            "managed (governor, fair shares, cache)" if managed else "unmanaged (every page asks Jira)",
            outcome.refused_by_jira,
            f"{len(outcome.people_with_errors)} ({'greedy + ' if 'crowd01' in outcome.people_with_errors else ''}{len(others)} others)",
            outcome.minutes_blocked,
            "never" if outcome.exhausted_at is None else f"minute {outcome.exhausted_at + 1}",
            f"{outcome.points_spent} of {plan.quota_points}",
            "-" if ratio is None else f"{ratio:.0%}",
            int(outcome.older_copies),
            outcome.pages,
        ))
    title = (f"{plan.people} people on one OAuth app quota for one simulated hour ({plan.quota_points} points; one greedy "
             f"person running {plan.greedy_searches} 50-issue searches a minute, the others visiting with chance "
             f"{plan.visit_chance:.0%} a minute)")
    columns = ("run", "refused by Jira", "people who saw an error page", "minutes blocked", "quota exhausted",
               "points spent", "cache hits", "older copies shown", "pages")
    return Table(title, columns, rows)
