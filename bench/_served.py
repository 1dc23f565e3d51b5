"""The app under gunicorn for benchmarks: gunicorn.conf.py, one gthread worker, single_user.

``served_app(jira_url)`` starts ``gunicorn -c gunicorn.conf.py "web_app:create_app()"`` in its own
process group with production settings (a strong SECRET_KEY, INFO logs, sessions on files) and
the Jira at ``jira_url``; it yields a ``ServedApp`` once ``/healthz`` answers, and stops it after.
Its output goes to a file in its instance folder, as a real deployment's would go to a log.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench._processes import free_port, stop_group
from bench.stub_jira import ROOT

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
EMAIL, TOKEN = "bench@example.test", "bench-api-token"


@dataclass(frozen=True)
class ServedApp:
    url: str
    master_pid: int

    def worker_pids(self) -> list[int]:
        """Return the pids of gunicorn's workers (the master's children)."""
        children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def worker_cpu_seconds(self) -> float:
        """Return the CPU time (user + system, all threads) the workers have used so far."""
        return sum(_cpu_seconds(pid) for pid in self.worker_pids())

    def worker_rss_bytes(self) -> list[int]:
        """Return each worker's resident set size, in bytes."""
        return [_rss_bytes(pid) for pid in self.worker_pids()]


def _cpu_seconds(pid: int) -> float:
    """Return the CPU time of a process's live threads, in nanosecond steps (/proc's schedstat).

    /proc/PID/stat counts in clock ticks (10 ms), coarser than a page view; a thread that has
    ended takes its time with it, which gunicorn's long-lived threads never do mid-run.
    """
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
    return total / 1e9


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@contextlib.contextmanager
def served_app(jira_url: str, root: Path = ROOT, **settings: str):
    """Run the app in ``root`` under gunicorn against ``jira_url``; yield a ServedApp; stop it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-app-") as instance:
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8", "PYTHONPATH": str(root), "PORT": str(port), "WEB_CONCURRENCY": "1",
            "APP_MODE": "single_user", "SECRET_KEY": SECRET, "JIRA_BASE_URL": jira_url, "JIRA_EMAIL": EMAIL,
            "JIRA_API_TOKEN": TOKEN, "INSTANCE_PATH": instance, "LOG_LEVEL": "INFO",
            "JIRA_CACHE_SECONDS": "0",  # every view asks Jira: the app's own cost on top of a real call
            **settings,
        }
        args = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "web_app:create_app()"]
        with open(Path(instance) / "gunicorn.log", "wb") as log:
            process = subprocess.Popen(args, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(process, url, Path(instance) / "gunicorn.log")
            yield ServedApp(url, process.pid)
        finally:
            stop_group(process)


def _wait_healthy(process: subprocess.Popen, url: str, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout} s")
