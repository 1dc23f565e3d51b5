"""Work measured without a clock: function calls counted, memory held. Tests bound these; speed lives in bench/.

A bound on counted work is the same on every run and every machine, so unlike a time limit it can
only fail when the code changes: a search that starts doing work per issue squared, a renderer
that walks past its output budget, a copy of a whole hostile input.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import tracemalloc


def count_calls(action):
    """Return what ``action()`` returns and how many function calls (Python and built-in) it made."""
    profile = cProfile.Profile()
    collecting = gc.isenabled()
    gc.disable()  # a collection in the middle could run finalizers, and they would be counted too
    try:
        result = profile.runcall(action)
    finally:
        if collecting:
            gc.enable()
    return result, pstats.Stats(profile).total_calls


def peak_bytes(action):
    """Return what ``action()`` returns and the most memory it held at once beyond what was held before, in bytes."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        held_before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not tracing:
            tracemalloc.stop()
    return result, peak - held_before
