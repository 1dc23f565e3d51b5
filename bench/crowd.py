"""A team on one OAuth app quota: people browsing the sandbox through the app for one simulated hour.

Everyone is a crowd member of the sandbox (``crowd01``...), signed in with Atlassian through the
app (multi_user). The hour is simulated on one fake clock shared by the sandbox's rate limits and
the app's ledger and cache, so it runs as fast as the machine allows and every run with the same
plan gives the same numbers. Each simulated minute:

- the greedy person (``crowd01``) runs ``greedy_searches`` different 50-issue searches in a loop;
- every other person, with chance ``visit_chance``, pays a visit: a project's issue list or a
  team search, one or two issues from it, back to the list, and now and then a comment.

``managed`` runs the app as it is (governor, fair shares, per-person cache); unmanaged takes the
governor out (the app as it was before it), so every page asks Jira. ``simulate`` returns what
each person met and what Jira counted; ``bench/quota.py`` prints it, and
``tests/quota/test_crowd.py`` asserts on a smaller plan.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import quote, urlsplit

import requests
from cachelib import SimpleCache

from jira_client.observability import metrics
from jira_client.state import app_state
from sandbox.jira_http import QUOTA_KEY
from sandbox.server import start_sandbox
from web_app import create_app

WINDOW_START = 3600 * 500_000
REDIRECT_URI = "http://localhost:5000/auth/callback"  # registered for the sandbox's OAuth client
PROJECTS = ("ACME", "OPS", "WEB")
TEAM_SEARCHES = (
    "project = ACME AND statusCategory != Done ORDER BY updated DESC",
    "project in (ACME, OPS) AND priority = High ORDER BY created DESC",
    "project = WEB ORDER BY created DESC",
    "assignee = currentUser() ORDER BY updated DESC",
)
HOT_ISSUES = 40  # the issues people look at (per project, the newest ones)


@dataclass(frozen=True)
class Plan:
    """How big the team, the hour and the quota are, and how busy everyone is."""

    people: int = 50
    minutes: int = 60
    quota_points: int = 20_000
    greedy_searches: int = 18  # per minute
    visit_chance: float = 0.05  # per person and minute
    comment_chance: float = 0.15  # per visit
    seed: int = 2026


@dataclass
class Outcome:
    """What one simulated hour came to."""

    managed: bool
    refused_by_jira: int = 0  # 429s Jira (the sandbox) sent, any reason
    people_with_errors: set = field(default_factory=set)  # crowd names that saw a page with status >= 400
    minutes_blocked: int = 0  # minutes that ended with no points left
    exhausted_at: int | None = None  # the first minute that ended with no points left
    points_spent: int = 0  # by Jira's (the sandbox's) count
    pages: int = 0
    statuses: Counter = field(default_factory=Counter)
    cache_hits: int = 0
    cache_misses: int = 0
    older_copies: int = 0  # pages built from an older copy, with a banner

    @property
    def cache_hit_ratio(self) -> float | None:
        looked = self.cache_hits + self.cache_misses
        return self.cache_hits / looked if looked else None


class Clock:
    """The simulated time: read by the sandbox's limits and the app's ledger and cache."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def simulate(plan: Plan, managed: bool) -> Outcome:
    """Run one simulated hour of ``plan`` (with or without the governor) and return what happened."""
    rng = random.Random(plan.seed)
    clock = Clock(WINDOW_START - 120)
    outcome = Outcome(managed=managed)
    with start_sandbox(config={"quota_points": plan.quota_points}) as sandbox:
        sandbox.app.extensions[QUOTA_KEY].clock = clock
        app = _app(sandbox.url, plan, clock, managed)
        people = [f"crowd{n:02d}" for n in range(1, plan.people + 1)]
        clients = {name: signed_in(app, name) for name in people}  # in the hour before
        hits, misses, stale = (_counter("hit"), _counter("miss"), _counter("stale"))
        requests.post(f"{sandbox.url}/_sandbox/stats/reset", timeout=10)
        for minute in range(plan.minutes):
            visits = [(people[0], "greedy")] * plan.greedy_searches
            visits += [(name, "visit") for name in people[1:] if rng.random() < plan.visit_chance]
            rng.shuffle(visits)
            for step, (name, kind) in enumerate(visits):
                clock.now = WINDOW_START + 60 * minute + 60 * step / len(visits)
                pages = _greedy(rng, minute, step) if kind == "greedy" else _visit(rng, plan)
                for path, form in pages:
                    _open(clients[name], path, form, name, outcome)
            quota = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()["quota"]
            if quota["window"]["left"] == 0:
                outcome.minutes_blocked += 1
                outcome.exhausted_at = minute if outcome.exhausted_at is None else outcome.exhausted_at
        stats = requests.get(f"{sandbox.url}/_sandbox/stats", timeout=10).json()
    outcome.points_spent = stats["quota"]["points_spent"]
    outcome.refused_by_jira = sum(stats["quota"]["refused"].values())
    outcome.cache_hits, outcome.cache_misses = _counter("hit") - hits, _counter("miss") - misses
    outcome.older_copies = _counter("stale") - stale
    return outcome


def _app(sandbox_url: str, plan: Plan, clock: Clock, managed: bool):
    """Return the multi_user app against the sandbox; unmanaged, without its governor."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "crowd-simulation-secret-key-0123456789", "SESSION_TYPE": "cachelib",
        "SESSION_CACHELIB": SimpleCache(threshold=100_000), "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "ERROR",
        "APP_MODE": "multi_user", "JIRA_OAUTH_CLIENT_ID": "sandbox-client-id",
        "JIRA_OAUTH_CLIENT_SECRET": "sandbox-client-secret", "JIRA_OAUTH_REDIRECT_URI": REDIRECT_URI,
        "ATLASSIAN_AUTH_URL": sandbox_url, "ATLASSIAN_API_URL": sandbox_url, "JIRA_RETRY_BACKOFF": 0,
        "JIRA_POINTS_PER_HOUR": plan.quota_points, "JIRA_CACHE_SECONDS": 60, "INSTANCE_PATH": tempfile.mkdtemp(),
    })
    state = app_state(app)
    state.quota.ledger.clock = state.quota.cache.clock = clock
    if not managed:
        state.quota = None  # every call goes straight to Jira, as before the governor
    return app


def signed_in(app, name: str):
    """Return a test client of ``app`` signed in as crowd member ``name`` through the sandbox."""
    client = app.test_client()
    started = client.post("/login/start", data={"next": "/projects"})
    consent = requests.get(f"{started.headers['Location']}&login_hint={name}&sandbox_auto_approve=1",
                           allow_redirects=False, timeout=10)
    callback = urlsplit(consent.headers["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302, f"{name} could not sign in: {done.status_code}"
    return client


def _greedy(rng: random.Random, minute: int, step: int) -> list:
    """Return the greedy person's next search: 50 issues, never the same query twice."""
    jql = f"project = ACME AND key != ACME-{minute * 50 + step + 1} ORDER BY created DESC"
    return [(f"/search?jql={quote(jql)}", None)]


def _visit(rng: random.Random, plan: Plan) -> list:
    """Return one visit: a list, an issue or two from it, back to the list, maybe a comment."""
    if rng.random() < 0.6:
        project = rng.choice(PROJECTS)
        listing = f"/projects/{project}"
    else:
        project = rng.choice(PROJECTS)
        listing = f"/search?jql={quote(rng.choice(TEAM_SEARCHES))}"
    issues = [f"/issues/{project}-{rng.randint(1, 12 if project != 'ACME' else HOT_ISSUES)}" for _ in range(rng.randint(1, 2))]
    pages = [(listing, None)] + [(issue, None) for issue in issues] + [(listing, None)]
    if rng.random() < plan.comment_chance:
        pages.append((issues[-1], "comment"))
    return pages


def _open(client, path: str, form: str | None, name: str, outcome: Outcome) -> None:
    """Open a page (or, for "comment", post a comment from it) and note what the person met."""
    response = client.get(path)
    if form == "comment" and response.status_code == 200:
        token = re.search(r'action="%s/comments"[^>]*>.*?name="once" value="([^"]+)"' % re.escape(path),
                          response.get_data(as_text=True), re.S)
        if token:
            response = client.post(f"{path}/comments", data={"once": unescape(token.group(1)), "body": f"Seen by {name}."})
    outcome.pages += 1
    outcome.statuses[response.status_code] += 1
    if response.status_code >= 400:
        outcome.people_with_errors.add(name)


def _counter(result: str) -> float:
    return metrics.read_cache.labels(result=result)._value.get()
