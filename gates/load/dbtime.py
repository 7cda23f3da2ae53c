"""``db.json``: the time of each database query the service ran under load, and its reader.

Format ``gates-load-db``, version 1::

    {"format": "gates-load-db", "version": 1, "source": "sqlalchemy", "window_s": 1.0,
     "series": [{"window": 1767225600, "queries": 412, "total_ns": 190312345,
                 "histogram": "HISTFAAA..."}, ...]}

Written by the service itself, through :mod:`gates.load.run.dbprobe` (SQLAlchemy's cursor
events), when the load stage asks for it. A series is one window's queries:
``window`` is ``floor(epoch seconds / window_s)``, ``queries`` their number,
``total_ns`` their summed time (exact, for the mean), ``histogram`` their times in
gates' HdrHistogram geometry (for the percentile and its interval).
:func:`figures` keeps the windows inside the measured part of the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from gates.load.evidence import load_document, malformed_report
from gates.load.histogram import Histogram, HistogramError
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "VERSION", "DbFigures", "DbTiming", "DbWindow", "figures", "read", "render"]

FORMAT: Final = "gates-load-db"
VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class DbWindow:
    window: int
    total_ns: int
    histogram: Histogram

    @property
    def queries(self) -> int:
        return self.histogram.total


@dataclass(frozen=True, slots=True)
class DbTiming:
    source: str
    window_s: float
    series: tuple[DbWindow, ...]


@dataclass(frozen=True, slots=True)
class DbFigures:
    queries: int
    mean_ms: float | None
    histogram: Histogram


def figures(timing: DbTiming, start: float, end: float) -> DbFigures:
    """The queries of the windows that lie within ``[start, end]`` (epoch seconds)."""
    kept = [
        s
        for s in timing.series
        if s.window * timing.window_s >= start - 1e-9
        and (s.window + 1) * timing.window_s <= end + 1e-9
    ]
    queries = sum(s.queries for s in kept)
    total = sum(s.total_ns for s in kept)
    return DbFigures(
        queries,
        total / queries / 1e6 if queries else None,
        Histogram.merged(s.histogram for s in kept),
    )


def render(timing: DbTiming) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "source": timing.source,
        "window_s": timing.window_s,
        "series": [
            {
                "window": s.window,
                "queries": s.queries,
                "total_ns": s.total_ns,
                "histogram": s.histogram.encode(),
            }
            for s in timing.series
        ],
    }
    return (json.dumps(doc, allow_nan=False, indent=1) + "\n").encode()


def read(blob: Blob) -> DbTiming:
    doc = load_document(
        blob, FORMAT, VERSION, writer="gates.load.run.dbprobe of this gates version"
    )
    window_s = doc.number("window_s")
    if not window_s > 0:
        raise malformed_report(blob.path, "`window_s` is not a positive number of seconds")
    return DbTiming(
        doc.text("source"), window_s, tuple(_window(item) for item in doc.each("series"))
    )


def _window(item: Fields) -> DbWindow:
    try:
        histogram = Histogram.decode(item.text("histogram"))
    except HistogramError as error:
        raise malformed_report(
            item.path, f"`{item.where}.histogram` cannot be read: {error}"
        ) from None
    found = DbWindow(item.count("window"), item.count("total_ns"), histogram)
    if found.queries != item.count("queries"):
        raise malformed_report(
            item.path,
            f"`{item.where}` says {item.count('queries')} queries, its histogram holds"
            f" {found.queries}",
        )
    return found
