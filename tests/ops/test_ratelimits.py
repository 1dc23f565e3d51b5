"""Rate-limit headers are kept per user and site, shown in the partial, and logged near or over."""

from __future__ import annotations

import logging

from flask import render_template

from jira_client.observability.ratelimits import RateLimitStore, snapshot_from
from jira_client.state import app_state
from tests.support.stubs import EMPTY_PROJECTS
URL = "https://jira.test/rest/api/3/project/search"
QUOTA_HEADERS = {
    "X-RateLimit-Limit": "350", "X-RateLimit-Remaining": "40", "X-RateLimit-Reset": "2026-11-27T18:00Z",
    "X-RateLimit-NearLimit": "true", "RateLimit-Reason": "jira-quota-based",
    "Beta-RateLimit-Policy": '"tenant-app-quota";q=65000;w=3600', "Beta-RateLimit": '"tenant-app-quota";r=120;t=600',
    "X-Beta-RateLimit-Reason": "jira-quota-tenant-based", "X-Beta-RateLimit-Reset": "2026-11-27T18:00:00Z",
}


def test_every_header_is_recorded_for_the_user_and_site(app, client, jira_http, caplog):
    jira_http.get(URL, json=EMPTY_PROJECTS, headers=QUOTA_HEADERS)

    with caplog.at_level(logging.WARNING, logger="jira_client"):
        client.get("/projects")

    snapshot = app_state(app).rate_limits.latest("shared", "https://jira.test")
    assert dict(snapshot.rows()) == QUOTA_HEADERS
    assert snapshot.near_limit and not snapshot.limited
    (warning,) = [r for r in caplog.records if r.getMessage() == "rate_limit_near"]
    assert warning.fields["ratelimit_remaining"] == "40" and warning.fields["operation"] == "GET project/search"


def test_a_429_is_recorded_and_logged_as_rate_limited(app, client, jira_http, caplog):
    app_state(app).client_options["sleep"] = lambda seconds: None
    jira_http.get(URL, status=429, json={"errorMessages": ["Slow down."]},
                  headers={"Retry-After": "1", "RateLimit-Reason": "jira-burst-based"})
    jira_http.get(URL, json=EMPTY_PROJECTS)

    with caplog.at_level(logging.WARNING, logger="jira_client"):
        assert client.get("/projects").status_code == 200

    snapshot = app_state(app).rate_limits.latest("shared")
    assert snapshot.limited and snapshot.headers["retry_after"] == "1"
    assert [r.getMessage() for r in caplog.records].count("rate_limited") == 1


def test_answers_without_rate_limit_headers_change_nothing(app, client, jira_http):
    jira_http.get(URL, json=EMPTY_PROJECTS)
    client.get("/projects")
    assert len(app_state(app).rate_limits) == 0


def test_the_store_is_bounded_and_keeps_the_most_recent():
    store = RateLimitStore(capacity=3)
    for n in range(5):
        store.record(f"user-{n}", "site", snapshot_from(429, "GET myself", {}, now=float(n)))
    assert len(store) == 3
    assert store.latest("user-0") is None and store.latest("user-4").seen_at == 4.0


def test_header_values_are_capped_and_retry_after_needs_a_429_or_503():
    snapshot = snapshot_from(200, "GET myself", {"X-RateLimit-Remaining": "9" * 500, "Retry-After": "5"})
    assert len(snapshot.headers["remaining"]) == 200 and "retry_after" not in snapshot.headers
    assert snapshot_from(200, "GET myself", {"Content-Type": "application/json"}) is None


def test_the_partial_shows_the_latest_headers(app, client, jira_http):
    jira_http.get(URL, json=EMPTY_PROJECTS, headers=QUOTA_HEADERS)
    client.get("/projects")

    with app.test_request_context("/account"):
        html = render_template("_ratelimits.html")
    assert "X-RateLimit-Remaining" in html and "40" in html and "close to Jira" in html
    assert "&#34;tenant-app-quota&#34;;q=65000" in html  # escaped like every Jira value


def test_the_partial_says_when_nothing_was_reported(app):
    with app.test_request_context("/account"):
        html = render_template("_ratelimits.html")
    assert "has not reported any rate limits" in html
