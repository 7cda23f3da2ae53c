"""What reports say, as typed values: findings, test cases, coverage, benchmarks, problems.

Readers turn reports into these at the edge (:class:`ReportData`); the kinds
of evidence measure gates from them (:mod:`gates.kinds`).

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

from gates.catalog.counts import Count

__all__ = [
    "Benchmark",
    "BenchmarkRun",
    "Block",
    "ComplexityData",
    "CoverageData",
    "CoverageTotal",
    "Duplicate",
    "FileCoverage",
    "Finding",
    "Maintainability",
    "Outcome",
    "PatchCoverage",
    "PatchFile",
    "Problem",
    "ReportData",
    "ResultTally",
    "Severity",
    "TestCase",
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
    # the last line of what it flags, when that spans lines (a function too complex: its
    # body); 0 for one line. ``changed = true`` counts it when the change touched any of them
    end: int = 0

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


class Block(NamedTuple):
    """One block radon measured: a function, a method, a closure or a class."""

    path: str
    name: str  # "Router.route", "outer.inner"
    line: int  # the ``def`` or ``class`` line
    end: int  # its last line
    complexity: int  # cyclomatic complexity, radon's own figure
    function: bool  # a function, method or closure; False: a class (its methods' sum)


class ComplexityData(NamedTuple):
    """The complexity of every block measured: radon's cyclomatic, or complexipy's cognitive."""

    blocks: Sequence[Block]
    files: int  # files measured (those that did not parse are problems, not files)


class Duplicate(NamedTuple):
    """One block pylint found duplicated (``duplicate-code``), at the file its message names."""

    path: str
    line: int  # its first duplicated line in that file
    end: int  # its last
    lines: int  # the lines of its places beyond the first: the copies
    places: tuple[str, ...]  # every place, "module:first-last", as pylint names them


class Maintainability(NamedTuple):
    """radon's maintainability index (0-100) of every file it could parse, by path."""

    files: Mapping[str, float]


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
    # A load-stage record (gates.load: latency, memory, scenario, Locust's totals). Its
    # types live two layers up, in gates.load, which this module may not import: the
    # load kind narrows it with isinstance and blocks on anything else (gates.kinds.load).
    load: object | None = None
    complexity: ComplexityData | None = None  # radon's figures per block (readers/complexity)
    maintainability: Maintainability | None = None  # radon's index per file
    cognitive: ComplexityData | None = None  # complexipy's cognitive complexity per function
    duplicates: Sequence[Duplicate] | None = None  # pylint's duplicated blocks
