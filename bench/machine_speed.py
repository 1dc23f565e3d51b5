"""How fast this machine runs Python at the moment: one fixed workload, timed, before and after the rest.

The machine under these benchmarks is a VM whose speed changes within seconds: this workload took
12 ms in one run and 24 ms in another a minute later. Every benchmark's numbers move with it, so
``python -m bench`` prints this table first and last: two runs compare only as far as their
machine rows agree. ``bench.compare_pages`` needs no such row: it alternates two trees in one run.

The workload does what a page does in small: builds dicts and lists, formats and joins strings,
encodes JSON. It does not use the app, so a change to the app cannot move it.
"""

import gc
import json

from bench import TIMING_COLUMNS, Table, timed_row

RUNS = 30


def workload() -> int:
    """Return the length of some 800 kB of JSON and HTML made from 8,000 small records."""
    records = [{"id": n, "key": f"KAN-{n}", "summary": f"Issue number {n} & more", "labels": ["a", "b"][: n % 3]}
               for n in range(8000)]
    html = "".join(f'<tr><td><a href="/issues/{r["key"]}">{r["key"]}</a></td><td>{r["summary"]}</td></tr>'
                   for r in records)
    return len(json.dumps(records)) + len(html)


def run() -> list[Table]:
    """Return one table: the fixed workload's timing, the garbage collector off (its rounds vary with the heap)."""
    gc.collect()
    gc.disable()
    try:
        row = ("8,000 records to JSON and HTML", *timed_row(workload, RUNS))
    finally:
        gc.enable()
    return [Table(f"machine speed: a fixed pure-Python workload in ms (N={RUNS} after one warm-up; lower is faster)",
                  ("workload", *TIMING_COLUMNS), [row])]
