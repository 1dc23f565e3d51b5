"""Load: 20 clients for 60 s against gunicorn (2 workers) and Redis, in each mode, checking what must not break.

Each run starts its own sandbox (``python -m sandbox``), a private ``redis-server`` and gunicorn with
``gunicorn.conf.py`` (``WEB_CONCURRENCY=2``), all on loopback. The clients are threads of this
process, each with its own cookie jar; in multi_user they sign in through the sandbox as admin,
alice (who picks acme) and bob in turn, so several people and several sessions per person are
in play. Every client loops without pause over a mix of pages (projects, a project, issues, an
issue's last comments, a search) with about 5 % comment posts on OPS issues, each post a unique
marker followed to the page it redirects to.

Reported per mode: requests, requests/s, p50/p95/p99 latency, errors (an exception, a 5xx or any
status the step did not expect), comment posts answered 302, and from the sandbox's own data
afterwards: markers stored more than once (duplicated) and accepted posts not stored (missing).
Leaks are pages that show another person: a header naming someone else, a project the person may
not browse, or "Your comment was added." on a page of a client that did not just post.

``LOAD_SECONDS`` and ``LOAD_CLIENTS`` change the duration and the number of clients. The machine's
load average is printed with the table: the numbers depend on what else runs.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

from bench import Table
from bench._processes import free_port, stop_group
from sandbox import directory

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "20"))
POST_SHARE = 0.05
PEOPLE = ("admin", "alice", "bob")
POST_ISSUES = [f"OPS-{n}" for n in range(10, 21)]
ISSUE_RANGES = {"ACME": 262, "OPS": 44, "WEB": 26}
ADDED = "Your comment was added."
TIMEOUT = 30


@dataclass
class Person:
    """Who a client is, and what its pages may show."""

    name: str
    display: str
    projects: frozenset[str]


@dataclass
class Tally:
    """What one client saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    posted: list[tuple[str, str]] = field(default_factory=list)  # (issue key, marker) answered 302
    uncertain: list[tuple[str, str]] = field(default_factory=list)  # a post that got no clear answer


def run() -> list[Table]:
    """Return one table: a row per mode."""
    rows = [_run_mode(mode) for mode in ("single_user", "multi_user")]
    cores = os.cpu_count()
    title = (f"load: {CLIENTS} clients x {SECONDS:.0f} s, ~{POST_SHARE:.0%} comment posts, gunicorn 2 workers x 4 threads + Redis "
             f"(one machine, {cores} cores, shared; load average {os.getloadavg()[0]:.1f} at the end)")
    columns = ("mode", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "posts", "duplicated", "missing",
               "unclear posts", "leaks", "load avg at start")
    return [Table(title, columns, rows)]


def _run_mode(mode: str) -> tuple:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix=f"bench-load-{mode}-") as tmp, _Services(Path(tmp), mode) as services:
        people = services.people()
        clients = [_Client(services, people[PEOPLE[n % len(PEOPLE)]] if mode == "multi_user" else people["admin"], n)
                   for n in range(CLIENTS)]
        for client in clients:
            client.sign_in()
        deadline = time.monotonic() + SECONDS
        threads = [threading.Thread(target=client.loop, args=(deadline,)) for client in clients]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stored = services.stored_markers()
    tallies = [client.tally for client in clients]
    latencies = sorted(t for tally in tallies for t in tally.latencies)
    posted = [marker for tally in tallies for _, marker in tally.posted]
    unclear = [marker for tally in tallies for _, marker in tally.uncertain]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    for tally in tallies:
        for problem in (tally.errors + tally.leaks)[:3]:
            print(f"  {mode}: {problem}", file=sys.stderr)
    return (
        mode, len(latencies), len(latencies) / elapsed, statistics.median(latencies) * 1000, cuts[94] * 1000,
        cuts[98] * 1000, sum(len(t.errors) for t in tallies), len(posted),
        sum(1 for marker in posted + unclear if stored.get(marker, 0) > 1),
        sum(1 for marker in posted if stored.get(marker, 0) == 0), len(unclear),
        sum(len(t.leaks) for t in tallies), f"{load_before:.1f}",
    )


# --- the services: sandbox, Redis, gunicorn ----------------------------------------------------


def _wait(check, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start in {timeout:.0f} s")


class _Services:
    """A sandbox, a private redis-server and gunicorn, started and stopped together."""

    def __init__(self, tmp: Path, mode: str) -> None:
        self.tmp, self.mode, self.processes = tmp, mode, []
        self.sandbox_port = free_port()
        self.sandbox = f"http://127.0.0.1:{self.sandbox_port}"
        self.redis_port, self.app_port = free_port(), free_port()
        self.app = f"http://localhost:{self.app_port}"  # the OAuth callback's host: cookies must match it

    def __enter__(self) -> _Services:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8",
               "PYTHONPATH": str(ROOT)}
        # A quota far above what 20 clients spend in a minute: this measures throughput (bench/quota.py the quota).
        self._start([sys.executable, "-m", "sandbox", "--port", str(self.sandbox_port)],
                    {**env, "SANDBOX_QUOTA_POINTS": "100000000"}, "sandbox")
        _wait(lambda: requests.get(f"{self.sandbox}/_sandbox/info", timeout=2).ok, "the sandbox")
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("redis-server is not installed")
        self._start([redis_server, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                    env, "redis")
        _wait(lambda: socket.create_connection(("127.0.0.1", self.redis_port), timeout=1).close() is None, "redis-server")
        info = requests.get(f"{self.sandbox}/_sandbox/info", timeout=5).json()
        self.info = info
        admin = next(user for user in info["users"] if user["admin"])
        settings = {"APP_MODE": self.mode, "SECRET_KEY": secrets.token_hex(32), "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                    "WEB_CONCURRENCY": "2", "PORT": str(self.app_port), "LOG_LEVEL": "WARNING",
                    "INSTANCE_PATH": str(self.tmp / "instance"), "FORWARDED_ALLOW_IPS": "127.0.0.1,::1",
                    "JIRA_POINTS_PER_HOUR": "100000000"}
        if self.mode == "single_user":
            settings.update(JIRA_BASE_URL=self.sandbox, JIRA_EMAIL=admin["email"], JIRA_API_TOKEN=admin["api_token"])
        else:
            callback = f"{self.app}/auth/callback"
            requests.post(f"{self.sandbox}/_sandbox/config", json={"redirect_uris": [callback]}, timeout=5).raise_for_status()
            settings.update(JIRA_OAUTH_CLIENT_ID=info["oauth"]["client_id"], JIRA_OAUTH_CLIENT_SECRET=info["oauth"]["client_secret"],
                            JIRA_OAUTH_REDIRECT_URI=callback, ATLASSIAN_AUTH_URL=self.sandbox, ATLASSIAN_API_URL=self.sandbox)
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self._start([gunicorn, "-c", "gunicorn.conf.py", "web_app:create_app()"], {**env, **settings}, "gunicorn")
        _wait(lambda: requests.get(f"http://127.0.0.1:{self.app_port}/healthz", timeout=2).ok, "gunicorn")
        return self

    def _start(self, args: list[str], env: dict, name: str) -> None:
        log = open(self.tmp / f"{name}.log", "wb")
        self.processes.append((subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True), log))

    def __exit__(self, *exc_info) -> None:
        for process, log in reversed(self.processes):
            stop_group(process)
            log.close()

    def people(self) -> dict[str, Person]:
        """Return the sandbox's people with the projects each may browse on the acme site."""
        acme = next(site["id"] for site in self.info["sites"] if site["name"] == "acme")
        on_acme = {"ACME", "OPS", "WEB"}  # GLOBX is on globex
        return {user["name"]: Person(user["name"], directory.user_by("name", user["name"])["display_name"],
                                     frozenset(p for p in user["projects"] if p in on_acme and acme in user["sites"]))
                for user in self.info["users"]}

    def stored_markers(self) -> dict[str, int]:
        """Return how many times each load marker is stored in the posted-to issues' comments (read as the sandbox's admin)."""
        admin = next(user for user in self.info["users"] if user["admin"])
        counts: dict[str, int] = {}
        for key in POST_ISSUES:
            start = 0
            while True:
                page = requests.get(f"{self.sandbox}/rest/api/3/issue/{key}/comment", auth=(admin["email"], admin["api_token"]),
                                    params={"startAt": start, "maxResults": 100}, timeout=TIMEOUT).json()
                for comment in page["comments"]:
                    for marker in re.findall(r"load-[a-z_]+-\d+-\d+-[0-9a-f]{8}", str(comment["body"])):
                        counts[marker] = counts.get(marker, 0) + 1
                start += len(page["comments"])
                if not page["comments"] or start >= page["total"]:
                    break
        return counts


# --- a client ------------------------------------------------------------------------------------


class _Client:
    """One browser: its own cookies, signed in as one person, looping over pages and posts."""

    def __init__(self, services: _Services, person: Person, number: int) -> None:
        self.services, self.person, self.number = services, person, number
        self.http = requests.Session()
        self.http.trust_env = False
        self.random = random.Random(number)
        self.tally = Tally()
        self.sequence = 0
        self.expected_name = person.display if services.mode == "multi_user" else None

    def sign_in(self) -> None:
        """multi_user: sign in through the sandbox (auto-approved), choosing acme when asked."""
        if self.services.mode != "multi_user":
            self.expected_name = next(u["email"] for u in self.services.info["users"] if u["admin"])
            return
        app = self.services.app
        token = _csrf(self.http.get(f"{app}/login", timeout=TIMEOUT).text)
        start = self.http.post(f"{app}/login/start", data={"csrf_token": token, "next": "/projects"}, allow_redirects=False,
                               timeout=TIMEOUT)
        consent = requests.get(f"{start.headers['Location']}&login_hint={self.person.name}&sandbox_auto_approve=1",
                               allow_redirects=False, timeout=TIMEOUT)
        back = self.http.get(consent.headers["Location"], allow_redirects=False, timeout=TIMEOUT)
        if back.headers.get("Location", "").startswith("/sites"):
            chooser = self.http.get(f"{app}{back.headers['Location']}", timeout=TIMEOUT).text
            acme = next(site["id"] for site in self.services.info["sites"] if site["name"] == "acme")
            back = self.http.post(f"{app}/sites", data={"csrf_token": _csrf(chooser), "site": acme, "next": "/projects"},
                                  allow_redirects=False, timeout=TIMEOUT)
        if back.status_code != 302:
            raise RuntimeError(f"{self.person.name} could not sign in: HTTP {back.status_code}")

    def loop(self, deadline: float) -> None:
        """Send requests until ``deadline``, without pause."""
        while time.monotonic() < deadline:
            if self.random.random() < POST_SHARE:
                self._post_comment()
            else:
                self._view(self._pick_page())

    def _pick_page(self) -> str:
        projects = sorted(self.person.projects)
        key = self.random.choice(projects)
        issue = f"{key}-{self.random.randint(1, ISSUE_RANGES[key])}"
        return self.random.choices([
            "/projects", f"/projects/{key}", f"/issues/{issue}", f"/issues/{issue}?comments=last",
            f"/search?jql=project%20%3D%20{key}%20ORDER%20BY%20updated%20DESC",
        ], weights=[15, 20, 35, 10, 15])[0]

    def _get(self, path: str, just_posted: bool = False) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.http.get(f"{self.services.app}{path}", allow_redirects=False, timeout=TIMEOUT)
        except requests.RequestException as exc:
            self.tally.errors.append(f"GET {path}: {type(exc).__name__}")
            return None
        self.tally.latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            self.tally.errors.append(f"GET {path}: HTTP {response.status_code}")
            return None
        self._check_leaks(path, response.text, just_posted)
        return response

    def _view(self, path: str) -> None:
        self._get(path)

    def _check_leaks(self, path: str, page: str, just_posted: bool) -> None:
        shown = re.search(r'class="viewer-name">([^<]*)<', page)
        if shown and self.expected_name is not None and shown.group(1) != self.expected_name:
            self.tally.leaks.append(f"{path}: the header names {shown.group(1)!r}, not {self.expected_name!r}")
        if path == "/projects":
            listed = set(re.findall(r'href="/projects/([A-Z][A-Z0-9_]*)"', page))
            if listed - self.person.projects:
                self.tally.leaks.append(f"{path}: lists {sorted(listed - self.person.projects)}")
        if ADDED in page and not just_posted:
            self.tally.leaks.append(f"{path}: shows another client's 'comment added' message")

    def _post_comment(self) -> None:
        key = self.random.choice(POST_ISSUES)
        page = self._get(f"/issues/{key}")
        if page is None:
            return
        once = re.search(r'action="/issues/%s/comments"[^>]*>.*?name="once" value="([^"]+)"' % re.escape(key), page.text, re.S)
        if once is None:
            self.tally.errors.append(f"/issues/{key}: no comment form")
            return
        self.sequence += 1
        marker = f"load-{self.services.mode}-{self.number}-{self.sequence}-{uuid.uuid4().hex[:8]}"
        data = {"csrf_token": _csrf(page.text), "once": once.group(1), "body": f"{marker} posted under load"}
        started = time.perf_counter()
        try:
            answer = self.http.post(f"{self.services.app}/issues/{key}/comments", data=data, allow_redirects=False,
                                    timeout=TIMEOUT)
        except requests.RequestException as exc:
            self.tally.errors.append(f"POST {key}: {type(exc).__name__}")
            self.tally.uncertain.append((key, marker))
            return
        self.tally.latencies.append(time.perf_counter() - started)
        if answer.status_code != 302:
            self.tally.errors.append(f"POST {key}: HTTP {answer.status_code}")
            (self.tally.uncertain if answer.status_code >= 500 else []).append((key, marker))
            return
        self.tally.posted.append((key, marker))
        location = urlsplit(answer.headers["Location"])
        after = self._get(f"{location.path}?{location.query}" if location.query else location.path, just_posted=True)
        if after is not None and ADDED not in after.text:
            self.tally.errors.append(f"POST {key}: no 'comment added' message after it")


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)
