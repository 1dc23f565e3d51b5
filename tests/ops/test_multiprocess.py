"""Under gunicorn with two workers, /metrics sums both workers' counters (multiprocess mode)."""

from __future__ import annotations

import re
import secrets
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.paths import ROOT, VENV_BIN
from tests.support.processes import LineReader, free_port, subprocess_env

GUNICORN_CONFIG = '''
from prometheus_client import multiprocess

accesslog = "-"
access_log_format = "ACCESS %(p)s %(U)s %(s)s"


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
'''
HEALTHZ_SAMPLE = re.compile(r'^jira_web_http_requests_total\{(?=[^}]*route="health\.healthz")(?=[^}]*status="200")[^}]*\} (\S+)$', re.M)
ACCESS_LINE = re.compile(r"ACCESS <?(\d+)>? /healthz 200")
BATCH = 24
MAX_REQUESTS = 480


@pytest.fixture
def gunicorn(tmp_path, sandbox, admin_user):
    """Serve ``web_app:create_app()`` with two gunicorn workers in multiprocess mode; yield (url, stdout)."""
    config = tmp_path / "gunicorn_test.conf.py"
    config.write_text(GUNICORN_CONFIG)
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    port = free_port()
    env = subprocess_env(
        JIRA_BASE_URL=sandbox.url, JIRA_EMAIL=admin_user["email"], JIRA_API_TOKEN=admin_user["api_token"],
        SECRET_KEY=secrets.token_hex(20), PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        INSTANCE_PATH=str(tmp_path / "instance"),
    )
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-c", str(config), "-b", f"127.0.0.1:{port}", "--timeout", "30",
         "web_app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stdout, stderr = LineReader(process.stdout), LineReader(process.stderr)
    try:
        if not stderr.wait_for(lambda lines: sum("Booting worker" in line for line in lines) >= 2):
            pytest.fail("gunicorn did not start two workers:\n" + "\n".join(stderr.lines[-30:]))
        yield f"http://127.0.0.1:{port}", stdout
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def healthz_count(url: str) -> float:
    """Return the summed healthz counter that one scrape of /metrics reports."""
    text = requests.get(f"{url}/metrics", timeout=10).text
    return sum(float(value) for value in HEALTHZ_SAMPLE.findall(text))


def test_metrics_sum_both_workers(gunicorn):
    url, access_log = gunicorn

    def pids(lines: list[str]) -> list[str]:
        return [match.group(1) for line in lines if (match := ACCESS_LINE.search(line))]

    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while sent < MAX_REQUESTS and len(set(pids(access_log.lines))) < 2:
            statuses = list(pool.map(lambda _: requests.get(f"{url}/healthz", timeout=10).status_code, range(BATCH)))
            assert statuses == [200] * BATCH
            sent += BATCH
            assert access_log.wait_for(lambda lines: len(pids(lines)) == sent, 10), "access log lines missing"

    assert len(set(pids(access_log.lines))) == 2, "one worker served every request"
    assert healthz_count(url) == sent
    assert healthz_count(url) == sent  # whichever worker answers the scrape, the sum is the same
