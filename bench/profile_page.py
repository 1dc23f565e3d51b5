"""Where a page's time goes: ``python -m bench.profile_page [/path ...] [--views N] [--top N]``.

Builds the app in this process with the production settings ``bench/_served.py`` gives gunicorn,
points it at the stub Jira (``bench/stub_jira.py``, in its own process, no latency), views each
path N times through Flask's test client under cProfile, and prints the functions with the most
time of their own and the most time below them. Not a benchmark table (``python -m bench`` skips
it): a tool for finding what to make faster next.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile

from bench._served import EMAIL, SECRET, TOKEN
from bench.stub_jira import running_stub

DEFAULT_PATHS = ("/issues/KAN-2", "/projects/KAN", "/search?jql=project%3DKAN", "/projects")


def profile(paths: list[str], views: int, top: int) -> str:
    """Return the profile report of ``views`` views of each path."""
    from web_app import create_app

    with running_stub(0) as jira_url, tempfile.TemporaryDirectory() as instance:
        app = create_app({
            "APP_MODE": "single_user", "SECRET_KEY": SECRET, "JIRA_BASE_URL": jira_url, "JIRA_EMAIL": EMAIL,
            "JIRA_API_TOKEN": TOKEN, "INSTANCE_PATH": instance, "LOG_LEVEL": "INFO",
            "JIRA_CACHE_SECONDS": 0,  # profile the page as built from Jira's answer, not from the read cache
        })
        client = app.test_client()
        report = io.StringIO()
        with open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
            for path in paths:
                for _ in range(5):
                    client.get(path)  # warm-up: templates compiled, connection open
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(views):
                    client.get(path)
                profiler.disable()
                stats = pstats.Stats(profiler, stream=report)
                report.write(f"\n===== {path}: {views} views =====\n")
                stats.sort_stats("tottime").print_stats(top)
                stats.sort_stats("cumulative").print_stats(top)
        return report.getvalue()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    print(profile(args.paths, args.views, args.top))


if __name__ == "__main__":
    main(sys.argv[1:])
