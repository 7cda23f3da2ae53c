"""Pausing Python's cyclic garbage collector: the one way gates does it.

Reading and judging a large evidence set builds millions of lists, dicts and
tuples that form no cycle: reference counting frees them. Yet every thousand
new containers make the collector walk the young ones, and now and then every
live one, which took half the time of a bare ``json.load`` of a large report
and a sixth of a whole ``gates check`` (BENCHMARKS.md). Where gates builds such
heaps it pauses the collector; what it builds meanwhile is bounded (the
reports' size limit), and the collector resumes as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block; afterwards as it was (nested blocks keep it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
