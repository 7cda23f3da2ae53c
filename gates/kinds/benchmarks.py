"""``benchmark.regressions``: head against base, from the pytest-benchmark reports a gate selects (pure).

Which design decides, and how, is :mod:`gates.benchmark.compare`: the
benchmark stage decides with the same code, after each pair of rounds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from gates.benchmark.compare import RoleRun, compare
from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import every_report, tally_counts
from gates.model.measurement import Measurement
from gates.model.stage import LoadedReport
from gates.policy.load import GateSpec

__all__ = ["EXPECTED_TOOL", "KIND", "counts", "dedupe", "measure"]

KIND: Final = Kind.BENCHMARKS
EXPECTED_TOOL: Final = "pytest-benchmark"


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """Every report counts: each is one side of one run."""
    return every_report(reports)


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """Benchmarks compared."""
    return tally_counts(reports)


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's regressions, from the pytest-benchmark reports it selected."""
    del context  # a benchmark gate reads its own reports only
    runs = [
        RoleRun(r.stage, r.entry.path, r.entry.role, r.data.benchmarks)
        for r in reports
        if r.data.benchmarks is not None
    ]
    return compare(runs, slowdown=gate.slowdown)
