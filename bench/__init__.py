"""Benchmarks that print tables; ``python -m bench`` (or ``make bench``) runs them all.

A benchmark is a module in this package with a ``run() -> list[Table]`` function; the runner
finds them by listing the package, so adding a module registers it. Never part of pytest.
"""

import statistics
import time
from dataclasses import dataclass

TIMING_COLUMNS = ("median", "p90", "p99", "min", "max")


@dataclass(frozen=True)
class Table:
    """A titled table of rows; the first ``labels`` columns are left-aligned, floats print as ``0.000``."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple]
    labels: int = 1

    def render(self) -> str:
        """Return the table as aligned plain text."""
        rows = [self.columns, *[tuple(_cell(value) for value in row) for row in self.rows]]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.columns))]
        lines = [_line(row, widths, self.labels) for row in rows]
        rule = "-" * len(lines[0])
        return "\n".join([self.title, rule, lines[0], rule, *lines[1:], ""])


def _cell(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _line(cells: tuple[str, ...], widths: list[int], labels: int) -> str:
    """Left-align the label columns and right-align the rest (numbers)."""
    return "  ".join(cell.ljust(width) if i < labels else cell.rjust(width)
                     for i, (cell, width) in enumerate(zip(cells, widths)))


def timing_row(samples_seconds: list[float]) -> tuple[float, ...]:
    """Return median, p90, p99, min and max of ``samples_seconds``, in milliseconds."""
    ms = sorted(sample * 1000 for sample in samples_seconds)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return statistics.median(ms), cuts[89], cuts[98], ms[0], ms[-1]


def timed_row(call, runs: int) -> tuple[float, ...]:
    """Return ``timing_row`` of ``runs`` calls of ``call``, after one warm-up call."""
    call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return timing_row(samples)
