"""Typed builders of evidence for tests of the pure evaluation."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.judge.evaluate import evaluate
from gates.model.reports import (
    Benchmark,
    BenchmarkRun,
    CoverageData,
    FileCoverage,
    Finding,
    Outcome,
    PatchCoverage,
    PatchFile,
    Problem,
    ReportData,
    Severity,
    TestCase,
)
from gates.model.stage import (
    Evidence,
    LoadedReport,
    Manifest,
    ReportEntry,
    StageEvidence,
    StageProblem,
)
from gates.model.verdict import Verdict
from gates.policy.load import parse_policy

TODAY = dt.date(2026, 11, 25)
COMMIT = "a" * 40


def manifest(stage: str, *, reproduce: str = "") -> Manifest:
    return Manifest(
        stage=stage,
        commit=COMMIT,
        dirty=False,
        worktree="0" * 64,
        started="2026-11-25T00:00:00Z",
        finished="2026-11-25T00:00:01Z",
        gates_version="0.1.0",
        reproduce=reproduce or f"nox -s {stage}",
    )


def report(
    stage: str, name: str, fmt: str, kind: Kind, data: ReportData, *, role: str = ""
) -> LoadedReport:
    entry = ReportEntry(name, fmt, data.tool, "0" * 64, 1, role)
    return LoadedReport(stage, f".gates/{stage}/{name}", entry, kind, data)


def stage(
    name: str, *reports: LoadedReport, problems: Sequence[StageProblem] = ()
) -> StageEvidence:
    return StageEvidence(name, manifest(name), tuple(reports), tuple(problems))


def evidence(*stages: StageEvidence) -> Evidence:
    return Evidence(".gates", tuple(stages))


def judge(policy_toml: str, ev: Evidence, *, today: dt.date = TODAY) -> Verdict:
    return evaluate(parse_policy(tomllib.loads(policy_toml)), ev, today=today)


def cov_file(
    path: str,
    executed: Sequence[int],
    missing: Sequence[int],
    *,
    branches: tuple[int, int] = (0, 0),
) -> FileCoverage:
    hit = [[line, line + 1] for line in range(1, branches[0] + 1)]
    miss = [[line, -1] for line in range(1, branches[1] + 1)]
    return FileCoverage(path, list(executed), list(missing), hit, miss)


def coverage(stage_name: str, *files: FileCoverage, branch: bool = True) -> LoadedReport:
    statements = sum(len(f.executed) + len(f.missing) for f in files)
    data = ReportData(
        tool="coverage",
        coverage=CoverageData(list(files), branch),
        counts={Count.STATEMENTS_MEASURED: statements},
    )
    return report(stage_name, "coverage.json", "coverage-json", Kind.COVERAGE, data)


def junit(stage_name: str, **outcomes: int) -> LoadedReport:
    cases = []
    for outcome_name, count in outcomes.items():
        outcome = Outcome(outcome_name)
        message = "" if outcome is Outcome.PASSED else f"{outcome_name} because"
        cases += [
            TestCase(
                f"tests.test_x::test_{outcome_name}_{i}",
                outcome,
                message,
                "tests/test_x.py",
                i + 1,
                0.01,
            )
            for i in range(count)
        ]
    run = sum(c.outcome is not Outcome.SKIPPED for c in cases)
    counts = {Count.TESTS_RUN: run, Count.TESTS_SKIPPED: len(cases) - run}
    data = ReportData(tool="pytest", tests=cases, counts=counts)
    return report(stage_name, "junit.xml", "junit-xml", Kind.TESTS, data)


def finding(
    tool: str,
    rule: str,
    severity: Severity = Severity.MEDIUM,
    path: str = "pkg/a.py",
    line: int = 1,
) -> Finding:
    return Finding(tool, rule, severity, path, line, f"{rule} message")


def findings(
    stage_name: str, tool: str, *items: Finding, counts: dict[Count, int] | None = None
) -> LoadedReport:
    data = ReportData(tool=tool, findings=list(items), counts=counts or {})
    return report(stage_name, f"{tool}.json", f"{tool}-json", Kind.FINDINGS, data)


def patch(stage_name: str, covered: int, missing: int, *, changed: int = 10) -> LoadedReport:
    files = (
        [PatchFile("pkg/a.py", list(range(1, covered + 1)), list(range(100, 100 + missing)))]
        if covered + missing
        else []
    )
    data = ReportData(tool="diff-cover", patch=PatchCoverage(files, "origin/main...HEAD", changed))
    return report(stage_name, "diff-cover.json", "diff-cover-json", Kind.PATCH, data)


def numstat(stage_name: str, added: int) -> LoadedReport:
    data = ReportData(tool="git", patch=PatchCoverage([], "origin/main...HEAD", added))
    return report(stage_name, "numstat.txt", "git-numstat", Kind.PATCH, data)


def bench(stage_name: str, role: str, samples: dict[str, list[float]]) -> LoadedReport:
    benchmarks = [
        Benchmark(
            name, values, sorted(values)[len(values) // 2] if values else 1.0, 1.0, len(values)
        )
        for name, values in samples.items()
    ]
    run = BenchmarkRun(benchmarks, "", "")
    data = ReportData(tool="pytest-benchmark", benchmarks=run)
    return report(
        stage_name, f"{role}.json", "pytest-benchmark-json", Kind.BENCHMARKS, data, role=role
    )


def problem(
    slug: str, *, tool: str = "", kind: Kind | None = None, subject: str = ""
) -> StageProblem:
    return StageProblem(
        Problem(
            slug=slug,
            path=".gates/x/report",
            message=f"{slug} happened",
            hint="do the thing",
            subject=subject,
        ),
        tool,
        kind,
    )
