"""Operations: JSON logs, Prometheus metrics, request ids, per-user rate limits, the doctor command.

``init_observability(app, state)`` wires it all into an app; ``client_options`` is what
``get_jira()`` passes to each request's JiraClient; ``events`` holds the calls the sign-in code
makes (sign-in, refresh, logout, failures); ``checks`` and ``doctor`` answer "is this deployment
healthy". Health endpoints live in jira_client/web/health.py.
"""

from __future__ import annotations

from flask import Flask

from jira_client.observability import exposition
from jira_client.observability.doctor import doctor
from jira_client.observability.logs import configure_logging
from jira_client.observability.ratelimits import RateLimitStore
from jira_client.observability.request_log import client_options, current_rate_limits, init_request_log
from jira_client.state import AppState

__all__ = ["client_options", "init_observability"]


def init_observability(app: Flask, state: AppState) -> None:
    """Add logging, request ids, metrics, the rate-limit store and the ``doctor`` command to ``app``."""
    configure_logging(state.settings.log_level)
    init_request_log(app)
    app.register_blueprint(exposition.bp)
    state.rate_limits = RateLimitStore()
    app.add_template_global(current_rate_limits, "current_rate_limits")
    app.cli.add_command(doctor)
