"""Jinja's own code generator and context against the app's: ``python -m bench.template_classes [--rounds N]``.

Builds the app twice in this process against the stub Jira (``bench/stub_jira.py``, no latency,
the read cache off): once as it is (``jira_client/web/compiled_templates.py``), once with
Jinja's ``CodeGenerator`` and ``Context`` put back on its environment. It checks that each of
``PATHS`` comes out the same from both (the per-render CSRF and once tokens masked), then times,
alternating the two in every round: rendering ``issues/show.html`` again with the context of a
real view of /issues/KAN-2 (inside that request), and the whole view through the test client.
Prints medians in ms. Not a benchmark table (``python -m bench`` skips it): a before/after check.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time

import jinja2.compiler
import jinja2.runtime
from flask import Flask, template_rendered

from bench._served import EMAIL, SECRET, TOKEN
from bench.stub_jira import running_stub

ISSUE = "/issues/KAN-2"
PATHS = (ISSUE, "/projects/KAN", "/search?jql=project%3DKAN", "/projects", "/issues/KAN-2/edit")
_TOKENS = re.compile(r'((?:name="(?:once|csrf_token)" value|data-csrf)=")[^"]*"|value="[^"]*"( name="(?:once|csrf_token)")')


def masked(html: str) -> str:
    """Return a page with its per-render tokens replaced by ``X``."""
    return _TOKENS.sub(lambda m: f'{m[1]}X"' if m[1] else f'value="X"{m[2]}', html)


def build(jira_url: str, instance: str, stock: bool) -> Flask:
    """Return the app against ``jira_url``; with ``stock``, its templates compile and run with Jinja's classes."""
    from web_app import create_app

    app = create_app({"APP_MODE": "single_user", "SECRET_KEY": SECRET, "JIRA_BASE_URL": jira_url, "JIRA_EMAIL": EMAIL,
                      "JIRA_API_TOKEN": TOKEN, "INSTANCE_PATH": instance, "LOG_LEVEL": "WARNING",
                      "JIRA_CACHE_SECONDS": 0})
    if stock:
        app.jinja_env.code_generator_class = jinja2.compiler.CodeGenerator
        app.jinja_env.context_class = jinja2.runtime.Context
        app.jinja_env.cache.clear()
    return app


def _ms(run, times: int) -> float:
    start = time.perf_counter()
    for _ in range(times):
        run()
    return (time.perf_counter() - start) / times * 1000


def compare(rounds: int, renders: int, views: int) -> str:
    """Return the report: whether pages match, and the render and view medians of both."""
    lines = []
    with running_stub(0) as jira_url, tempfile.TemporaryDirectory() as stock_dir, \
            tempfile.TemporaryDirectory() as app_dir, open(os.devnull, "w") as quiet, contextlib.redirect_stderr(quiet):
        apps = {"jinja": build(jira_url, stock_dir, True), "app": build(jira_url, app_dir, False)}
        clients = {name: app.test_client() for name, app in apps.items()}
        for path in PATHS:
            pages = {name: masked(client.get(path).get_data(as_text=True)) for name, client in clients.items()}
            lines.append(f"{path}: {len(pages['app'].encode())} bytes, "
                         f"{'the same' if pages['app'] == pages['jinja'] else 'DIFFERENT'}")

        renders_ms: dict[str, list[float]] = {name: [] for name in apps}

        def rerender(sender, template, context, **extra):
            if template.name != "issues/show.html":
                return
            for _ in range(rounds):
                for name, app in apps.items():
                    again = app.jinja_env.get_template(template.name)
                    renders_ms[name].append(_ms(lambda: again.render(context), renders))

        template_rendered.connect(rerender, apps["app"])
        clients["app"].get(ISSUE)
        template_rendered.disconnect(rerender, apps["app"])

        views_ms: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(rounds):
            for name, client in clients.items():
                views_ms[name].append(_ms(lambda: client.get(ISSUE), views))
    for what, results in (("render issues/show.html", renders_ms), (f"view {ISSUE}", views_ms)):
        lines.append(f"{what}: " + ", ".join(
            f"{name}'s classes {statistics.median(ms):.3f} ms" for name, ms in results.items()))
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--renders", type=int, default=20, help="renders a round")
    parser.add_argument("--views", type=int, default=10, help="views a round")
    args = parser.parse_args(argv)
    print(compare(args.rounds, args.renders, args.views))


if __name__ == "__main__":
    main(sys.argv[1:])
