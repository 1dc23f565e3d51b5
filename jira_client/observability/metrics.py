"""The Prometheus metrics this app exports, and the one rule for their label values.

Labels are low-cardinality names only: Flask endpoint names (never raw paths), Jira operations as
path templates ("GET issue/{key}"), statuses, and reasons from a fixed vocabulary. No user id,
account, site or issue key is ever a label value.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, wiped at each start) before
the workers start: prometheus-client then keeps the values in files there and ``/metrics`` sums
every worker's (see jira_client/observability/exposition.py).
"""

from __future__ import annotations

import os

# prometheus-client opens its files in this folder as soon as a metric is defined below; gunicorn
# creates it at start, but a one-off command (the doctor on a Heroku dyno, in a container) may
# import this module first.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import Counter, Gauge, Histogram  # noqa: E402  (after the folder exists)

PREFIX = "jira_web"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
OTHER = "other"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

http_requests = Counter(
    f"{PREFIX}_http_requests", "HTTP requests served, by route (endpoint name), method and status.",
    ["route", "method", "status"],
)
http_latency = Histogram(
    f"{PREFIX}_http_request_duration_seconds", "Time to serve an HTTP request, by route.",
    ["route"], buckets=LATENCY_BUCKETS,
)
jira_calls = Counter(
    f"{PREFIX}_jira_calls", "HTTP calls made to Jira, by operation and status ('error': no answer).",
    ["operation", "status"],
)
jira_latency = Histogram(
    f"{PREFIX}_jira_call_duration_seconds", "Time until Jira's response headers arrived, by operation.",
    ["operation"], buckets=LATENCY_BUCKETS,
)
jira_rate_limited = Counter(
    f"{PREFIX}_jira_rate_limited", "429 answers received from Jira, by operation and RateLimit-Reason.",
    ["operation", "reason"],
)
jira_retry_wait = Counter(
    f"{PREFIX}_jira_retry_wait_seconds",
    "Seconds spent waiting before retrying a Jira read; cause is retry_after (the header) or backoff.",
    ["cause"],
)
token_refreshes = Counter(
    f"{PREFIX}_token_refreshes", "OAuth token refreshes, by outcome.", ["outcome"],
)
sign_ins = Counter(f"{PREFIX}_sign_ins", "Completed sign-ins with Atlassian.")
sign_outs = Counter(f"{PREFIX}_sign_outs", "Sign-outs.")
auth_failures = Counter(
    f"{PREFIX}_auth_failures", "Failed sign-ins and credentials Jira refused, by reason.", ["reason"],
)
admin_setup = Counter(
    f"{PREFIX}_admin_setup",
    "Uses of the admin /setup page, by action (throttled: a guess refused unchecked; locked: a lockout began).",
    ["action"],
)
# The hourly points quota of the OAuth app (jira_client/quota).
quota_points_spent = Counter(
    f"{PREFIX}_quota_points_spent", "Points of the app's hourly Jira quota spent by this app's calls (estimated per answer).",
)
quota_points_left = Gauge(
    f"{PREFIX}_quota_points_left", "Points left in the app's hourly Jira quota, as Jira's latest Beta-RateLimit header said.",
    multiprocess_mode="mostrecent",
)
quota_points_limit = Gauge(
    f"{PREFIX}_quota_points_limit", "Points of the app's hourly Jira quota, as Jira's latest Beta-RateLimit-Policy said.",
    multiprocess_mode="mostrecent",
)
quota_decisions = Counter(
    f"{PREFIX}_quota_decisions", "Fair-share decisions on calls to Jira, by decision (allow, slow) and reason.",
    ["decision", "reason"],
)
quota_ledger_failures = Counter(
    f"{PREFIX}_quota_ledger_failures", "Times the shared points ledger or read cache could not be reached (pages went on).",
    ["store"],
)
read_cache = Counter(
    f"{PREFIX}_read_cache", "Per-person read cache lookups: hit (fresh), miss, or stale (an older copy served instead of an error).",
    ["result"],
)

# The label values each free-form label accepts; anything else is counted as "other".
REFRESH_OUTCOMES = frozenset({"success", "failure", "invalid_grant", "reused", "waited", "revoked", "retried"})
AUTH_FAILURE_REASONS = frozenset({
    "access_denied", "state_mismatch", "code_exchange", "invalid_grant", "no_sites", "refresh_failed",
    "jira_401", "setup_denied", "session_expired",
})
SETUP_ACTIONS = frozenset({"view", "sign_in", "denied", "sign_out", "throttled", "locked"})
RATE_LIMIT_REASONS = frozenset({
    "jira-burst-based", "jira-quota-based", "jira-cost-based", "jira-per-issue-on-write",
    "jira-quota-tenant-based", "jira-quota-global-based", "unknown",
})


def bounded(value: str | None, allowed: frozenset[str]) -> str:
    """Return ``value`` when it is in the allowed vocabulary, else "other" (bounds cardinality)."""
    return value if value in allowed else OTHER
