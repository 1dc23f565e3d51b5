"""``python web_app.py`` (``make run``): what it prints, how it logs, and the page chrome of sandbox mode (issue #18)."""

from __future__ import annotations

import re
import socket

import requests
from werkzeug.serving import make_server

from tests.support.apps import make_app
from tests.support.oauth import make_oauth_app
from tests.support.processes import VENV_BIN, free_port, subprocess_env, wait_until
from tests.support.sandbox import sandbox_user


def test_make_run_prints_the_url_and_the_mode_and_logs_each_request_once(processes, tmp_path):
    port = free_port()
    env = subprocess_env(PORT=str(port), SANDBOX_PORT="0", INSTANCE_PATH=str(tmp_path), LOG_LEVEL="INFO")
    server = processes.start([str(VENV_BIN / "python"), "web_app.py"], env, tmp_path / "run.log")
    wait_until(lambda: f" * Open http://127.0.0.1:{port}" in server.output(), what="the start-up lines")

    assert re.search(r"^ \* Mode single_user: every page acts as \S+@\S+$", server.output(), re.M)
    assert requests.get(f"http://127.0.0.1:{port}/projects", timeout=10).status_code == 200
    wait_until(lambda: '"path": "/projects"' in server.output(), what="the request line")
    assert server.output().count("/projects") == 1


def test_make_run_listens_before_it_prints_the_url(monkeypatch, tmp_path, sandbox_server):
    import web_app

    port, admin, printed = free_port(), sandbox_user(sandbox_server, "admin"), []
    for name, value in {"PORT": str(port), "INSTANCE_PATH": str(tmp_path), "JIRA_BASE_URL": sandbox_server.url,
                        "JIRA_EMAIL": admin["email"], "JIRA_API_TOKEN": admin["api_token"]}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(web_app, "load_dotenv", lambda: None)  # a developer's .env plays no part

    def print_and_connect(line: str, **_) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # refused if the port is not bound yet
            printed.append(line)

    class StopsAtOnce:
        """werkzeug's server, bound as make run binds it, and closed where make run would serve."""

        def __init__(self, *args, **kwargs) -> None:
            self.server = make_server(*args, **kwargs)

        def serve_forever(self) -> None:
            self.server.server_close()

    monkeypatch.setattr("builtins.print", print_and_connect)
    monkeypatch.setattr(web_app, "make_server", StopsAtOnce)
    web_app.main()

    assert printed[-1] == f" * Open http://127.0.0.1:{port}"


def test_the_multi_user_local_server_points_at_the_callbacks_host_and_the_sandbox_people(processes, tmp_path):
    port = free_port()
    env = subprocess_env(PORT=str(port), SANDBOX_PORT="0", INSTANCE_PATH=str(tmp_path), APP_MODE="multi_user")
    server = processes.start([str(VENV_BIN / "python"), "web_app.py"], env, tmp_path / "run.log")
    wait_until(lambda: " * Open " in server.output(), what="the start-up lines")

    assert f" * Open http://localhost:{port}" in server.output()
    assert re.search(r"multi_user: sign in with Atlassian \(the sandbox's consent page offers .*bob", server.output())


def test_the_sandbox_banner_names_the_settings_of_the_mode(tmp_path, sandbox):
    single = make_app(tmp_path, SANDBOX_URL=sandbox.url).test_client().get("/no-such-page").get_data(as_text=True)
    multi = make_oauth_app(tmp_path, sandbox.url, SANDBOX_URL=sandbox.url).test_client().get("/login").get_data(as_text=True)

    assert "<code>JIRA_API_TOKEN</code>" in single and "JIRA_OAUTH_CLIENT_ID" not in single
    assert "<code>JIRA_OAUTH_CLIENT_ID</code>" in multi and "JIRA_API_TOKEN" not in multi


def test_the_signed_out_page_offers_no_navigation_that_needs_sign_in(tmp_path, sandbox):
    html = make_oauth_app(tmp_path, sandbox.url).test_client().get("/login").get_data(as_text=True)

    assert 'href="/projects"' not in html and 'name="jql"' not in html
    assert "Sign in with Atlassian" in html
