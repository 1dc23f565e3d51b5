"""A stub Jira for the page benchmarks: recorded Jira Cloud bodies, served as fast as Python can.

It is not the sandbox: it answers the few calls the measured pages make, with bodies put
together from the real recordings in ``../shared/jira-fixtures`` (never copied into the repo),
prepared once at start so that each answer costs only the HTTP exchange, plus an optional fixed
latency that stands in for the round trip to Atlassian:

- ``GET /rest/api/3/issue/{key}``: the recorded KAN-2 with 50 recorded comments (the 45 real ones
  cycled, each given its own id), the recorded transitions and editmeta, trimmed to ``fields=``;
  ``expand=names,schema`` adds each field's name and schema, from the same site's recorded
  ``GET field``, as Jira adds them.
- ``POST /rest/api/3/search/jql``: 50 issues (the 40 of two recorded searches, cycled, each given
  its own key and id), trimmed to the body's ``fields``; ``POST .../search/approximate-count``.
- ``GET /rest/api/3/project/search``: 50 projects (the 5 recorded, cycled with their own keys).
- ``GET /rest/api/3/myself``: the recorded account; ``GET .../mypermissions``: may create;
  ``POST .../jql/parse``: every query valid. Anything else: Jira's JSON 404.

``python -m bench.stub_jira --port N --latency-ms M`` serves it; ``running_stub()`` starts it in
a process of its own (so its CPU is not the measured app's) and stops it.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import os
import re
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bench._processes import free_port

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "jira-fixtures" / "responses"
ROWS = 50
API = "/rest/api/3/"
ISSUE_PATH = re.compile(r"/rest/api/3/issue/([A-Z][A-Z0-9_]*-[0-9]+)")
NOT_FOUND = {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}


def _recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())["body"]


def recorded_comments() -> list[dict]:
    """Return every real comment in the recordings (ADF bodies, real authors)."""
    searched = _recorded("nango-cloud-2025-08/GET-search-jql--200.json")["issues"]
    comments = [c for issue in searched for c in (issue["fields"].get("comment") or {}).get("comments", [])]
    comments += json.loads((FIXTURES / "xsoar-jirav3/get-issue-comments--expand-renderedBody.json").read_text())["comments"]
    comments += [_recorded(f"nango-cloud-2026-04/{name}") for name in (
        "add-comment--POST-issue-kan-10-comment--201.json", "update-comment--PUT-issue-kan-11-comment-10009--200.json")]
    return [{k: v for k, v in c.items() if k != "renderedBody"} for c in comments]


def issue_body(comments: int = ROWS) -> dict:
    """Return KAN-2 as recorded, with ``comments`` recorded comments, transitions and editmeta."""
    issue = _recorded("nango-cloud-2026-04/get-issue--GET-issue-kan-2--200.json")
    real = recorded_comments()
    chosen = []
    for n in range(comments):
        comment = copy.deepcopy(real[n % len(real)])
        comment["id"] = str(20000 + n)
        chosen.append(comment)
    issue["fields"]["comment"] = {"comments": chosen, "self": issue["fields"]["comment"]["self"],
                                  "maxResults": len(chosen), "total": len(chosen), "startAt": 0}
    issue["transitions"] = _recorded("nango-cloud-2026-04/list-transitions--GET-issue-10011-transitions--200.json")["transitions"]
    issue["editmeta"] = _recorded("nango-cloud-2026-04/get-edit-issue-metadata--GET-issue-kan-7-editmeta--200.json")
    return issue


def search_issues(rows: int = ROWS) -> list[dict]:
    """Return ``rows`` recorded issues (two real searches, cycled), each with its own key and id."""
    real = _recorded("nango-cloud-2025-08/GET-search-jql--200.json")["issues"]
    real += _recorded("nango-cloud-2026-04/issues--GET-search-jql--200.json")["issues"]
    issues = []
    for n in range(rows):
        issue = copy.deepcopy(real[n % len(real)])
        issue["id"], issue["key"] = str(30000 + n), f"{issue['key'].split('-')[0]}-{1000 + n}"
        issues.append(issue)
    return issues


def projects_page(rows: int = ROWS) -> dict:
    """Return a project/search page of ``rows`` projects (the recorded ones, cycled with their own keys)."""
    real = _recorded("nango-cloud-2025-08/GET-project-search.json")["values"]
    real += _recorded("nango-cloud-2026-04/list-projects--GET-project-search--200.json")["values"]
    values = []
    for n in range(rows):
        project = copy.deepcopy(real[n % len(real)])
        project["id"], project["key"] = str(40000 + n), f"{project['key']}{n}"
        values.append(project)
    page = _recorded("nango-cloud-2026-04/list-projects--GET-project-search--200.json")
    return {**page, "maxResults": rows, "total": rows, "isLast": True, "values": values}


def trimmed(issue: dict, fields: list[str] | None) -> dict:
    """Return ``issue`` with only the asked-for fields, as Jira answers (no ``fields``: all; ``-x``: all but x)."""
    if not fields:
        return issue
    excluded = {f[1:] for f in fields if f.startswith("-")}
    wanted = issue["fields"].keys() if "*all" in fields else fields
    return {**issue, "fields": {k: v for k, v in issue["fields"].items() if k in wanted and k not in excluded}}


class Bodies:
    """The prepared answers, encoded once (search answers once per distinct ``fields`` list)."""

    def __init__(self) -> None:
        self.issue = issue_body()
        self.field_meta = {f["id"]: {"names": f["name"], "schema": f.get("schema")}
                           for f in _recorded("nango-cloud-2026-04/fields--GET-field--200.json")}
        self.issues = search_issues()
        self.projects = _encode(projects_page())
        self.myself = _encode(_recorded("nango-cloud-2026-04/get-myself--GET-myself--200.json"))
        self.count = _encode({"count": ROWS})
        self.not_found = _encode(NOT_FOUND)
        self._issue_cache: dict[str, bytes] = {}
        self._search_cache: dict[tuple, bytes] = {}

    def issue_for(self, key: str, query: str) -> bytes:
        """Return the issue (trimmed to ``fields=``, with the ``names`` and ``schema`` asked for) under ``key``."""
        cache_key = f"{key}?{query}"
        if cache_key not in self._issue_cache:
            asked = parse_qs(query)
            fields = asked.get("fields", [""])[0].split(",")
            issue = {**trimmed(self.issue, [f for f in fields if f]), "key": key}
            expand = asked.get("expand", [""])[0].split(",")
            for part in ("names", "schema"):
                if part in expand:
                    issue[part] = {f: self.field_meta[f][part] for f in issue["fields"] if f in self.field_meta}
            self._issue_cache[cache_key] = _encode(issue)
        return self._issue_cache[cache_key]

    def search_for(self, body: dict) -> bytes:
        """Return a page of issues trimmed to the body's ``fields``."""
        fields = tuple(body.get("fields") or ())
        if fields not in self._search_cache:
            issues = [trimmed(issue, list(fields)) for issue in self.issues[: int(body.get("maxResults") or ROWS)]]
            self._search_cache[fields] = _encode({"issues": issues, "nextPageToken": "stub-page-2", "isLast": False})
        return self._search_cache[fields]


def _encode(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def make_handler(bodies: Bodies, latency: float):
    """Return the request handler class serving ``bodies`` after ``latency`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Atlassian's edge does
        disable_nagle_algorithm = True

        def log_message(self, format, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's API
            return None

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            match = ISSUE_PATH.fullmatch(url.path)
            if match:
                self._answer(200, bodies.issue_for(match.group(1), url.query))
            elif url.path == API + "project/search":
                self._answer(200, bodies.projects)
            elif url.path == API + "myself":
                self._answer(200, bodies.myself)
            elif url.path == API + "mypermissions":  # the project page asks once, then keeps the answer
                self._answer(200, _encode({"permissions": {"CREATE_ISSUES": {
                    "id": "11", "key": "CREATE_ISSUES", "name": "Create Issues", "type": "PROJECT", "havePermission": True}}}))
            else:
                self._answer(404, bodies.not_found)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            path = urlsplit(self.path).path
            if path == API + "search/jql":
                self._answer(200, bodies.search_for(body))
            elif path == API + "search/approximate-count":
                self._answer(200, bodies.count)
            elif path == API + "jql/parse":  # the search page checks a query once, then remembers it passed
                self._answer(200, _encode({"queries": [{"query": q, "structure": {}} for q in body.get("queries") or []]}))
            else:
                self._answer(404, bodies.not_found)

        def _answer(self, status: int, payload: bytes) -> None:
            if latency:
                time.sleep(latency)
            head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                    "Content-Type: application/json;charset=UTF-8\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n").encode()
            self.wfile.write(head + payload)  # one write: no Nagle and delayed-ACK stall between two

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        return None  # a client that hangs up is not news


def serve(port: int, latency_ms: float) -> None:
    """Serve the stub on 127.0.0.1:``port`` until killed; print the port once listening."""
    server = Server(("127.0.0.1", port), make_handler(Bodies(), latency_ms / 1000))
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextlib.contextmanager
def running_stub(latency_ms: float = 0):
    """Start the stub in its own process; yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.stub_jira", "--port", str(port), "--latency-ms", str(latency_ms)],
        cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}, text=True,
    )
    try:
        if process.stdout.readline().strip() != str(port):
            raise RuntimeError("the stub Jira did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    serve(args.port, args.latency_ms)


if __name__ == "__main__":
    main(sys.argv[1:])
