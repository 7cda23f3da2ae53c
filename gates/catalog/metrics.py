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

__all__ = ["AGAINST_BASE", "METRICS", "Kind", "Metric", "Unit"]

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
    # a ratchet: ``of`` the metric whose value is compared with the base branch's recorded one
    # (the value judged is the difference); ``history``: it reads the base branch's history
    of: str = ""
    history: bool = False

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
        Metric(
            name="coverage.delta",
            kind=Kind.COVERAGE,
            description="coverage.percent minus the base branch's recorded value, in points",
            domain=(-100.0, 100.0),
            unit=Unit.PERCENT,
            of="coverage.percent",
            history=True,
        ),
        _count(
            "tests.flaky",
            Kind.TESTS,
            "tests that failed and then passed on a rerun (one test each, however many attempts)",
        ),
        Metric(
            name="tests.new_flaky",
            kind=Kind.TESTS,
            description="flaky tests that were not flaky in the base branch's last recorded runs",
            domain=(0.0, _INF),
            unit=Unit.COUNT,
            history=True,
        ),
        _count(
            "tests.quarantined",
            Kind.TESTS,
            "[[quarantine]] entries of the policy: a budget keeps the list from growing",
        ),
        Metric(
            name="tests.flip_suspects",
            kind=Kind.TESTS,
            description="tests whose outcome flipped between passed and failed in at least a "
            "fifth of the base branch's last recorded runs (at least 5 of the last 20)",
            domain=(0.0, _INF),
            unit=Unit.COUNT,
            history=True,
        ),
        Metric(
            name="tests.removed",
            kind=Kind.TESTS,
            description="tests the base branch's record holds that no longer exist",
            domain=(0.0, _INF),
            unit=Unit.COUNT,
            history=True,
        ),
        Metric(
            name="tests.duration_delta",
            kind=Kind.TESTS,
            description="total test time against the median of the base branch's last runs, in %",
            domain=(-100.0, _INF),
            unit=Unit.PERCENT,
            history=True,
        ),
        _count(
            "complexity.max_changed",
            Kind.FINDINGS,
            "highest cyclomatic complexity of the functions whose lines the change touched (radon)",
        ),
        _count(
            "complexity.max", Kind.FINDINGS, "highest cyclomatic complexity of any function (radon)"
        ),
        _count(
            "complexity.average",
            Kind.FINDINGS,
            "average cyclomatic complexity of the blocks radon measured, as `radon cc -a`",
        ),
        _count(
            "complexity.cognitive_max_changed",
            Kind.FINDINGS,
            "highest cognitive complexity of the functions whose lines the change touched "
            "(complexipy)",
        ),
        _count(
            "complexity.cognitive_max",
            Kind.FINDINGS,
            "highest cognitive complexity of any function (complexipy)",
        ),
        _count(
            "complexity.duplicated_lines",
            Kind.FINDINGS,
            "lines of the copies of duplicated blocks (pylint duplicate-code)",
        ),
        Metric(
            name="complexity.mi_min",
            kind=Kind.FINDINGS,
            description="lowest maintainability index of any file (radon mi, 0-100)",
            domain=(0.0, 100.0),
            unit=Unit.COUNT,
        ),
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

# The metrics a gate may judge against the base branch with ``vs = "base"``: the
# difference of its value and the base's recorded one (a drop of coverage, more failures).
AGAINST_BASE: frozenset[str] = frozenset(
    {
        "coverage.percent",
        "coverage.branch_percent",
        "coverage.total_percent",
        "tests.total",
        "tests.passed",
        "tests.failed",
        "tests.skipped",
        "findings",
        "complexity.max",
        "complexity.average",
        "complexity.cognitive_max",
    }
)
