"""A 50 MB attachment through the app: the gunicorn worker's memory growth and the throughput against going direct.

The sandbox runs in this process (its media origin on a port of its own); the app runs under
gunicorn with gunicorn.conf.py (one gthread worker), as in production, with CSRF on. In the
same run, for the same 50 MB file of random bytes:

- download, direct: ``GET attachment/content/{id}`` from the sandbox with requests following the
  303 to the media origin; through the app: the issue page's link to the file (the app follows it);
- upload, direct: a streamed multipart POST to the sandbox; through the app: the issue page's
  upload form (CSRF and one-time token), streamed from a file by the same encoder.

Each is repeated ``ROUNDS`` times, direct and through the app in turn (so both meet the same load on
a shared machine); the table shows the median throughput, the median of the rounds' ratios
(direct time / time through the app) and, for the app, the
worker's memory growth: its peak RSS during the transfers (``VmHWM``, reset through
``/proc/<pid>/clear_refs`` before) less its RSS before them. Targets (issue #14): growth under
10 MB, throughput through the app at least 0.8 of direct for the download. Every transfer is
checked byte for byte (SHA-256).
"""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

import requests
from requests_toolbelt import MultipartEncoder

from bench import Table
from bench._processes import free_port, stop_group
from sandbox import directory
from sandbox.server import start_sandbox

SIZE = 50 * 1024 * 1024
ROUNDS = 9
CHUNK = 64 * 1024
ADMIN = next(user for user in directory.USERS if user["admin"])
AUTH = (ADMIN["email"], ADMIN["api_token"])
ROOT = Path(__file__).resolve().parent.parent
ISSUE = "ACME-1"


def run() -> list[Table]:
    """Return one table: direct and through-the-app throughput for a 50 MB download and upload, with memory growth."""
    with tempfile.TemporaryDirectory() as folder, start_sandbox() as sandbox:
        source = Path(folder) / "random.bin"
        digest = _random_file(source)
        attachment_id = _direct_upload(sandbox.url, source, digest)[1]
        app = _Gunicorn(sandbox.url, Path(folder))
        try:
            session = requests.Session()
            html = session.get(f"{app.url}/issues/{ISSUE}", timeout=30).text  # also the warm-up: imports, templates
            link = unescape(re.search(rf'href="(/attachments/{attachment_id}\?[^"]+)"', html).group(1))
            _app_download(session, app.url, link, digest)
            direct_down, direct_up = [], []

            def downloads() -> list[float]:  # direct and through the app in turn, so both meet the same load
                direct_down.extend(_direct_download(sandbox.url, attachment_id, digest) for _ in range(1))
                return [_app_download(session, app.url, link, digest)]

            def uploads() -> list[float]:
                direct_up.append(_direct_upload(sandbox.url, source, digest)[0])
                return [_app_upload(session, app.url, source, digest, sandbox.url)]

            before, down = app.measure(lambda: [s for _ in range(ROUNDS) for s in downloads()])
            before_up, up = app.measure(lambda: [s for _ in range(ROUNDS) for s in uploads()])
        finally:
            app.stop()
    rows = [
        _row("download", "direct (sandbox, media origin)", direct_down, None, None),
        _row("download", "through the app", down[1], before, down[0], direct_down),
        _row("upload", "direct (sandbox)", direct_up, None, None),
        _row("upload", "through the app", up[1], before_up, up[0], direct_up),
    ]
    title = (f"a {SIZE // (1024 * 1024)} MB attachment, {ROUNDS} rounds each (median); the app under gunicorn, one gthread "
             f"worker; memory: the worker's peak RSS during the rounds less its RSS before (target < 10 MB); "
             f"ratio: through the app / direct (target >= 0.8)")
    return [Table(title, ("transfer", "path", "MB/s", "s", "ratio", "worker RSS before MB", "worker growth MB"), rows, labels=2)]


def _row(kind, path, seconds: list[float], before_kb, peak_kb, direct: list[float] | None = None) -> tuple:
    median = statistics.median(seconds)
    ratio = statistics.median(d / s for d, s in zip(direct, seconds)) if direct else ""  # of each round's pair
    megabytes = SIZE / (1024 * 1024)
    growth = (peak_kb - before_kb) / 1024 if before_kb is not None else ""
    before = before_kb / 1024 if before_kb is not None else ""
    return kind, path, megabytes / median, median, ratio, before, growth


def _random_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for _ in range(SIZE // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _drain(response: requests.Response) -> str:
    digest = hashlib.sha256()
    for chunk in response.iter_content(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _direct_upload(base: str, source: Path, digest: str) -> tuple[float, str]:
    with open(source, "rb") as stream:
        encoder = MultipartEncoder(fields={"file": ("random.bin", stream, "application/octet-stream")})
        started = time.perf_counter()
        answer = requests.post(f"{base}/rest/api/3/issue/{ISSUE}/attachments", data=encoder, auth=AUTH, timeout=300,
                               headers={"Content-Type": encoder.content_type, "X-Atlassian-Token": "no-check"})
        seconds = time.perf_counter() - started
    answer.raise_for_status()
    attachment_id = answer.json()[0]["id"]
    assert answer.json()[0]["size"] == SIZE
    return seconds, attachment_id


def _direct_download(base: str, attachment_id: str, digest: str) -> float:
    started = time.perf_counter()
    with requests.get(f"{base}/rest/api/3/attachment/content/{attachment_id}", auth=AUTH, stream=True, timeout=300) as answer:
        answer.raise_for_status()
        got = _drain(answer)
    seconds = time.perf_counter() - started
    assert got == digest, "the direct download differs"
    return seconds


def _app_download(session: requests.Session, url: str, link: str, digest: str) -> float:
    started = time.perf_counter()
    with session.get(url + link, stream=True, timeout=300) as answer:
        answer.raise_for_status()
        got = _drain(answer)
    seconds = time.perf_counter() - started
    assert got == digest, "the download through the app differs"
    return seconds


def _app_upload(session: requests.Session, url: str, source: Path, digest: str, sandbox_url: str) -> float:
    html = session.get(f"{url}/issues/{ISSUE}", timeout=30).text
    action = f"/attachments/upload/{ISSUE}"
    form = re.search(r'action="%s".*?</form>' % re.escape(action), html, re.S).group(0)
    fields = {name: unescape(value) for name, value in re.findall(r'name="(csrf_token|once)" value="([^"]+)"', form)}
    with open(source, "rb") as stream:
        encoder = MultipartEncoder(fields={**fields, "file": ("through-the-app.bin", stream, "application/octet-stream")})
        started = time.perf_counter()
        answer = session.post(url + action, data=encoder, headers={"Content-Type": encoder.content_type},
                              allow_redirects=False, timeout=300)
        seconds = time.perf_counter() - started
    assert answer.status_code == 302, answer.text[:500]
    newest = requests.get(f"{sandbox_url}/rest/api/3/issue/{ISSUE}?fields=attachment", auth=AUTH, timeout=30).json()
    newest_id = newest["fields"]["attachment"][-1]["id"]
    with requests.get(f"{sandbox_url}/rest/api/3/attachment/content/{newest_id}", auth=AUTH, stream=True, timeout=300) as back:
        assert _drain(back) == digest, "the upload through the app differs"
    return seconds


class _Gunicorn:
    """The app under gunicorn (gunicorn.conf.py, one worker) against the sandbox, with its worker's memory at hand."""

    def __init__(self, sandbox_url: str, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT), "PORT": str(self.port), "WEB_CONCURRENCY": "1",
            "SECRET_KEY": "bench-secret-0123456789abcdef0123456789abcdef", "APP_MODE": "single_user", "LOG_LEVEL": "WARNING",
            "JIRA_BASE_URL": sandbox_url, "JIRA_EMAIL": ADMIN["email"], "JIRA_API_TOKEN": ADMIN["api_token"],
            "MAX_UPLOAD_MB": "200", "INSTANCE_PATH": str(folder / "instance"), "TMPDIR": str(folder),
        }
        self.log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "web_app:create_app()"],
                                        cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("gunicorn did not start: " + (folder / "gunicorn.log").read_text()[-2000:])

    def worker(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0])

    def measure(self, work):
        """Return (RSS before in kB, (peak RSS during ``work`` in kB, what ``work`` returned))."""
        pid = self.worker()
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        before = _status(pid, "VmRSS")
        result = work()
        return before, (_status(pid, "VmHWM"), result)

    def stop(self) -> None:
        stop_group(self.process)
        self.log.close()


def _status(pid: int, field: str) -> int:
    """Return a /proc/<pid>/status field in kB."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))
