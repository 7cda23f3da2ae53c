"""The pure evaluation: bounds, missing and incomplete evidence, waivers, exit codes."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds import patch as metrics
from gates.kinds.patch import compared_with
from gates.model.measurement import Measured, NotApplicable, Unmeasured
from gates.model.reports import PatchCoverage, PatchFile, Problem, Severity
from gates.model.stage import StageEvidence, StageProblem, ToolRun
from gates.model.verdict import Status
from tests.unit import _build as b

UNIT_90 = '[gate.unit]\nmetric = "coverage.percent"\nstage = "unit"\nmin = 90\n'


def test_coverage_exactly_at_the_bound_passes() -> None:
    ev = b.evidence(b.stage("unit", b.coverage("unit", b.cov_file("a.py", range(1, 10), [10]))))
    verdict = b.judge(UNIT_90, ev)
    gate = verdict.gates[0]
    assert gate.status is Status.PASS
    assert gate.observed == 90.0
    assert verdict.exit_code == 0
    assert gate.evidence == (".gates/unit/coverage.json",)


def test_coverage_just_below_the_bound_fails_and_lists_files() -> None:
    files = [b.cov_file("a.py", range(1, 9001), range(9001, 10002)), b.cov_file("b.py", [1], [])]
    ev = b.evidence(b.stage("unit", b.coverage("unit", *files)))
    verdict = b.judge(UNIT_90, ev)
    gate = verdict.gates[0]
    assert gate.status is Status.FAIL
    assert verdict.exit_code == 1
    assert gate.observed is not None and gate.observed < 90
    assert "89.99% < 90" in gate.reason  # truncated, never shown rounded up to 90.00
    assert [o.path for o in gate.offenders] == ["a.py"]
    assert "missing lines 9001-10001" in gate.offenders[0].detail
    assert gate.reproduce == "nox -s unit"


def test_combined_coverage_unions_executed_lines_across_stages() -> None:
    unit = b.coverage("unit", b.cov_file("a.py", [1, 2], [3, 4]))
    integration = b.coverage("integration", b.cov_file("a.py", [3], [1, 2, 4]))
    ev = b.evidence(b.stage("unit", unit), b.stage("integration", integration))
    policy = '[gate.c]\nmetric = "coverage.percent"\nstage = ["unit", "integration"]\nmin = 75\n'
    gate = b.judge(policy, ev).gates[0]
    assert gate.observed == 75.0
    assert gate.status is Status.PASS
    assert gate.stages == ("unit", "integration")


def test_branch_and_total_percent() -> None:
    ev = b.evidence(
        b.stage("unit", b.coverage("unit", b.cov_file("a.py", [1, 2, 3], [4], branches=(1, 1))))
    )
    policy = (
        '[gate.br]\nmetric = "coverage.branch_percent"\nmin = 50\n'
        '[gate.tot]\nmetric = "coverage.total_percent"\nmin = 66\n'
    )
    branch, total = b.judge(policy, ev).gates
    assert branch.observed == 50.0
    assert total.observed == pytest.approx(100 * 4 / 6)


def test_branch_percent_without_branch_data_is_an_error() -> None:
    ev = b.evidence(b.stage("unit", b.coverage("unit", b.cov_file("a.py", [1], []), branch=False)))
    gate = b.judge('[gate.br]\nmetric = "coverage.branch_percent"\nmin = 50\n', ev).gates[0]
    assert gate.status is Status.ERROR
    assert "branch coverage was not measured" in gate.reason


def test_zero_statements_is_an_error_not_a_pass() -> None:
    ev = b.evidence(b.stage("unit", b.coverage("unit")))
    verdict = b.judge(UNIT_90, ev)
    assert verdict.gates[0].status is Status.ERROR
    assert verdict.exit_code == 3
    assert "0 statements" in verdict.gates[0].reason


def test_missing_stage_blocks_with_next_step() -> None:
    verdict = b.judge(UNIT_90, b.evidence())
    gate = verdict.gates[0]
    assert gate.status is Status.ERROR
    assert verdict.exit_code == 3
    assert ".gates/unit/ does not exist" in gate.reason
    assert gate.problems[0].hint == "run the stage: `nox -s unit`"
    assert any("no evidence at all" in note for note in verdict.notes)


def test_on_missing_warn_reports_without_blocking() -> None:
    policy = UNIT_90 + 'on-missing = "warn"\n'
    verdict = b.judge(policy, b.evidence())
    assert verdict.gates[0].status is Status.WARN
    assert verdict.exit_code == 0


def test_on_missing_warn_does_not_soften_other_problems() -> None:
    stale = b.problem("stale-commit")
    ev = b.evidence(
        b.stage("unit", b.coverage("unit", b.cov_file("a.py", [1], [])), problems=[stale])
    )
    verdict = b.judge(UNIT_90 + 'on-missing = "warn"\n', ev)
    assert verdict.gates[0].status is Status.ERROR


def test_level_warn_never_blocks() -> None:
    ev = b.evidence(b.stage("unit", b.coverage("unit", b.cov_file("a.py", [1], [2]))))
    verdict = b.judge(UNIT_90 + 'level = "warn"\n', ev)
    assert verdict.gates[0].status is Status.WARN
    assert verdict.exit_code == 0
    assert verdict.status is Status.WARN


def test_stage_problem_taints_only_matching_tool_and_kind() -> None:
    crashed = b.problem("tool-crashed", tool="bandit")
    lint = b.findings("lint", "ruff", counts={Count.FILES_LINTED: 3})
    security = b.findings("security", "bandit")
    ev = b.evidence(b.stage("lint", lint), b.stage("security", security, problems=[crashed]))
    policy = (
        '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
        '[gate.sec]\nmetric = "findings"\ntool = "bandit"\nmax = 0\n'
    )
    lint_gate, sec_gate = b.judge(policy, ev).gates
    assert lint_gate.status is Status.PASS
    assert sec_gate.status is Status.ERROR
    assert "tool-crashed happened" in sec_gate.reason


def test_findings_filters_severity_rule_path() -> None:
    items = [
        b.finding("bandit", "B101", Severity.LOW),
        b.finding("bandit", "B602", Severity.HIGH, path="src/x.py", line=7),
        b.finding("bandit", "B602", Severity.CRITICAL, path="tests/t.py"),
        b.finding("bandit", "B301", Severity.HIGH, path="src/y.py"),
    ]
    ev = b.evidence(b.stage("security", b.findings("security", "bandit", *items)))
    policy = (
        '[gate.s]\nmetric = "findings"\nseverity = "high"\nrule = "B6*"\npath = "src/*"\nmax = 0\n'
    )
    gate = b.judge(policy, ev).gates[0]
    assert gate.observed == 1
    assert gate.status is Status.FAIL
    assert gate.offenders[0].path == "src/x.py"
    assert gate.offenders[0].line == 7


def test_findings_gate_requires_every_named_tool() -> None:
    ev = b.evidence(b.stage("security", b.findings("security", "bandit")))
    policy = '[gate.s]\nmetric = "findings"\ntool = ["bandit", "pip-audit"]\nmax = 0\n'
    gate = b.judge(policy, ev).gates[0]
    assert gate.status is Status.ERROR
    assert "no pip-audit evidence" in gate.reason


def test_finding_waiver_removes_finding_and_is_counted() -> None:
    items = [
        b.finding("pip-audit", "GHSA-1234", Severity.HIGH),
        b.finding("pip-audit", "PYSEC-1", Severity.HIGH),
    ]
    ev = b.evidence(b.stage("security", b.findings("security", "pip-audit", *items)))
    policy = (
        '[gate.s]\nmetric = "findings"\nmax = 0\n'
        '[[waiver]]\nfinding = "pip-audit:GHSA-*"\nowner = "o"\nreason = "unreachable"\nexpires = 2027-01-01\n'
    )
    verdict = b.judge(policy, ev)
    assert verdict.gates[0].observed == 1
    assert "1 waived" in verdict.gates[0].reason
    assert verdict.waivers[0].status == "used"
    assert verdict.waivers[0].matched == 1
    assert sorted(w for _, w in verdict.findings) == [False, True]


def test_expired_waiver_does_not_apply_and_blocks() -> None:
    ev = b.evidence(
        b.stage("security", b.findings("security", "pip-audit", b.finding("pip-audit", "GHSA-1")))
    )
    policy = (
        '[gate.s]\nmetric = "findings"\nmax = 5\n'
        '[[waiver]]\nfinding = "pip-audit:GHSA-1"\nowner = "o"\nreason = "r"\nexpires = 2026-11-24\n'
    )
    verdict = b.judge(policy, ev)
    assert verdict.gates[0].status is Status.PASS
    assert verdict.waivers[0].status == "expired"
    assert verdict.exit_code == 1
    assert any("expired on 2026-11-24" in note for note in verdict.notes)
    same_day = b.judge(policy, ev, today=dt.date(2026, 11, 24))
    assert same_day.exit_code == 0  # a waiver is valid through its expiry date


def test_unused_waiver_is_reported_not_blocking() -> None:
    ev = b.evidence(b.stage("lint", b.findings("lint", "ruff", counts={Count.FILES_LINTED: 1})))
    policy = (
        '[gate.l]\nmetric = "findings"\nmax = 0\n'
        '[[waiver]]\nfinding = "ruff:E501"\nowner = "o"\nreason = "r"\nexpires = 2027-01-01\n'
    )
    verdict = b.judge(policy, ev)
    assert verdict.exit_code == 0
    assert verdict.waivers[0].status == "unused"
    assert any("matched nothing" in note for note in verdict.notes)


def test_waived_evidence_problem_shows_not_run_never_pass() -> None:
    skipped = b.problem(
        "audit-incomplete", tool="pip-audit", kind=Kind.FINDINGS, subject="requests"
    )
    ev = b.evidence(b.stage("security", b.findings("security", "pip-audit"), problems=[skipped]))
    policy = (
        '[gate.s]\nmetric = "findings"\ntool = "pip-audit"\nmax = 0\n'
        '[[waiver]]\nevidence = "pip-audit:audit-incomplete"\nowner = "sec-team"\n'
        'reason = "no network on the build machine"\nexpires = 2027-01-01\n'
    )
    verdict = b.judge(policy, ev)
    gate = verdict.gates[0]
    assert gate.status is Status.WAIVED
    assert gate.reason.startswith("not run or incomplete, waived")
    assert "sec-team" in gate.reason
    assert verdict.exit_code == 0
    assert verdict.status is Status.WARN


def test_a_gate_passing_on_two_evidence_waivers_names_both_and_what_it_read() -> None:
    problems = [
        b.problem("audit-incomplete", tool="pip-audit", kind=Kind.FINDINGS, subject="requests"),
        b.problem("no-packages-audited", tool="pip-audit", kind=Kind.FINDINGS),
    ]
    ev = b.evidence(b.stage("security", b.findings("security", "pip-audit"), problems=problems))
    waiver = 'owner = "o"\nreason = "offline"\nexpires = 2027-01-01\n'
    policy = (
        '[gate.s]\nmetric = "findings"\ntool = "pip-audit"\nmax = 0\n'
        f'[[waiver]]\nevidence = "pip-audit:audit-incomplete"\n{waiver}'
        f'[[waiver]]\nevidence = "pip-audit:no-packages-audited"\n{waiver}'
    )
    gate = b.judge(policy, ev).gates[0]
    assert gate.status is Status.WAIVED
    assert "evidence pip-audit:audit-incomplete and 1 more waiver: offline" in gate.reason
    assert gate.reason.endswith("— what was read: 0 findings")
    assert " — 0 — " not in gate.reason


def test_evidence_waiver_by_subject_only_covers_that_subject() -> None:
    problems = [
        b.problem("audit-incomplete", tool="pip-audit", kind=Kind.FINDINGS, subject="requests"),
        b.problem("audit-incomplete", tool="pip-audit", kind=Kind.FINDINGS, subject="flask"),
    ]
    ev = b.evidence(b.stage("security", b.findings("security", "pip-audit"), problems=problems))
    policy = (
        '[gate.s]\nmetric = "findings"\nmax = 0\n'
        '[[waiver]]\nevidence = "pip-audit:audit-incomplete:requests"\nowner = "o"\nreason = "r"\n'
        "expires = 2027-01-01\n"
    )
    gate = b.judge(policy, ev).gates[0]
    assert gate.status is Status.ERROR
    assert len(gate.problems) == 1


def test_gate_waiver_turns_fail_into_waived() -> None:
    ev = b.evidence(b.stage("unit", b.junit("unit", passed=3, failed=1)))
    policy = (
        '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
        '[[waiver]]\ngate = "tests"\nowner = "o"\nreason = "known flake"\nexpires = 2027-01-01\n'
    )
    verdict = b.judge(policy, ev)
    assert verdict.gates[0].status is Status.WAIVED
    assert verdict.exit_code == 0


def test_tests_metrics_and_offenders() -> None:
    ev = b.evidence(
        b.stage("unit", b.junit("unit", passed=5, failed=1, error=1, skipped=2)),
        b.stage("integration", b.junit("integration", passed=2, failed=1)),
    )
    policy = (
        '[gate.failed]\nmetric = "tests.failed"\nmax = 0\n'
        '[gate.total]\nmetric = "tests.total"\nmin = 12\n'
        '[gate.skipped]\nmetric = "tests.skipped"\nmax = 1\n'
        '[gate.passed]\nmetric = "tests.passed"\nmin = 7\n'
    )
    verdict = b.judge(policy, ev)
    failed, total, skipped, passed = verdict.gates
    assert (failed.observed, total.observed, skipped.observed, passed.observed) == (3, 12, 2, 7)
    assert [g.status for g in verdict.gates] == [Status.FAIL, Status.PASS, Status.FAIL, Status.PASS]
    assert {o.label.split("::")[1].rsplit("_", 1)[0] for o in failed.offenders} == {
        "test_failed",
        "test_error",
    }
    assert failed.stages == ("unit", "integration")  # in evidence order (the loader sorts folders)
    assert dict(verdict.counts)[Count.TESTS_RUN] == 10


def test_patch_coverage_and_vacuous_diff() -> None:
    policy = '[gate.p]\nmetric = "coverage.patch_percent"\nmin = 90\n'
    good = b.evidence(b.stage("diff", b.patch("diff", 9, 1), b.numstat("diff", 12)))
    assert b.judge(policy, good).gates[0].status is Status.PASS
    vacuous = b.evidence(b.stage("diff", b.patch("diff", 0, 0), b.numstat("diff", 12)))
    gate = b.judge(policy, vacuous).gates[0]
    assert gate.status is Status.ERROR
    assert "measured 0 changed lines, but 12 Python lines" in gate.reason
    docs_only = b.evidence(b.stage("diff", b.patch("diff", 0, 0), b.numstat("diff", 0)))
    gate = b.judge(policy, docs_only).gates[0]
    assert gate.status is Status.PASS
    assert gate.observed is None
    assert "not applicable" in gate.reason
    unknown = b.evidence(b.stage("diff", b.patch("diff", 0, 0)))
    assert b.judge(policy, unknown).gates[0].status is Status.ERROR


@pytest.mark.parametrize(
    ("base", "status"),
    [("origin/main", Status.PASS), ("2.1.2", Status.ERROR), ("origin/dev", Status.ERROR)],
)
def test_patch_evidence_must_compare_with_the_policys_base(base: str, status: Status) -> None:
    policy = f'[gates]\nbase = "{base}"\n[gate.p]\nmetric = "coverage.patch_percent"\nmin = 90\n'
    ev = b.evidence(b.stage("diff", b.patch("diff", 9, 1), b.numstat("diff", 12)))
    gate = b.judge(policy, ev).gates[0]
    assert gate.status is status
    if status is Status.ERROR:
        assert gate.problems[0].slug == "wrong-base"
        assert "origin/main...HEAD" in gate.reason
        assert repr(base) in gate.reason


@pytest.mark.parametrize(
    ("diff", "base"),
    [
        ("origin/main...HEAD, staged and unstaged changes", "origin/main"),
        ("v1.2...HEAD", "v1.2"),
        ("main..feature", "main"),
        ("abc123", "abc123"),
    ],
)
def test_the_compared_base_is_read_from_either_tools_diff_name(diff: str, base: str) -> None:
    assert compared_with(diff) == base


def test_benchmark_regression_detected_and_noise_not() -> None:
    rng = random.Random(7)
    base = {
        "slow": [1.0 + rng.gauss(0, 0.01) for _ in range(40)],
        "same": [2.0 + rng.gauss(0, 0.02) for _ in range(40)],
    }
    head = {
        "slow": [1.2 + rng.gauss(0, 0.01) for _ in range(40)],
        "same": [2.0 + rng.gauss(0, 0.02) for _ in range(40)],
    }
    ev = b.evidence(
        b.stage("benchmark", b.bench("benchmark", "base", base), b.bench("benchmark", "head", head))
    )
    gate = b.judge('[gate.b]\nmetric = "benchmark.regressions"\nmax = 0\n', ev).gates[0]
    assert gate.observed == 1
    assert gate.status is Status.FAIL
    outcomes = {c.name: c.outcome for c in gate.comparisons}
    assert outcomes == {"slow": "regression", "same": "no-change"}
    assert gate.offenders == ()  # the comparisons say it all, with estimate and interval
    assert gate.reason.startswith("1 > 0 — stored baseline: 2 benchmarks compared")


def test_benchmarks_without_samples_or_base_block() -> None:
    only_head = b.evidence(b.stage("benchmark", b.bench("benchmark", "head", {"x": [1.0] * 10})))
    gate = b.judge('[gate.b]\nmetric = "benchmark.regressions"\nmax = 0\n', only_head).gates[0]
    assert gate.status is Status.ERROR
    assert "role 'base'" in gate.reason
    unsampled = b.evidence(
        b.stage(
            "benchmark",
            b.bench("benchmark", "base", {"x": []}),
            b.bench("benchmark", "head", {"x": [1.0]}),
        )
    )
    gate = b.judge('[gate.b]\nmetric = "benchmark.regressions"\nmax = 0\n', unsampled).gates[0]
    assert gate.status is Status.ERROR
    assert "--benchmark-save-data" in gate.problems[0].hint


def test_error_dominates_fail_in_exit_code() -> None:
    ev = b.evidence(b.stage("unit", b.junit("unit", passed=1, failed=1)))
    policy = '[gate.t]\nmetric = "tests.failed"\nmax = 0\n' + UNIT_90
    verdict = b.judge(policy, ev)
    assert [g.status for g in verdict.gates] == [Status.FAIL, Status.ERROR]
    assert verdict.exit_code == 3
    assert verdict.status is Status.ERROR


def test_stage_read_by_no_gate_is_noted() -> None:
    ev = b.evidence(
        b.stage("unit", b.junit("unit", passed=1)), b.stage("extra", b.junit("extra", passed=1))
    )
    verdict = b.judge('[gate.t]\nmetric = "tests.failed"\nstage = "unit"\nmax = 0\n', ev)
    assert any("'extra'" in note for note in verdict.notes)


# Bounds as precise as the figure (two decimals): coverage.py judges a bound with more
# decimals at that many (`should_fail_under`), so min = 90.5 can pass what min = 90.4978
# fails; gates does the same (tests/unit/test_covround.py), and this property holds
# among bounds judged at one precision.
bounds = st.decimals(min_value=0, max_value=100, places=2).map(float)


@given(st.integers(0, 1000), st.integers(0, 1000), bounds, bounds)
def test_raising_min_never_turns_fail_into_pass(
    hit: int, missed: int, low: float, high: float
) -> None:
    if hit + missed == 0:
        return
    low, high = sorted((low, high))
    ev = b.evidence(
        b.stage(
            "unit", b.coverage("unit", b.cov_file("a.py", range(hit), range(hit, hit + missed)))
        )
    )
    at_low = b.judge(f'[gate.c]\nmetric = "coverage.percent"\nmin = {low!r}\n', ev).gates[0].status
    at_high = (
        b.judge(f'[gate.c]\nmetric = "coverage.percent"\nmin = {high!r}\n', ev).gates[0].status
    )
    assert not (at_low is Status.FAIL and at_high is Status.PASS)


def test_a_stale_stage_taints_only_gates_reading_its_tools() -> None:
    stale = b.problem("stale-worktree")
    lint = b.findings("lint", "ruff", counts={Count.FILES_LINTED: 3})
    types = b.findings("type", "mypy", counts={Count.FILES_TYPE_CHECKED: 3})
    ev = b.evidence(b.stage("lint", lint, problems=[stale]), b.stage("type", types))
    policy = (
        '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
        '[gate.types]\nmetric = "findings"\ntool = "mypy"\nmax = 0\n'
        '[gate.all]\nmetric = "findings"\nmax = 0\n'
    )
    lint_gate, types_gate, all_gate = b.judge(policy, ev).gates
    assert lint_gate.status is Status.ERROR
    assert types_gate.status is Status.PASS
    assert types_gate.stages == ("type",)
    assert all_gate.status is Status.ERROR  # reads every findings stage, the stale one too


def _failed_stage(name: str, tool: str) -> StageEvidence:
    """A stage whose tool crashed before writing any report, as the loader sees it."""
    failed = replace(
        b.manifest(name), error=f"{tool} exited 4", tools=(ToolRun(tool, "1.0", (tool,), 4),)
    )
    problem = Problem(
        slug="stage-failed",
        path=f".gates/{name}/manifest.json",
        message="could not",
        hint="rerun it",
    )
    return StageEvidence(name, failed, (), (StageProblem(problem),))


def test_a_stage_that_failed_before_writing_evidence_blocks_the_gates_it_may_feed() -> None:
    ev = b.evidence(
        b.stage("unit", b.junit("unit", passed=3)), _failed_stage("integration", "pytest")
    )
    policy = (
        '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
        '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\non-missing = "warn"\n'
    )
    tests_gate, lint_gate = b.judge(policy, ev).gates
    assert tests_gate.status is Status.ERROR
    assert tests_gate.stages == ("unit", "integration")
    assert [p.slug for p in tests_gate.problems] == ["stage-failed"]
    assert lint_gate.status is Status.WARN  # it names ruff, which the failed stage never ran
    assert lint_gate.stages == ()


def test_a_failed_stage_blocks_only_the_kinds_its_tools_record() -> None:
    ev = b.evidence(b.stage("unit", b.junit("unit", passed=3)), _failed_stage("diff", "git"))
    policy = (
        '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
        '[gate.patch]\nmetric = "coverage.patch_percent"\nmin = 90\n'
    )
    tests_gate, patch_gate = b.judge(policy, ev).gates
    assert tests_gate.status is Status.PASS  # git records no test results
    assert patch_gate.status is Status.ERROR
    assert "stage-failed" in [p.slug for p in patch_gate.problems]


def test_counts_add_up_stages_but_not_two_reports_of_one_run() -> None:
    json_report = b.coverage("unit", b.cov_file("a.py", [1, 2, 3], [4]))
    xml_report = b.report("unit", "coverage.xml", "cobertura-xml", Kind.COVERAGE, json_report.data)
    other = b.coverage("integration", b.cov_file("a.py", [1], [2, 3, 4, 5, 6]))
    ev = b.evidence(b.stage("unit", json_report, xml_report), b.stage("integration", other))
    verdict = b.judge(UNIT_90, ev)
    assert dict(verdict.counts)[Count.STATEMENTS_MEASURED] == 6  # lines 1-6 of a.py, once each


def test_an_errored_gate_shows_no_value_and_a_failing_one_does() -> None:
    stale = b.problem("stale-commit")
    report = b.coverage("unit", b.cov_file("a.py", [1], [2]))
    errored = b.judge(UNIT_90, b.evidence(b.stage("unit", report, problems=[stale]))).gates[0]
    assert (errored.status, errored.observed) == (Status.ERROR, None)
    failing = b.judge(UNIT_90, b.evidence(b.stage("unit", report))).gates[0]
    assert (failing.status, failing.observed) == (Status.FAIL, 50.0)


def _numstat(*files: tuple[str, int]) -> PatchCoverage:
    return PatchCoverage(
        [PatchFile(path, [], [], added) for path, added in files],
        "origin/main...HEAD",
        sum(added for _, added in files),
    )


_NOTHING_MEASURED = PatchCoverage([], "origin/main...HEAD", 1)


@pytest.mark.parametrize(
    ("measured", "changes", "verdict"),
    [
        ({"pkg/a.py"}, [("pkg/a.py", 1)], "not applicable"),  # a docstring or comment changed
        ({"pkg/a.py"}, [("pkg/a.py", 2), ("pkg/gone.py", 0)], "not applicable"),  # and a deletion
        ({"pkg/b.py"}, [("pkg/a.py", 1)], "vacuous-diff"),  # a file coverage never saw
        (set(), [("pkg/a.py", 1)], "vacuous-diff"),  # no coverage to tell by
    ],
)
def test_zero_measured_lines_in_measured_files_are_comments_not_a_vacuous_diff(
    measured: set[str], changes: list[tuple[str, int]], verdict: str
) -> None:
    result = metrics.patch(
        [_NOTHING_MEASURED], [_numstat(*changes)], base="origin/main", measured_files=measured
    )
    if verdict == "not applicable":
        assert isinstance(result, NotApplicable)
        assert "no executable line" in result.reason
    else:
        assert isinstance(result, Unmeasured)
        assert [p.slug for p in result.problems] == ["vacuous-diff"]
        if measured:
            assert "coverage never measured pkg/a.py" in result.problems[0].message


def test_coverage_gates_can_read_only_the_package_files() -> None:
    report = b.coverage(
        "unit",
        b.cov_file("src/pkg/a.py", [1, 2, 3, 4], []),
        b.cov_file("tests/test_a.py", [1], [2, 3, 4, 5, 6, 7]),
        b.cov_file("noxfile.py", [], [1, 2]),
    )
    ev = b.evidence(b.stage("unit", report))
    whole = b.judge(UNIT_90, ev).gates[0]
    assert whole.status is Status.FAIL  # 5 of 13 statements
    package = b.judge(UNIT_90 + 'path = "src/pkg/*"\n', ev).gates[0]
    assert (package.status, package.observed) == (Status.PASS, 100.0)
    nothing = b.judge(UNIT_90 + 'path = "lib/*"\n', ev).gates[0]
    assert nothing.status is Status.ERROR
    assert "in files matching path = ['lib/*']" in nothing.reason
    # what coverage did measure is named, and where the choice of files is made
    assert "it measured 3 other files: src/pkg/a.py, tests/test_a.py, noxfile.py" in nothing.reason
    assert "[tool.coverage.run]" in nothing.problems[0].hint


def test_patch_coverage_can_read_only_the_package_files() -> None:
    diff = PatchCoverage(
        [PatchFile("src/pkg/a.py", [1, 2], []), PatchFile("noxfile.py", [], [1, 2, 3])],
        "origin/main...HEAD",
        5,
    )
    everything = metrics.patch([diff], [], base="origin/main")
    package = metrics.patch([diff], [], base="origin/main", paths=["src/*"])
    assert isinstance(everything, Measured)
    assert isinstance(package, Measured)
    assert (everything.value, package.value) == (40.0, 100.0)
