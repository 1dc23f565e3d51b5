"""Per-request bookkeeping: the request id, the JSON log line, the HTTP metrics.

The request id is the caller's ``X-Request-ID`` when it is a sane token (``[A-Za-z0-9._-]``, at
most 128 characters), else a fresh random one. It is echoed in the response and passed on to
Jira as ``X-Request-ID`` (see ``client_options``). The log line carries the route (the endpoint
name), method, path (never the query string: OAuth codes travel there), status, duration, the
pseudonymous user and site, and the number of Jira calls and the time spent in them.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from jira_client.observability import metrics
from jira_client.observability.events import user_id
from jira_client.observability.jira_calls import JiraCallObserver
from jira_client.observability.logs import LOGGER_NAME
from jira_client.observability.ratelimits import RateLimitSnapshot, RateLimitStore
from jira_client.state import app_state, current_strategy

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
UNMATCHED_ROUTE = "(unmatched)"

log = logging.getLogger(f"{LOGGER_NAME}.requests")


def request_id_from(value: str | None) -> str:
    """Return ``value`` when it is a sane request id, else a new random one."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def init_request_log(app: Flask) -> None:
    """Register the hooks that time, count and log every request."""
    app.before_request(_start)
    app.after_request(_finish)


def client_options(base_url: str) -> dict:
    """Return the JiraClient keyword arguments that report to this request (observer, request id)."""
    observer = JiraCallObserver(app_state().rate_limits, current_scope(), base_url)
    g.jira_observer = observer
    return {"observer": observer, "request_id": g.get("request_id")}


def _start() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    route = request.endpoint or UNMATCHED_ROUTE
    request_id = g.get("request_id") or request_id_from(None)
    response.headers[REQUEST_ID_HEADER] = request_id
    method = metrics.bounded(request.method, metrics.HTTP_METHODS)  # any token is a method to gunicorn
    metrics.http_requests.labels(route=route, method=method, status=str(response.status_code)).inc()
    metrics.http_latency.labels(route=route).observe(seconds)
    observer: JiraCallObserver | None = g.get("jira_observer")
    log.info("request", extra={"fields": {
        "request_id": request_id,
        "method": request.method,
        "route": route,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "user": user_id(observer.scope) if observer else None,
        "site": observer.site if observer else None,
        "jira_calls": observer.calls if observer else 0,
        "jira_ms": round(observer.seconds * 1000, 1) if observer else 0.0,
        "jira_wait_ms": round(observer.waited_seconds * 1000, 1) if observer else 0.0,
    }})
    return response


def current_scope() -> str | None:
    """Return the signed-in person's cache scope (who they are, per site), or None."""
    strategy = current_strategy()
    return strategy.cache_scope() if strategy.is_signed_in() else None


def current_rate_limits() -> RateLimitSnapshot | None:
    """Return what Jira last said about the signed-in person's rate limits (for templates)."""
    scope = current_scope()
    store: RateLimitStore | None = app_state().rate_limits
    return store.latest(scope) if scope and store is not None else None
