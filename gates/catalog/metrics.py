"""The metrics a gate can bound, declared once: name, kind of evidence, unit, domain.

:mod:`gates.policy.load` checks a gate's ``metric`` and bounds against them, its
JSON Schema lists them, :mod:`gates.model.figures` shows their values by unit, and
docs/policy.md's table of metrics is checked against them
(``tests/unit/test_catalog.py``). Adding a metric is one entry here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

__all__ = ["METRICS", "Kind", "Metric", "Unit"]

_INF: Final = float("inf")


class Kind(enum.Enum):
    """The kind of evidence a metric reads."""

    COVERAGE = "coverage"
    PATCH = "patch"
    TESTS = "tests"
    FINDINGS = "findings"
    BENCHMARKS = "benchmarks"
    LOAD = "load"  # the load stage: latency, rate, errors, memory and database time under load


class Unit(enum.StrEnum):
    """What a metric's value counts: how it is bounded, checked and shown (:mod:`gates.model.figures`)."""

    PERCENT = "%"
    COUNT = ""  # a whole number
    MILLISECONDS = "ms"
    MEBIBYTES = "MiB"
    PER_SECOND = "/s"


@dataclass(frozen=True, slots=True, kw_only=True)
class Metric:
    """A measurable value a gate bounds."""

    name: str
    kind: Kind
    description: str
    domain: tuple[float, float]
    unit: Unit

    @property
    def integral(self) -> bool:
        """Whether its values, and so its bounds, are whole numbers."""
        return self.unit is Unit.COUNT


def _percent(name: str, kind: Kind, description: str) -> Metric:
    return Metric(
        name=name, kind=kind, description=description, domain=(0.0, 100.0), unit=Unit.PERCENT
    )


def _count(name: str, kind: Kind, description: str) -> Metric:
    return Metric(
        name=name, kind=kind, description=description, domain=(0.0, _INF), unit=Unit.COUNT
    )


def _measure(name: str, unit: Unit, description: str, *, signed: bool = False) -> Metric:
    low = -_INF if signed else 0.0
    return Metric(name=name, kind=Kind.LOAD, description=description, domain=(low, _INF), unit=unit)


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        _percent(
            "coverage.percent", Kind.COVERAGE, "line coverage: covered statements / statements"
        ),
        _percent(
            "coverage.branch_percent", Kind.COVERAGE, "branch coverage: covered branches / branches"
        ),
        _percent(
            "coverage.total_percent",
            Kind.COVERAGE,
            "statements and branches together, as coverage.py totals them",
        ),
        _percent(
            "coverage.patch_percent",
            Kind.PATCH,
            "coverage of the lines changed against the base (diff-cover)",
        ),
        _count("tests.total", Kind.TESTS, "test cases run or skipped"),
        _count("tests.passed", Kind.TESTS, "test cases that passed"),
        _count("tests.failed", Kind.TESTS, "test cases that failed or errored"),
        _count("tests.skipped", Kind.TESTS, "test cases skipped (including xfail)"),
        _count("findings", Kind.FINDINGS, "findings matching the gate's filters, after waivers"),
        _count(
            "benchmark.regressions",
            Kind.BENCHMARKS,
            "benchmarks significantly slower than the base",
        ),
        _measure("load.p50_ms", Unit.MILLISECONDS, "median latency under load, with its interval"),
        _measure("load.p95_ms", Unit.MILLISECONDS, "95th percentile latency, with its interval"),
        _measure("load.p99_ms", Unit.MILLISECONDS, "99th percentile latency, with its interval"),
        Metric(
            name="load.error_rate",
            kind=Kind.LOAD,
            description="failed requests / requests in the measured window",
            domain=(0.0, 100.0),
            unit=Unit.PERCENT,
        ),
        _measure(
            "load.rps", Unit.PER_SECOND, "requests per second achieved in the measured window"
        ),
        Metric(
            name="load.breaking_users",
            kind=Kind.LOAD,
            description="users of the first step that broke two windows in a row (step load)",
            domain=(0.0, _INF),
            unit=Unit.COUNT,
        ),
        _measure("memory.peak_mb", Unit.MEBIBYTES, "the service tree's highest PSS over the run"),
        _measure(
            "memory.growth_mb_per_10k",
            Unit.MEBIBYTES,
            "PSS growth per 10,000 requests after the warm-up (Theil-Sen), with its interval",
            signed=True,
        ),
        _measure(
            "db.mean_ms", Unit.MILLISECONDS, "mean time of the queries in the measured window"
        ),
        _measure("db.p95_ms", Unit.MILLISECONDS, "95th percentile of those queries' times"),
    )
}
