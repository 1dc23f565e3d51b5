"""Starting the sandbox for the app: once per server, before any app is built.

``python web_app.py`` (``make run``) calls ``start_for_app`` when no Jira is configured or
``JIRA_SANDBOX=1``; under gunicorn only ``JIRA_SANDBOX=1`` asks for it, and ``gunicorn.conf.py``
calls it in the master process, so every worker forked from it talks to the same sandbox (and
the same demo data). The app itself never starts one: it just reads the URLs returned here.
"""

from __future__ import annotations

from typing import Mapping

from sandbox.directory import OAUTH_CLIENT, USERS
from sandbox.server import RunningSandbox, start_sandbox


def start_for_app(env: Mapping[str, str], port: int = 5001, app_port: int | str | None = None) -> tuple[RunningSandbox, dict]:
    """Start the sandbox on 127.0.0.1:``port``; return it and ``env`` pointed at it (its admin's token, its OAuth)."""
    running = start_sandbox(host="127.0.0.1", port=port)
    admin = next(user for user in USERS if user["admin"])
    local = f"http://localhost:{app_port or env.get('PORT') or 5000}"
    return running, {
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
