"""The entry point: ``gunicorn "web_app:create_app()"``, and ``python web_app.py`` for a local server.

``create_app`` lives in ``jira_client/app.py`` and is re-exported here for gunicorn and Flask's
CLI (``flask --app web_app doctor``). ``python web_app.py`` (``make run``) serves
http://127.0.0.1:5000; with no Jira configured (or ``JIRA_SANDBOX=1``) it first starts the
built-in sandbox on 127.0.0.1:5001 and points the app at it.
"""

from __future__ import annotations

import logging
import os

from dotenv import load_dotenv
from werkzeug.serving import make_server

from jira_client.app import LOCAL_SERVER, create_app
from jira_client.settings import jira_configured

__all__ = ["create_app", "main"]


def main() -> None:
    """Serve the app locally, with the sandbox standing in for Jira when none is configured."""
    load_dotenv()
    env: dict = {**os.environ, LOCAL_SERVER: "1"}
    sandbox_people = ""
    if not jira_configured(env) or env.get("JIRA_SANDBOX") == "1":
        from sandbox.directory import USERS
        from sandbox.launch import start_for_app

        _, env = start_for_app(env, port=int(env.get("SANDBOX_PORT") or 5001))
        print(f" * No Jira configured: using the built-in sandbox at {env['SANDBOX_URL']}")
        sandbox_people = ", ".join(user["name"] for user in USERS)
    app = create_app(env)
    state = app.extensions["jira_client"]
    settings = state.settings
    url, mode = state.strategy.local_entry(f"http://{settings.host}:{settings.port}", sandbox_people)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs each request once, as JSON
    server = make_server(settings.host, settings.port, app, threaded=True)  # listening from here on
    print(f" * Mode {mode}")
    print(f" * Open {url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
