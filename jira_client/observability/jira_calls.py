"""Watching one request's calls to Jira: metrics, time spent, rate-limit headers.

``JiraCallObserver`` is what ``get_jira()`` hands to the JiraClient (its ``CallObserver``): after
each HTTP attempt it counts the call by operation and status, adds up the time for the request's
log line, and records rate-limit headers for the user and site. ``operation_name`` turns a URL
into a low-cardinality label such as ``GET issue/{key}/comment``: literal lower-case path words
stay, everything else (issue and project keys, ids) becomes a placeholder.
"""

from __future__ import annotations

import re
import threading
from typing import Mapping
from urllib.parse import urlsplit

from jira_client.observability import events, metrics
from jira_client.observability.ratelimits import RateLimitStore, snapshot_from

API_MARKER = "/rest/api/3/"
AGILE_MARKER = "/rest/agile/1.0/"  # Jira Software: operations are named "agile/board/{id}/..."
_LITERAL = re.compile(r"^[a-z][a-zA-Z-]{0,39}$")  # Jira's own path words: search, jql, comment ...
_PLACEHOLDERS = {"issue": "{key}", "project": "{key}"}  # anything else variable is an {id}
OTHER_PATH = "(outside /rest/api/3)"


def operation_name(method: str, url: str) -> str:
    """Return "METHOD path-template" for a Jira REST URL, with keys and ids replaced."""
    path = urlsplit(url).path
    _, marker, rest = path.partition(API_MARKER)
    if not marker:
        _, marker, rest = path.partition(AGILE_MARKER)
        rest = "agile/" + rest
    if not marker:
        return f"{method} {OTHER_PATH}"
    parts: list[str] = []
    for segment in rest.strip("/").split("/"):
        if _LITERAL.match(segment):
            parts.append(segment)
        else:
            parts.append(_PLACEHOLDERS.get(parts[-1] if parts else "", "{id}"))
    return f"{method} {'/'.join(parts)}"


class JiraCallObserver:
    """Collects one request's Jira calls; safe to share between threads."""

    def __init__(self, store: RateLimitStore | None, scope: str | None, site: str | None) -> None:
        self.store = store
        self.scope = scope
        self.site = site
        self.calls = 0
        self.seconds = 0.0
        self.waited_seconds = 0.0
        self._last_had_retry_after = False
        self._lock = threading.Lock()

    def sent(self, method: str, url: str, status: int | None, seconds: float, headers: Mapping[str, str]) -> None:
        """Count one attempt, add its time, and keep any rate-limit headers it carried."""
        operation = operation_name(method, url)
        with self._lock:
            self.calls += 1
            self.seconds += seconds
            self._last_had_retry_after = status is not None and headers.get("Retry-After") is not None
        metrics.jira_calls.labels(operation=operation, status=str(status) if status else "error").inc()
        metrics.jira_latency.labels(operation=operation).observe(seconds)
        if status == 401:
            events.sign_in_failed("jira_401", self.scope)
        if status is None:
            return
        snapshot = snapshot_from(status, operation, headers)
        if snapshot is None:
            return
        if self.store is not None and self.scope is not None:
            self.store.record(self.scope, self.site or "", snapshot)
        events.rate_limit_seen(snapshot, self.scope, self.site)

    def waited(self, seconds: float) -> None:
        """Count time slept before a retry, by whether Retry-After asked for it."""
        with self._lock:
            self.waited_seconds += seconds
            cause = "retry_after" if self._last_had_retry_after else "backoff"
        metrics.jira_retry_wait.labels(cause=cause).inc(seconds)
