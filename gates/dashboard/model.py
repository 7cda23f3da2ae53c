"""The dashboard's typed input: one :class:`Run` per run, and the page's :class:`Dashboard` (pure).

A ``Run`` is what the page knows of one run, from whichever source had it:
the JSON verdict (gates, findings, waivers, benchmark comparisons, counts)
or a history record (gates, tests with their durations and reruns). What a
source does not hold is ``None`` ("unknown"), never zero or empty: the page
then says "unknown" instead of drawing a flat line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "Benchmark",
    "Dashboard",
    "Expiring",
    "ExpiringKind",
    "FindingCount",
    "FindingRow",
    "GateValue",
    "Run",
    "Security",
    "TestTime",
    "Tests",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class GateValue:
    """One gate of one run: its metric's own value (``None``: unknown), bound and status."""

    name: str
    metric: str
    status: str  # pass, warn, waived, fail, error
    value: float | None
    bound: str
    unit: str  # the metric's unit ("%", "" for a count, "ms", ...)
    precision: int | None = None  # a coverage.py percentage's decimals


@dataclass(frozen=True, slots=True, kw_only=True)
class TestTime:
    """A test and the seconds it took."""

    stage: str
    id: str
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Tests:
    """What a run says of its tests."""

    count: int
    total_seconds: float
    slowest: tuple[TestTime, ...]  # slowest first
    flaky: tuple[str, ...]  # "stage::id" of the tests that failed, then passed on a rerun
    failed: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingRow:
    """One finding of the verdict (what an alert names)."""

    tool: str
    rule: str
    severity: str
    path: str
    line: int
    message: str
    waived: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingCount:
    """The findings of one tool at one severity: how many, and how many of them a waiver covers."""

    tool: str
    severity: str
    total: int
    waived: int


class ExpiringKind(enum.StrEnum):
    """What has an owner and an expiry."""

    WAIVER = "waiver"
    QUARANTINE = "quarantine"


@dataclass(frozen=True, slots=True, kw_only=True)
class Expiring:
    """A waiver or a quarantined test: what it covers, whose it is, and until when."""

    kind: ExpiringKind
    target: str
    owner: str
    reason: str
    expires: str  # an ISO date, "" when none
    status: str  # used, unused, expired


@dataclass(frozen=True, slots=True, kw_only=True)
class Security:
    """The security picture of a run: findings by tool and severity, the audit, the secrets."""

    findings: tuple[FindingCount, ...]
    packages_audited: int | None  # None: no audit evidence
    packages_skipped: int | None
    secrets: int | None  # detect-secrets findings; None: no secrets scan
    incomplete: tuple[str, ...]  # the problems that make the picture incomplete (one line each)


@dataclass(frozen=True, slots=True, kw_only=True)
class Benchmark:
    """One benchmark's comparison with its base: head/base ratio of typical times."""

    name: str
    outcome: str  # regression, improvement, no-change, inconclusive
    ratio: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One run as the dashboard sees it; ``None`` fields: the source did not say."""

    source: str  # the file or record it came from
    run_id: str
    commit: str
    parent: str
    date: str  # ISO 8601, UTC; "" unknown
    branch: str
    status: str
    gates: tuple[GateValue, ...]
    tests: Tests | None = None
    security: Security | None = None
    expiring: tuple[Expiring, ...] = ()
    benchmarks: tuple[Benchmark, ...] | None = None
    findings: tuple[FindingRow, ...] = ()  # the verdict's findings; a record holds none

    def gate(self, name: str) -> GateValue | None:
        return next((g for g in self.gates if g.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    """The page's input: the current run, the past base-branch runs (oldest first) and what is unknown."""

    current: Run
    history: tuple[Run, ...]
    today: str  # ISO date the expiries are counted from
    unknown: str = ""  # why there is no history at all ("" when there is some)
    problems: tuple[str, ...] = field(default=())  # corrupt history files, reported by name
