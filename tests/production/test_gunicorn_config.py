"""gunicorn.conf.py: workers, threads, time budgets, proxy trust, a query-free access log, metrics hook."""

from __future__ import annotations

import gc
import runpy
import subprocess
from types import SimpleNamespace


from jira_client.api.client import JiraClient
from jira_client.api.transport import create_transport
from jira_client.state import app_state
from tests.support.apps import make_app
from tests.support.paths import ROOT, VENV_BIN
from tests.support.processes import server_env

CONFIG = ROOT / "gunicorn.conf.py"
HEROKU_ROUTER_TIMEOUT = 30
HEROKU_ROUTER_IDLE = 90


def load_config(monkeypatch, **env: str) -> dict:
    """Return the names gunicorn.conf.py defines, read under ``env`` only."""
    for name in ("PORT", "WEB_CONCURRENCY", "REDIS_URL", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS", "PROMETHEUS_MULTIPROC_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_defaults_bind_every_interface_on_port_5000_with_one_threaded_worker(monkeypatch):
    config = load_config(monkeypatch)

    assert config["bind"] == "0.0.0.0:5000"
    assert (config["workers"], config["worker_class"], config["threads"]) == (1, "gthread", 4)
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_with_redis_two_workers_by_default(monkeypatch):
    assert load_config(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")["workers"] == 2


def test_the_environment_sets_port_workers_and_trusted_proxies(monkeypatch):
    config = load_config(monkeypatch, PORT="8123", WEB_CONCURRENCY="5", FORWARDED_ALLOW_IPS="*")

    assert config["bind"] == "0.0.0.0:8123"
    assert config["workers"] == 5
    assert config["forwarded_allow_ips"] == "*"


def test_timeouts_fit_herokus_router(monkeypatch):
    config = load_config(monkeypatch)

    assert config["timeout"] < HEROKU_ROUTER_TIMEOUT
    assert config["graceful_timeout"] <= config["timeout"]
    assert config["keepalive"] < HEROKU_ROUTER_IDLE


def test_a_page_with_every_retry_fits_inside_the_gunicorn_timeout(monkeypatch, tmp_path):
    """Every client's calls share one time budget (tests/unit/test_client.py shows it holds)."""
    config = load_config(monkeypatch)
    client = JiraClient(create_transport(), "https://jira.test", **app_state(make_app(tmp_path)).client_options)

    assert client.deadline - client.clock() < config["timeout"] - 3  # room to render the page


def test_gunicorn_logs_no_second_line_per_request(monkeypatch):
    """The app's JSON line is the one line per request (tests/ops/test_logs.py)."""
    assert load_config(monkeypatch)["accesslog"] is None


def test_the_access_log_format_leaves_out_query_strings(monkeypatch):
    """For operators who turn gunicorn's access log on (--access-logfile -)."""
    log_format = load_config(monkeypatch)["access_log_format"]

    assert "%(U)s" in log_format  # the path alone
    for with_query in ("%(r)s", "%(q)s", "%({raw_uri}e)s", "%({query_string}e)s"):
        assert with_query not in log_format


def test_gunicorn_accepts_the_file():
    printed = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--print-config", "wsgiref.simple_server:demo_app"],
        cwd=ROOT, env=server_env(PORT="5123"), capture_output=True, text=True, timeout=30,
    )
    settings = dict(line.split("=", 1) for line in printed.stdout.splitlines() if "=" in line)
    settings = {name.strip(): value.strip() for name, value in settings.items()}

    assert printed.returncode == 0, printed.stderr
    assert settings["bind"] == "['0.0.0.0:5123']"
    assert settings["worker_class"] == "gthread"
    assert settings["timeout"] == "25"


def test_child_exit_marks_a_finished_worker_dead_for_multiprocess_metrics(monkeypatch, tmp_path):
    live = tmp_path / "gauge_livesum_4242.db"
    live.write_bytes(b"")
    other = tmp_path / "gauge_livesum_4343.db"
    other.write_bytes(b"")
    config = load_config(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))

    config["child_exit"](None, SimpleNamespace(pid=4242))

    assert not live.exists() and other.exists()


def test_child_exit_does_nothing_without_multiprocess_metrics(monkeypatch):
    config = load_config(monkeypatch)

    config["child_exit"](None, SimpleNamespace(pid=4242))  # no PROMETHEUS_MULTIPROC_DIR: no error


def test_on_starting_empties_the_multiprocess_metrics_directory(monkeypatch, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_99.db").write_bytes(b"")
    (directory / "README").write_text("kept")
    config = load_config(monkeypatch, PROMETHEUS_MULTIPROC_DIR=str(directory))

    config["on_starting"](None)

    assert [path.name for path in directory.iterdir()] == ["README"]


def test_each_worker_freezes_what_loading_the_app_made(monkeypatch):
    """Objects made before the first request are left out of later garbage collections (gc.freeze)."""
    config = load_config(monkeypatch)
    kept = [object()]  # something loading the app made and keeps
    assert any(found is kept for found in gc.get_objects())
    try:
        config["post_worker_init"](SimpleNamespace())
        assert not any(found is kept for found in gc.get_objects())  # frozen: no collection walks it
    finally:
        gc.unfreeze()
