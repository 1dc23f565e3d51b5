"""Memory per gunicorn worker: RSS after 1,000 mixed page views, and after 1,000 more.

The app runs as in ``page_speed`` (gunicorn.conf.py, one gthread worker, single_user, the stub
Jira with recorded bodies, no latency). A view is one of the issue page (50 comments), a project's
issue list, a search (a new query every tenth view, so the session's page tokens turn over), the
projects list, the issue's edit form, and a transition form whose Jira call answers 404 (the
error page), in turn, from a few browsers that keep their session cookies. The worker's resident set size is read from
/proc after start, after the first 1,000 views and after the second 1,000; a leak shows as growth
across the second 1,000, when every cache has long been warm.
"""

from __future__ import annotations

import itertools

import requests

from bench import Table
from bench._served import served_app
from bench.stub_jira import running_stub

VIEWS = 1000
BROWSERS = 4
PATHS = ("/issues/KAN-2", "/projects/KAN", "/search?jql=project%3DKAN", "/projects", "/issues/KAN-2/edit",
         "/issues/KAN-2/transitions/21")


def run() -> list[Table]:
    """Return one table: RSS of the worker at start, after 1,000 views and after 2,000."""
    with running_stub(0) as jira_url, served_app(jira_url) as app:
        browsers = [requests.Session() for _ in range(BROWSERS)]
        for browser in browsers:
            browser.headers["Accept-Encoding"] = "gzip, deflate, br"
        views = _views(app.url, browsers)
        statuses: dict[int, int] = {}
        rows = [("after start-up", 0, *_rss_mb(app))]
        for done in (VIEWS, 2 * VIEWS):
            for _ in range(VIEWS):
                status = next(views)()
                statuses[status] = statuses.get(status, 0) + 1
            rows.append((f"after {done:,} views", done, *_rss_mb(app)))
    growth = rows[2][2] - rows[1][2]
    rows.append(("growth across the second 1,000", VIEWS, growth))
    title = (f"gunicorn worker memory (RSS, MB) over mixed page views from {BROWSERS} browsers "
             f"(statuses seen: {', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))})")
    return [Table(title, ("when", "views", "RSS MB"), rows)]


def _views(url: str, browsers: list[requests.Session]):
    """Yield one callable per view, cycling over the pages and the browsers."""
    for number in itertools.count():
        browser = browsers[number % len(browsers)]
        path = PATHS[number % len(PATHS)]
        if path.startswith("/search") and number % 10 == 0:
            path = f"/search?jql=project%3DKAN%20AND%20summary~%22{number}%22"
        yield lambda browser=browser, path=path: browser.get(url + path, timeout=30).status_code


def _rss_mb(app) -> list[float]:
    return [rss / 2**20 for rss in app.worker_rss_bytes()]
