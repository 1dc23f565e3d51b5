"""Where a page's CPU goes as deployed: ``python -m bench.sample_page [/path ...] [--seconds N] [--top N]``.

Serves the app under gunicorn (``bench/_served.py``) against the stub Jira (no latency), asks for
each path over and over from this process, and meanwhile samples the gunicorn worker with py-spy,
counting only the threads that hold the GIL (the worker's Python CPU time). It prints the share
of samples of each function: with what it calls (inclusive) and on its own (self).

``bench.profile_page`` (cProfile, in-process) names the same functions, but its cost per Python
call makes template code look about three times as heavy as C code such as JSON decoding or
zlib; sampling the real worker does not, and it sees gunicorn's own share too. Not a benchmark
table (``python -m bench`` skips it): a tool for finding what to make faster next. py-spy needs
ptrace on the worker (root, or ``CAP_SYS_PTRACE`` in a container).
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench._served import served_app
from bench.stub_jira import running_stub

DEFAULT_PATHS = ("/issues/KAN-2", "/projects")
RATE = 1000  # samples a second
_FRAME = re.compile(r"(?P<function>.*?) \((?P<file>.*?):\d+\)")


def sample(paths: list[str], seconds: float) -> dict[str, str]:
    """Return py-spy's collapsed stacks of the worker for each path, sampled for ``seconds`` of requests."""
    stacks = {}
    with running_stub(0) as jira_url, served_app(jira_url) as app, tempfile.TemporaryDirectory() as folder:
        browser = requests.Session()
        for path in paths:
            for _ in range(30):
                browser.get(app.url + path).content  # warm-up: templates compiled, connections open
            out = Path(folder) / "stacks.txt"
            spy = subprocess.Popen(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(app.worker_pids()[0]),
                 "--rate", str(RATE), "--duration", str(int(seconds)), "--format", "raw", "--output", str(out),
                 "--gil", "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            ends = time.monotonic() + seconds
            while time.monotonic() < ends:
                browser.get(app.url + path).content
            _, errors = spy.communicate(timeout=60)
            if spy.returncode:
                raise SystemExit(f"py-spy failed: {errors.decode(errors='replace').strip()}")
            stacks[path] = out.read_text()
    return stacks


def shares(collapsed: str) -> tuple[int, collections.Counter, collections.Counter]:
    """Return (samples, inclusive, self) of py-spy's collapsed stacks, counted per "function (file)"."""
    total, inclusive, own = 0, collections.Counter(), collections.Counter()
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        names = [_name(frame) for frame in stack.split(";")]
        for name in set(names):
            inclusive[name] += count
        own[names[-1]] += count
    return total, inclusive, own


def _name(frame: str) -> str:
    """Return "function (file)" for a py-spy frame, the file cut to its package path."""
    found = _FRAME.fullmatch(frame)
    if not found:
        return frame
    file = found["file"].split("site-packages/")[-1]
    return f"{found['function']} ({file})"


def report(path: str, collapsed: str, top: int) -> str:
    """Return the two tables of one path's samples."""
    total, inclusive, own = shares(collapsed)
    lines = [f"\n===== {path}: {total} samples of the worker holding the GIL ====="]
    for title, counts in (("with what it calls", inclusive), ("on its own", own)):
        lines.append(f"--- {title}")
        lines += [f"{count / total * 100:5.1f}%  {name}" for name, count in counts.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    for path, collapsed in sample(args.paths, args.seconds).items():
        print(report(path, collapsed, args.top))


if __name__ == "__main__":
    main(sys.argv[1:])
