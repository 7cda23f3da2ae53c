"""``latency.json``: the evidence the load stage's Locust listener writes, and its reader.

Format ``gates-load-latency``, version 1 (a version bump for any change a reader of
version 1 would misread)::

    {"format": "gates-load-latency", "version": 1,
     "producer": {"gates": "0.1.0", "locust": "2.47.0", "hdrhistogram": "0.10.8"},
     "histogram": {"unit": "ns", "lowest": 1, "highest": 3600000000000, "significant": 3,
                   "encoding": "HdrHistogram V2 compressed, base64"},
     "window_s": 5.0, "started": 1767225600.25, "ended": 1767225630.5,
     "planned_s": 30.0, "target_users": 20, "mode": "local",
     "workers": [{"id": "local", "requests": 1234, "errors": 0, "clamped": 0, "final": true}],
     "load": [{"window": 353445120, "users": 20, "busy": 0.41, "lag": 0.002}, ...],
     "series": [{"endpoint": "GET /slow", "window": 353445120, "requests": 310,
                 "errors": 0, "histogram": "HISTFAAA..."}, ...],
     "problems": []}

``window`` is ``floor(epoch seconds / window_s)``; a window starts at ``window *
window_s``. ``started`` and ``ended`` (epoch seconds) are when the run's first user was
started and when recording stopped; ``planned_s`` is Locust's ``--run-time``; ``mode``
is ``local`` (one process) or ``master`` (workers' shards merged). A series holds every
request of one endpoint (``"<method> <name>"``) that ended in that window, failed ones
included (as in Locust's own statistics); ``errors`` counts the failed ones. Each
worker's counts are what it recorded in total, ``final`` whether its last shard
arrived; ``problems`` are the listener's own (a shard it could not read). A load row
is one window: the users running then (summed over the processes), ``busy`` the highest
share of the window any generator process ran or waited to run, ``lag`` how late (s)
its loop's ticks woke at worst (see :mod:`gates.load.run.recorder`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.load.collector import Collector, WindowLoad
from gates.load.histogram import HIGHEST, LOWEST, SIGNIFICANT, Histogram, HistogramError
from gates.system.atomic import atomic_write
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json

__all__ = [
    "FORMAT",
    "VERSION",
    "Latency",
    "Series",
    "Worker",
    "malformed_report",
    "read",
    "render",
    "write",
]

FORMAT: Final = "gates-load-latency"
VERSION: Final = 1
MODES: Final = ("local", "master")


@dataclass(frozen=True, slots=True)
class Series:
    """The requests of one endpoint that ended in one window."""

    endpoint: str
    window: int
    errors: int
    histogram: Histogram

    @property
    def requests(self) -> int:
        return self.histogram.total


@dataclass(frozen=True, slots=True)
class Worker:
    """One process that ran users: what it recorded in total, and whether it reported last."""

    id: str
    requests: int
    errors: int
    clamped: int
    final: bool


@dataclass(frozen=True, slots=True)
class Latency:
    """One run's latency evidence, as the listener wrote it."""

    window_s: float
    started: float
    ended: float
    planned_s: float | None
    target_users: int | None
    mode: str
    producer: Mapping[str, str]
    workers: tuple[Worker, ...]
    load: Mapping[int, WindowLoad]
    series: tuple[Series, ...]
    problems: tuple[str, ...] = ()


def of_collector(
    collector: Collector,
    *,
    started: float,
    ended: float,
    planned_s: float | None,
    target_users: int | None,
    mode: str,
    producer: Mapping[str, str],
) -> Latency:
    """The evidence of a finished run, from what its collector gathered."""
    series = tuple(
        Series(endpoint, window, collector.errors.get((endpoint, window), 0), histogram)
        for (endpoint, window), histogram in sorted(collector.series.items())
    )
    workers = tuple(
        Worker(name, tally.requests, tally.errors, tally.clamped, tally.final)
        for name, tally in sorted(collector.workers.items())
    )
    return Latency(
        window_s=collector.window_s,
        started=started,
        ended=ended,
        planned_s=planned_s,
        target_users=target_users,
        mode=mode,
        producer=dict(producer),
        workers=workers,
        load=collector.load(),
        series=series,
        problems=tuple(collector.problems),
    )


def render(latency: Latency) -> bytes:
    """The JSON text of the evidence: keys in a fixed order, one series per line."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "producer": dict(sorted(latency.producer.items())),
        "histogram": {
            "unit": "ns",
            "lowest": LOWEST,
            "highest": HIGHEST,
            "significant": SIGNIFICANT,
            "encoding": "HdrHistogram V2 compressed, base64",
        },
        "window_s": latency.window_s,
        "started": latency.started,
        "ended": latency.ended,
        "planned_s": latency.planned_s,
        "target_users": latency.target_users,
        "mode": latency.mode,
        "workers": [
            {
                "id": w.id,
                "requests": w.requests,
                "errors": w.errors,
                "clamped": w.clamped,
                "final": w.final,
            }
            for w in latency.workers
        ],
        "load": [
            {
                "window": window,
                "users": load.users,
                "busy": round(load.busy, 4),
                "lag": round(max(load.lag, 0.0), 4),
            }
            for window, load in sorted(latency.load.items())
        ],
        "problems": list(latency.problems),
    }
    lines = [
        json.dumps(
            {
                "endpoint": s.endpoint,
                "window": s.window,
                "requests": s.requests,
                "errors": s.errors,
                "histogram": s.histogram.encode(),
            },
            allow_nan=False,
        )
        for s in latency.series
    ]
    text = json.dumps(head, allow_nan=False, indent=1)
    series = ",\n  ".join(lines)
    return (text[:-2] + ',\n "series": [\n  ' + series + "\n ]\n}\n").encode()


def write(path: Path, latency: Latency) -> None:
    """Write the evidence atomically: a killed run leaves no half file that looks whole."""
    atomic_write(path, render(latency))


def read(blob: Blob) -> Latency:
    """Read ``latency.json``; raise :class:`EvidenceError` for a file gates cannot trust."""
    doc = load_document(
        blob,
        FORMAT,
        VERSION,
        writer="the load stage of this gates version (gates.load.run.listener)",
    )
    _check_geometry(doc.obj("histogram"))
    mode = doc.text("mode")
    if mode not in MODES:
        raise malformed_report(blob.path, f"`mode` is {mode!r}, not one of {', '.join(MODES)}")
    window_s = doc.number("window_s")
    if not window_s > 0:
        raise malformed_report(blob.path, "`window_s` is not a positive number of seconds")
    return Latency(
        window_s=window_s,
        started=doc.number("started"),
        ended=doc.number("ended"),
        planned_s=doc.number("planned_s") if doc.raw("planned_s") is not None else None,
        target_users=doc.count("target_users") if doc.raw("target_users") is not None else None,
        mode=mode,
        producer={key: str(value) for key, value in doc.obj("producer").items()},
        workers=tuple(_worker(item) for item in doc.each("workers")),
        load={
            item.count("window"): WindowLoad(
                item.count("users"), item.number("busy"), item.number("lag")
            )
            for item in doc.each("load")
        },
        series=tuple(_series(item) for item in doc.each("series")),
        problems=tuple(str(problem) for problem in doc.array("problems")),
    )


def _check_geometry(histogram: Fields) -> None:
    found = (
        histogram.text("unit"),
        histogram.count("lowest"),
        histogram.count("highest"),
        histogram.count("significant"),
    )
    if found != ("ns", LOWEST, HIGHEST, SIGNIFICANT):
        raise EvidenceError(
            f"records histograms of {found}, not gates' ('ns', {LOWEST}, {HIGHEST}, {SIGNIFICANT})",
            slug="unsupported-format",
            path=histogram.path,
            hint="write it with the load stage of this gates version",
        )


def _worker(item: Fields) -> Worker:
    final = item.raw("final")
    if not isinstance(final, bool):
        raise malformed_report(item.path, f"`{item.where}.final` is not true or false")
    return Worker(
        item.text("id"), item.count("requests"), item.count("errors"), item.count("clamped"), final
    )


def _series(item: Fields) -> Series:
    try:
        histogram = Histogram.decode(item.text("histogram"))
    except HistogramError as error:
        raise malformed_report(
            item.path, f"`{item.where}.histogram` cannot be read: {error}"
        ) from None
    series = Series(item.text("endpoint"), item.count("window"), item.count("errors"), histogram)
    if series.requests != item.count("requests") or series.errors > series.requests:
        raise malformed_report(
            item.path,
            f"`{item.where}` says {item.count('requests')} requests and {series.errors} errors,"
            f" its histogram holds {series.requests}",
        )
    return series


def load_document(blob: Blob, form: str, version: int, *, writer: str) -> Fields:
    """A load-stage JSON document of ``form`` at ``version``: its fields, or why it is not one.

    ``writer``: what writes it, for the hint (``the load stage of this gates version``).
    """
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    if doc.raw("format") != form or doc.raw("version") != version:
        raise EvidenceError(
            f"is not {form} version {version}",
            slug="unsupported-format",
            path=blob.path,
            hint=f"write it with {writer}",
        )
    return doc


def malformed_report(path: str, message: str) -> EvidenceError:
    """A load-stage report that does not hold what its writer writes (dbtime.py's too)."""
    return EvidenceError(
        message,
        slug="malformed-report",
        path=path,
        hint="the report was edited or cut; rerun the load stage",
    )
