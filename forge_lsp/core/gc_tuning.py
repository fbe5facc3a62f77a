"""Garbage-collector settings for long checks of big files.

One check of a 5,000-line file allocates about a hundred thousand short-lived objects (syntax
nodes, query matches, findings). With CPython's default thresholds (700, 10, 10) that runs the
young-generation collector hundreds of times per check, and every so often a full collection
over everything alive, which added 30-40 ms spikes to diagnostics latency (`bench/run.py`).
Almost none of these objects are in reference cycles, so collecting less often costs little
memory.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 20, 50)


def relax() -> None:
    """Freeze what is alive now (imported modules) out of every later collection and collect
    young objects less often. Call it before start-up's imports (which then run with fewer
    collections: that halves creating the server) and again after them, to freeze what they
    loaded. (No collection first: it would cost 25 ms before `initialize` is answered, to free
    almost nothing.)"""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
