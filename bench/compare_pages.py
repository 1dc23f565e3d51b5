"""The page benchmark for an earlier revision and this tree, side by side: ``python -m bench.compare_pages REV``.

Machines differ (the same tree's issue page measured 5.8 ms on one VM and 8 ms on another), so a
change is best judged against the code before it on the same machine, in the same run. This
checks ``REV`` out into a temporary git worktree and serves it and this tree side by side under
gunicorn, against one stub Jira (``bench/page_speed.py``'s measurement: own cost = page median
minus its Jira call). They take turns, five views of a page at a time (``measure_apps``): this
machine's speed changes within seconds, so trees served one after the other could each meet a
different speed. Its waits make each tree's numbers higher than ``page_speed``'s alone; compare
the two trees within a round. It prints each page's own cost and worker CPU per round and
revision. Both trees run with this tree's virtualenv. Not part of ``python -m bench``.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import Table
from bench._served import served_app
from bench.page_speed import PAGES, measure_apps
from bench.stub_jira import ROOT, running_stub


# Views of a page each tree serves in a row before the other's: its first after a wait runs on cold
# caches, which the rest then share; a few seconds of rounds still meet the same machine speed.
IN_A_ROW = 5


@contextlib.contextmanager
def checked_out(revision: str):
    """Yield a temporary worktree of ``revision``; remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-rev-") as folder:
        tree = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(tree), revision], cwd=ROOT, check=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


def compare(revision: str, latency: int, views: int, rounds: int) -> Table:
    """Return the table of both trees' own cost and worker CPU per page, round by round."""
    results: dict[str, list[dict]] = {revision: [], "this tree": []}
    with checked_out(revision) as earlier, running_stub(latency) as jira_url:
        for _ in range(rounds):
            with served_app(jira_url, root=earlier) as before, served_app(jira_url, root=ROOT) as now:
                measured = measure_apps(jira_url, {revision: before, "this tree": now}, views, IN_A_ROW)
            for name, pages in measured.items():
                results[name].append({page: (cells[2], cells[4]) for page, cells in pages.items()})
    rows = []
    for page in PAGES:
        for name, runs in results.items():
            rows.append((page.label, name, " / ".join(f"{run[page][0]:.2f}" for run in runs),
                         " / ".join(f"{run[page][1]:.2f}" for run in runs)))
    title = (f"own cost and worker CPU per view, ms, one value per round (Jira latency {latency} ms, {views} views "
             f"a page a round; the trees take turns, {IN_A_ROW} views at a time)")
    return Table(title, ("page", "tree", "own cost", "worker CPU"), rows, labels=2)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the earlier revision, e.g. a commit or main~5")
    parser.add_argument("--latency", type=int, default=0, help="the stub Jira's latency in ms")
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    print(compare(args.revision, args.latency, args.views, args.rounds).render())


if __name__ == "__main__":
    main(sys.argv[1:])
