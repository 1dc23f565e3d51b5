"""``GET /metrics``: the Prometheus text format, optionally behind a bearer token.

With ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn with several workers), every scrape merges the
files all workers wrote, so the numbers are the whole server's, whichever worker answers. The
directory must exist and be emptied before gunicorn starts, and gunicorn's ``child_exit`` hook
must call ``prometheus_client.multiprocess.mark_process_dead(worker.pid)``.
With ``METRICS_TOKEN`` set, a scrape needs ``Authorization: Bearer <token>`` (else 401).
"""

from __future__ import annotations

import hmac
import os

from flask import Blueprint, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from jira_client.state import app_state

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    """Return every metric in the Prometheus text format."""
    token = app_state().settings.metrics_token
    if token and not metrics_token_presented():
        return Response(
            "A valid metrics token is required.\n", status=401, mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    response = Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _registry() -> CollectorRegistry:
    """Return a registry merging every worker's files in multiprocess mode, else the default one."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return registry


def metrics_token_presented() -> bool:
    """Return whether this request carries the configured METRICS_TOKEN (never when none is set)."""
    token = app_state().settings.metrics_token
    return bool(token) and _bearer_matches(request.headers.get("Authorization", ""), token)


def _bearer_matches(header: str, token: str) -> bool:
    """Return True when ``header`` is "Bearer <token>" (compared in constant time)."""
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
