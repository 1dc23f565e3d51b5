"""Operations: JSON logs, Prometheus metrics, request ids, per-user rate limits, the doctor command.

``init_observability(app, settings)`` wires it all into an app; ``client_options`` is what
``get_jira()`` passes to each request's JiraClient; ``events`` holds the calls the sign-in code
makes (sign-in, refresh, logout, failures). Health endpoints live in jira_client/web/health.py.
"""

from __future__ import annotations

from flask import Flask

from jira_client.observability import exposition
from jira_client.observability.logs import configure_logging
from jira_client.observability.ratelimits import RateLimitStore
from jira_client.observability.request_log import RATE_LIMITS_KEY, client_options, current_rate_limits, init_request_log
from jira_client.settings import Settings

__all__ = ["client_options", "init_observability"]


def init_observability(app: Flask, settings: Settings) -> None:
    """Add logging, request ids, metrics, the rate-limit store and the ``doctor`` command to ``app``."""
    from jira_client.cli import doctor  # the CLI builds apps itself: import it late, not at load

    configure_logging(settings.log_level)
    init_request_log(app)
    app.register_blueprint(exposition.bp)
    app.extensions[RATE_LIMITS_KEY] = RateLimitStore()
    app.add_template_global(current_rate_limits, "current_rate_limits")
    app.cli.add_command(doctor)
