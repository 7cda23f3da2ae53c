"""The verdict: what ``gates check`` decided, per gate and as a whole, as one value outputs render.

:mod:`gates.judge.evaluate` builds it; every output renders it and nothing
else; :mod:`gates.ci.verdict_file` reads it back from its JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gates.catalog.counts import Count
from gates.errors import ExitCode
from gates.model.reports import Finding, Problem

__all__ = [
    "BenchmarkComparison",
    "BenchmarkOutcome",
    "GateResult",
    "Level",
    "Offender",
    "Status",
    "Verdict",
    "WaiverResult",
    "WaiverStatus",
    "WaiverTarget",
]


class BenchmarkOutcome(enum.StrEnum):
    """What the comparison of one benchmark decided."""

    REGRESSION = "regression"  # significantly and materially slower: counts against the gate
    IMPROVEMENT = "improvement"
    NO_CHANGE = "no-change"
    INCONCLUSIVE = "inconclusive"  # too noisy, or too few rounds: reported, never blocks


@dataclass(frozen=True, slots=True, kw_only=True)
class BenchmarkComparison:
    """The statistical comparison of one benchmark, head against base."""

    name: str
    outcome: BenchmarkOutcome
    estimate: float  # head/base ratio of typical times (1.10 = 10 % slower)
    low: float  # confidence interval of the ratio
    high: float
    rounds: int
    reason: str


class Level(enum.StrEnum):
    """What a gate outside its bound does (``level``), or one without evidence (``on-missing``)."""

    BLOCK = "block"
    WARN = "warn"  # reported, never blocks


class Status(enum.Enum):
    """The status of one gate, and of the whole verdict."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    WARN = "warn"  # outside its bound, but the gate's level is "warn"; or evidence missing with on-missing = "warn"
    WAIVED = "waived"  # outside its bound or without evidence, covered by a valid waiver
    FAIL = "fail"  # outside its bound: blocks, exit 1
    ERROR = "error"  # evidence missing, stale or incomplete: blocks, exit 3

    @property
    def blocks(self) -> bool:
        return self in (Status.FAIL, Status.ERROR)


@dataclass(frozen=True, slots=True, kw_only=True)
class Offender:
    """One thing that made a gate fail: a file, a test, a finding."""

    path: str
    line: int
    label: str  # what it is: a rule, a test id, a file's coverage
    detail: str  # one line


@dataclass(frozen=True, slots=True, kw_only=True)
class GateResult:
    """The verdict of one gate."""

    name: str
    metric: str
    status: Status
    level: Level
    observed: float | None
    bound: str  # e.g. ">= 90", "<= 0"
    reason: str  # one line a person reads
    stages: tuple[str, ...]
    evidence: tuple[str, ...]  # report paths the gate read
    offenders: tuple[Offender, ...] = ()
    offenders_total: int = 0
    problems: tuple[Problem, ...] = ()
    waivers: tuple[str, ...] = ()
    reproduce: str = ""
    comparisons: tuple[BenchmarkComparison, ...] = ()
    precision: int | None = None  # decimals of a coverage.py percentage (shown and judged)
    # a gate against the base (a ratchet, `vs = "base"`): ``observed`` is the difference,
    # ``measured`` the metric's own value and ``base`` the base's recorded value
    measured: float | None = None
    base: float | None = None


class WaiverTarget(enum.StrEnum):
    """What a ``[[waiver]]`` covers: its one key among these."""

    FINDING = "finding"  # "tool:rule", the rule a glob
    GATE = "gate"  # a whole gate, by name
    EVIDENCE = "evidence"  # "tool[:problem[:subject]]"


class WaiverStatus(enum.StrEnum):
    """How one ``[[waiver]]`` was used by a verdict."""

    USED = "used"
    UNUSED = "unused"  # matched nothing: remove it
    EXPIRED = "expired"  # covers nothing, and blocks by itself


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiverResult:
    """How one ``[[waiver]]`` entry was used."""

    target: str  # what it names, e.g. "finding pip-audit:GHSA-..."
    owner: str
    reason: str
    expires: str  # ISO date
    status: WaiverStatus
    matched: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    """Everything ``gates check`` decided, as one value outputs render."""

    status: Status
    exit_code: ExitCode
    gates: tuple[GateResult, ...]
    waivers: tuple[WaiverResult, ...]
    counts: tuple[tuple[Count, int], ...]
    findings: tuple[tuple[Finding, bool], ...]  # every finding read, and whether a waiver covers it
    stages: tuple[tuple[str, str, bool], ...]  # (stage, commit, dirty) of the evidence read
    notes: tuple[str, ...] = ()
    policy: str = "gates.toml"
