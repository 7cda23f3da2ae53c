"""The typed values that cross module boundaries.

Readers turn reports into these at the edge; :mod:`gates.evaluate` turns them
into a :class:`Verdict`; outputs render the verdict and nothing else.

Records that a reader creates by the hundred thousand (:class:`Finding`,
:class:`TestCase`, :class:`FileCoverage`) are ``NamedTuple``\\ s rather than
frozen dataclasses: they are just as immutable and typed, and build about four
times faster, which keeps reading a large evidence set within 2x of a bare
``json.load`` (see BENCHMARKS.md). Their sequence fields hold the lists the
parser made, typed read-only, instead of copying them into tuples.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from gates.errors import ExitCode

__all__ = [
    "Benchmark",
    "BenchmarkComparison",
    "BenchmarkOutcome",
    "BenchmarkRun",
    "Count",
    "CoverageData",
    "CoverageTotal",
    "FileCoverage",
    "Finding",
    "GateResult",
    "Level",
    "Offender",
    "Outcome",
    "PatchCoverage",
    "PatchFile",
    "Problem",
    "ReportData",
    "ResultTally",
    "Severity",
    "Status",
    "TestCase",
    "Verdict",
    "WaiverResult",
    "WaiverStatus",
    "WaiverTarget",
]


class Severity(enum.IntEnum):
    """One scale for every tool: critical > high > medium > low > info.

    Each reader documents how its tool's levels map onto it (docs/severity.md).
    """

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]  # a list indexed by the value: read per finding

    @classmethod
    def from_label(cls, label: str) -> Severity:
        """``"high"`` -> ``Severity.HIGH``; raises ``KeyError`` for other text."""
        return cls[label.upper()]


_SEVERITY_LABELS: Final = [severity.name.lower() for severity in sorted(Severity)]


class Finding(NamedTuple):
    """One problem a linter, type checker or scanner reported."""

    tool: str
    rule: str
    severity: Severity
    path: str  # repository-relative, "/"-separated; "" when the finding has no file
    line: int  # 1-based; 0 when the finding has no line
    message: str

    @property
    def location(self) -> str:
        if not self.path:
            return "-"
        return f"{self.path}:{self.line}" if self.line else self.path


class Outcome(enum.Enum):
    """The result of one test case."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"

    # Members are singletons compared by identity: hashed by it too, in C (Enum's own hash is
    # Python code, run for each of 50,000 test cases tallied).
    __hash__ = object.__hash__


class TestCase(NamedTuple):
    """One test from a JUnit report: every result pytest wrote for its id, folded."""

    id: str  # "classname::name"
    outcome: Outcome
    message: str  # first line of the failure or skip message; "" when passed
    path: str
    line: int
    time: float
    reruns: int = 0  # earlier attempts a rerun plugin discarded (pytest-rerunfailures)

    @property
    def flaky(self) -> bool:
        """Passed in the end, after failing at least once (a rerun)."""
        return self.outcome is Outcome.PASSED and self.reruns > 0


class ResultTally(NamedTuple):
    """What pytest itself counted in one run: one per result, as its summary line counts.

    A test can give several results (its subtests, a failure and then a
    teardown error, the attempts of a rerun) and :class:`TestCase` folds them
    into one; this keeps the tool's own figures, so a verdict can show both.
    """

    passed: int  # passed, xpassed and subtests passed: JUnit writes them alike
    failed: int
    errors: int
    skipped: int
    xfailed: int
    rerun: int


class FileCoverage(NamedTuple):
    """Line and branch coverage of one source file.

    Branches are arcs ``(from_line, to_line)`` as coverage.py reports them, so
    combining stages is a set union. Cobertura XML only gives per-line counts;
    its reader encodes them as synthetic arcs ``(line, -k)``, whose union is the
    best-covered stage per line (a lower bound of the true union).
    """

    path: str
    executed: Sequence[int]
    missing: Sequence[int]
    executed_branches: Sequence[Sequence[int]]
    missing_branches: Sequence[Sequence[int]]
    # coverage.py's count of the file's branches; -1: the arcs listed are all of them.
    # coverage JSON lists neither executed nor missing an arc that only a
    # `partial_branches` pragma excuses, and counts it covered: so covered branches are
    # `branches - len(missing_branches)`, as coverage.py counts them.
    branches: int = -1

    @property
    def branch_count(self) -> int:
        """How many branches the file has, as coverage.py counts them."""
        if self.branches >= 0:
            return self.branches
        return len(self.executed_branches) + len(self.missing_branches)


class CoverageData(NamedTuple):
    """The coverage report of one stage."""

    files: Sequence[FileCoverage]
    branch: bool  # whether branch coverage was measured
    precision: int | None = None  # the decimals coverage.py showed (its `[report] precision`)


class CoverageTotal(NamedTuple):
    """The TOTAL row of ``coverage report``: what a person running coverage.py reads."""

    statements: int
    missing: int
    branches: int | None  # None: the report has no branch columns
    partial: int | None
    cover: str  # as printed, without the percent sign: "88.40"

    @property
    def precision(self) -> int:
        """The decimals the report showed (its `[report] precision`)."""
        return len(self.cover.partition(".")[2])


class PatchFile(NamedTuple):
    """Changed lines of one file, as diff-cover measured them (or git counted them)."""

    path: str
    covered: Sequence[int]
    missing: Sequence[int]
    added: int = 0  # lines the change adds to the file, from `git diff --numstat`


class PatchCoverage(NamedTuple):
    """Coverage of the lines a change adds or modifies (diff-cover)."""

    files: Sequence[PatchFile]
    diff: str  # what was compared, e.g. "origin/main...HEAD"
    changed_lines: int  # every changed line diff-cover saw, in any file


class Benchmark(NamedTuple):
    """One pytest-benchmark result: its raw timings when saved, else its stats."""

    name: str  # fullname, e.g. "tests/bench.py::test_parse"
    samples: Sequence[float]  # seconds per round; empty when not saved
    median: float
    mean: float
    rounds: int


class BenchmarkRun(NamedTuple):
    """One pytest-benchmark JSON report."""

    benchmarks: Sequence[Benchmark]
    commit: str  # commit_info.id, "" when unknown
    machine: str  # a short description of machine_info


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


class Count(enum.Enum):
    """Completeness counts every verdict publishes, so a vacuous pass shows."""

    TESTS_RUN = "tests run"
    TESTS_SKIPPED = "tests skipped"
    FILES_LINTED = "files linted"
    FILES_TYPE_CHECKED = "files type-checked"
    FILES_SCANNED = "files scanned"
    PACKAGES_AUDITED = "packages audited"
    PACKAGES_SKIPPED = "packages skipped"
    STATEMENTS_MEASURED = "statements measured"
    CHANGED_LINES_MEASURED = "changed lines measured"
    BENCHMARKS_COMPARED = "benchmarks compared"
    FINDINGS_SUPPRESSED = "findings suppressed in source"

    @property
    def key(self) -> str:
        """The snake_case name used in JSON output."""
        return self.name.lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Why a piece of evidence cannot be trusted, or is incomplete.

    ``slug`` is stable (documented in docs/errors.md); ``subject`` is what a
    waiver may name (a package, a tool); ``hint`` is the next step. Built
    with keywords: four of its fields are text.
    """

    slug: str
    path: str
    message: str
    hint: str
    subject: str = ""

    def describe(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"


@dataclass(frozen=True, slots=True)
class ReportData:
    """What one report contributes to the evidence.

    A reader raises :class:`gates.errors.EvidenceError` for a report it cannot
    read at all, and returns ``problems`` for one that it read but that shows
    an incomplete run (skipped packages, files that failed to parse, ...).
    """

    tool: str
    findings: Sequence[Finding] = ()
    tests: Sequence[TestCase] | None = None
    coverage: CoverageData | None = None
    patch: PatchCoverage | None = None
    benchmarks: BenchmarkRun | None = None
    tally: ResultTally | None = None  # JUnit: the results as pytest counted them
    counts: Mapping[Count, int] = field(default_factory=dict)
    problems: Sequence[Problem] = ()
    coverage_total: CoverageTotal | None = None  # `coverage report`'s TOTAL row


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
