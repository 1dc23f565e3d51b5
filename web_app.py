"""The app factory, and ``python web_app.py``: a local server on http://127.0.0.1:5000.

``create_app`` goes: settings -> sessions -> auth strategy -> blueprints -> error pages.
With no Jira configured, the local server starts the built-in sandbox on 127.0.0.1:5001 and
points the app at it. Under gunicorn a missing setting is a start-up error that names it; the
sandbox starts there only when ``JIRA_SANDBOX=1`` asks for it.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Mapping

from dotenv import load_dotenv
from flask import Flask
from flask_wtf import CSRFProtect

from jira_client.api.client import DEFAULT_TIMEOUT, RetryPolicy
from jira_client.auth import STRATEGIES
from jira_client.observability import init_observability
from jira_client.security import init_security
from jira_client.sessions import init_sessions
from jira_client.settings import Settings, jira_configured
from jira_client.web import register_blueprints
from jira_client.web.errors import register_error_pages

LOCAL_SERVER = "_LOCAL_SERVER"  # set by ``python web_app.py``: development, not production
FLASK_KEYS = ("TESTING", "DEBUG", "WTF_CSRF_ENABLED", "MAX_CONTENT_LENGTH", "SERVER_NAME")


def create_app(overrides: Mapping[str, object] | None = None) -> Flask:
    """Return the configured app; ``overrides`` replaces the environment (tests pass one)."""
    if overrides is None:
        load_dotenv()
        env: Mapping[str, object] = dict(os.environ)
        if env.get("JIRA_SANDBOX") == "1":
            env = with_sandbox(env, port=int(env.get("SANDBOX_PORT") or 0))
    else:
        env = overrides
    production = not (_truthy(env.get("TESTING")) or env.get(LOCAL_SERVER))
    settings = Settings.from_mapping({k: str(v) for k, v in env.items() if v is not None}, production=production)

    app = Flask(__name__, instance_path=str(env.get("INSTANCE_PATH") or os.path.abspath("instance")))
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),  # random only outside production
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if overrides is not None:  # tests and the local server; never Flask switches from the real environment
        app.config.update({k: v for k, v in env.items() if k in FLASK_KEYS or k.startswith("SESSION_")})
    app.extensions["settings"] = settings
    app.extensions["jira_client_options"] = {
        "timeout": DEFAULT_TIMEOUT,
        "retry": RetryPolicy(backoff=float(env.get("JIRA_RETRY_BACKOFF", 0.5))),
    }

    init_observability(app, settings)
    init_sessions(app, settings)
    init_security(app, settings)
    CSRFProtect(app)
    strategy = STRATEGIES[settings.app_mode](settings)
    app.extensions["auth_strategy"] = strategy
    strategy.init_app(app)
    register_blueprints(app)
    register_error_pages(app)

    @app.context_processor
    def page_globals():
        return {"settings": settings, "viewer_label": strategy.viewer_label}

    return app


def _truthy(value: object) -> bool:
    """Return whether a setting means yes ("1", "true", True): "false" and "0" do not."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def with_sandbox(env: Mapping[str, object], port: int = 5001) -> dict:
    """Start the built-in sandbox and return ``env`` pointed at it (its admin's token, its OAuth)."""
    from sandbox.directory import OAUTH_CLIENT, USERS
    from sandbox.server import start_sandbox

    running = start_sandbox(host="127.0.0.1", port=port)
    admin = next(user for user in USERS if user["admin"])
    local = f"http://localhost:{env.get('PORT') or 5000}"
    return {
        **env,
        "JIRA_BASE_URL": running.url,
        "JIRA_EMAIL": admin["email"],
        "JIRA_API_TOKEN": admin["api_token"],
        "ATLASSIAN_AUTH_URL": running.url,
        "ATLASSIAN_API_URL": running.url,
        "JIRA_OAUTH_CLIENT_ID": OAUTH_CLIENT["client_id"],
        "JIRA_OAUTH_CLIENT_SECRET": OAUTH_CLIENT["client_secret"],
        "JIRA_OAUTH_REDIRECT_URI": env.get("JIRA_OAUTH_REDIRECT_URI") or f"{local}/auth/callback",
        "SANDBOX_URL": running.url,
    }


def main() -> None:
    """Serve the app locally, with the sandbox standing in for Jira when none is configured."""
    load_dotenv()
    env: dict = {**os.environ, LOCAL_SERVER: "1"}
    if not jira_configured(env) or env.get("JIRA_SANDBOX") == "1":
        env = with_sandbox(env, port=int(env.get("SANDBOX_PORT") or 5001))
        print(f" * No Jira configured: using the built-in sandbox at {env['SANDBOX_URL']}")
    app = create_app(env)
    settings = app.extensions["settings"]
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
