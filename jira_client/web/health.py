"""Liveness and readiness, for load balancers, orchestrators and the Docker HEALTHCHECK.

``/healthz``: the process is alive (no I/O at all). ``/readyz``: it can serve: settings are valid
and the session store answers (Redis PING with a short timeout, or the session folder is
writable); 503 otherwise. Jira's reachability is reported there too, from a probe cached for
30 seconds per process, but it never makes the app "not ready": a Jira outage is shown to
people as a page, and restarting the app would not fix it. Which Jira (or identity service) and
which session folder are named only to a caller presenting ``METRICS_TOKEN``: to anyone else
they would map the deployment.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app

from jira_client.api.transport import get_transport
from jira_client.observability.checks import CachedProbe, check_reachable, check_session_store, redis_probe_for
from jira_client.observability.exposition import metrics_token_presented
from jira_client.state import app_state

bp = Blueprint("health", __name__)
JIRA_PROBE_SECONDS = 30.0


@bp.get("/healthz")
def healthz():
    """Return 200 while the process can answer at all."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Return 200 when the app can serve requests, 503 when settings or the session store fail."""
    app = current_app._get_current_object()
    probes = _probes(app)
    session = check_session_store(app, probes.get("redis"))
    jira, age = probes["jira"]()
    ready = session.ok  # settings were validated when the app started, or it would not be running
    operator = metrics_token_presented()
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {
            "settings": {"ok": True},
            "session_store": {"ok": session.ok, "detail": session.detail if operator else session.shown_to_anyone},
            "jira": {"ok": jira.ok, "detail": jira.detail if operator else jira.shown_to_anyone,
                     "checked_seconds_ago": round(age, 1), "required": False},
        },
    }
    return body, 200 if ready else 503, {"Cache-Control": "no-store"}


def _probes(app: Flask) -> dict:
    """Return this app's cached probes, created on first use."""
    state = app_state(app)
    if state.probes is None:
        name, url = state.strategy.reachability_target()
        transport = get_transport(state.settings.network)
        probes: dict = {"jira": CachedProbe(lambda: check_reachable(url, transport, name), JIRA_PROBE_SECONDS)}
        client = getattr(app.session_interface, "client", None)
        if client is not None and hasattr(client, "connection_pool"):
            probes["redis"] = redis_probe_for(client)
        state.probes = probes
    return state.probes
