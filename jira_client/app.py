"""The app factory: settings -> sessions (and the quota's ledger and cache) -> auth strategy -> blueprints -> error pages.

``create_app()`` reads the environment (and ``.env``); tests pass a mapping instead. It never
starts the sandbox: ``python web_app.py`` and gunicorn's master (``gunicorn.conf.py``) do that
once, before any app is built, and hand the app the sandbox's URLs as settings.
"""

from __future__ import annotations

import os
import secrets
from typing import Mapping

from dotenv import load_dotenv
from flask import Flask
from flask_wtf import CSRFProtect

from jira_client import anonymous_forms
from jira_client.api.client import DEFAULT_TIMEOUT, RetryPolicy
from jira_client.auth import STRATEGIES
from jira_client.compression import init_compression
from jira_client.observability import init_observability
from jira_client.quota.web import init_quota
from jira_client.security import init_security
from jira_client.sessions import init_sessions
from jira_client.settings import Settings
from jira_client.state import AppState, init_state
from jira_client.web import register_blueprints
from jira_client.web.assets import init_assets
from jira_client.web.errors import register_error_pages
from jira_client.web.templating import Environment

LOCAL_SERVER = "_LOCAL_SERVER"  # set by ``python web_app.py``: development, not production
FLASK_KEYS = ("TESTING", "DEBUG", "WTF_CSRF_ENABLED", "SERVER_NAME")
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(overrides: Mapping[str, object] | None = None) -> Flask:
    """Return the configured app; ``overrides`` replaces the environment (tests pass one)."""
    if overrides is None:
        load_dotenv()
        env: Mapping[str, object] = dict(os.environ)
    else:
        env = overrides
    production = not (_truthy(env.get("TESTING")) or env.get(LOCAL_SERVER))
    settings = Settings.from_mapping({k: str(v) for k, v in env.items() if v is not None}, production=production)

    app = Flask(
        __name__, root_path=PACKAGE_ROOT, template_folder="templates", static_folder="static",
        instance_path=settings.instance_path or os.path.abspath("instance"),
    )
    app.jinja_environment = Environment  # before anything asks for app.jinja_env
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)  # random only outside production
    if overrides is not None:  # tests and the local server; never Flask switches from the real environment
        app.config.update({k: v for k, v in env.items() if k in FLASK_KEYS or k.startswith("SESSION_")})
    strategy = STRATEGIES[settings.app_mode](settings)
    state = init_state(app, AppState(
        settings=settings, strategy=strategy,
        client_options={"timeout": DEFAULT_TIMEOUT, "retry": RetryPolicy(backoff=settings.jira_retry_backoff)},
    ))

    init_observability(app, state)
    init_sessions(app, settings)
    init_quota(app, state)
    init_security(app, settings)
    csrf = CSRFProtect(app)
    strategy.init_app(app)
    register_blueprints(app)
    anonymous_forms.init_app(app, csrf)  # after every view exists: the sign-in button and /setup gate
    register_error_pages(app)
    init_assets(app)
    init_compression(app)

    @app.context_processor
    def page_globals():
        return {"sandbox_url": settings.sandbox_url, "site_variables": strategy.site_variables,
                "current_viewer": strategy.viewer}

    return app


def _truthy(value: object) -> bool:
    """Return whether a setting means yes ("1", "true", True): "false" and "0" do not."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")
