"""Ratchets judged against a base history built in memory (pure): the edges written down."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace

from gates.catalog.metrics import Kind
from gates.history.model import BaseEntry, BaseHistory, GateRecord, RecordedTest, RunRecord
from gates.judge.evaluate import evaluate
from gates.model.reports import Outcome, Problem, ReportData
from gates.model.reports import TestCase as Case  # not "Test*": pytest would collect it
from gates.model.stage import LoadedReport
from gates.model.verdict import Status, Verdict
from gates.policy.load import parse_policy
from tests.unit._build import TODAY, cov_file, coverage, evidence, junit, report, stage

BASE = "c" * 40
POLICY = """
[gate.no-drop]
metric = "coverage.delta"
stage = "unit"
min = -0.5

[gate.removed]
metric = "tests.removed"
stage = "unit"
max = 0

[gate.slower]
metric = "tests.duration_delta"
stage = "unit"
max = 50

[gate.failures]
metric = "tests.failed"
stage = "unit"
vs = "base"
max = 0
"""


def _record(
    *, coverage_value: float, tests: int, failed: int = 0, seconds: float = 0.01
) -> RunRecord:
    return RunRecord(
        run_id="1",
        commit=BASE,
        parent="",
        branch="main",
        recorded="2026-11-24T00:00:00Z",
        gates_version="0.1.0",
        policy="gates.toml",
        policy_sha256="",
        status="pass",
        exit_code=0,
        gates=(
            GateRecord(
                name="no-drop",
                metric="coverage.delta",
                status="pass",
                value=0.0,
                measured=coverage_value,
                base=coverage_value,
                bound=">= -0.5",
                stages=("unit",),
            ),
            GateRecord(
                name="failures",
                metric="tests.failed",
                status="pass",
                value=0.0,
                measured=float(failed),
                base=float(failed),
                bound="<= 0",
                stages=("unit",),
            ),
        ),
        counts={},
        tests=tuple(
            RecordedTest("unit", f"tests.test_x::test_passed_{i}", "passed", seconds, 0)
            for i in range(tests)
        ),
        tools=(),
    )


def _history(*records: RunRecord | None, corrupt: tuple[Problem, ...] = ()) -> BaseHistory:
    return BaseHistory(
        base="main",
        merge_base=BASE,
        entries=tuple(
            BaseEntry(commit=f"{i:x}" * 40, record=r, corrupt=corrupt)
            for i, r in enumerate(records)
        ),
    )


def _judge(history: BaseHistory, *, executed: int = 9, passed: int = 3, failed: int = 0) -> Verdict:
    ev = evidence(
        stage(
            "unit",
            coverage("unit", cov_file("a.py", list(range(executed)), list(range(10 - executed)))),
            junit("unit", passed=passed, failed=failed),
        )
    )
    policy = parse_policy(tomllib.loads(POLICY))
    return evaluate(policy, ev, today=TODAY, history=history)


def _status(verdict: Verdict) -> dict[str, Status]:
    return {gate.name: gate.status for gate in verdict.gates}


def test_no_change_against_the_base_passes_every_ratchet() -> None:
    verdict = _judge(_history(_record(coverage_value=90.0, tests=3, seconds=0.01)))
    assert set(_status(verdict).values()) == {Status.PASS}
    gate = verdict.gates[0]
    assert (gate.observed, gate.measured, gate.base) == (0.0, 90.0, 90.0)


def test_exactly_at_the_tolerance_passes_and_beyond_fails() -> None:
    at = _judge(_history(_record(coverage_value=90.5, tests=3)))
    assert at.gates[0].status is Status.PASS  # -0.5 >= -0.5
    beyond = _judge(_history(_record(coverage_value=90.6, tests=3)))
    assert beyond.gates[0].status is Status.FAIL
    assert "on main at" in beyond.gates[0].reason


def test_a_drop_above_any_absolute_minimum_still_fails() -> None:
    verdict = _judge(_history(_record(coverage_value=100.0, tests=3)), executed=9)
    assert verdict.gates[0].observed == -10.0 and verdict.gates[0].status is Status.FAIL


def test_removed_tests_are_named() -> None:
    verdict = _judge(_history(_record(coverage_value=90.0, tests=5)))
    removed = verdict.gates[1]
    assert removed.status is Status.FAIL and removed.observed == 2
    assert [o.label for o in removed.offenders] == [
        "tests/test_x.py::test_passed_3",  # by pytest's node id, whatever report said it
        "tests/test_x.py::test_passed_4",
    ]


def test_a_base_recorded_from_junit_and_a_run_read_from_the_report_log_have_the_same_tests() -> (
    None
):
    node_ids = [
        Case(f"tests/test_x.py::test_passed_{i}", Outcome.PASSED, "", "tests/test_x.py", 1, 0.01)
        for i in range(3)
    ]
    policy = parse_policy(tomllib.loads('[gate.r]\nmetric = "tests.removed"\nmax = 0\n'))
    base = _history(_record(coverage_value=90.0, tests=3))  # tests.test_x::test_passed_0 ...
    ev = evidence(stage("unit", report_of("unit", node_ids)))
    verdict = evaluate(policy, ev, today=TODAY, history=base)
    assert (verdict.gates[0].status, verdict.gates[0].observed) == (Status.PASS, 0)


def test_duration_against_the_median_of_the_last_runs() -> None:
    # three base runs of 3 tests: 0.015 s, 0.03 s, 0.3 s in total; median 0.03; now 0.03
    runs = [_record(coverage_value=90.0, tests=3, seconds=s) for s in (0.005, 0.01, 0.1)]
    verdict = _judge(_history(*runs))
    slower = verdict.gates[2]
    assert slower.observed is not None and abs(slower.observed) < 1e-9
    assert slower.base is not None and abs(slower.base - 0.03) < 1e-9
    faster_base = _judge(_history(*[_record(coverage_value=90.0, tests=3, seconds=0.005)] * 3))
    assert faster_base.gates[2].status is Status.FAIL  # 0.03 against 0.015: +100 %


def test_vs_base_judges_the_difference() -> None:
    verdict = _judge(_history(_record(coverage_value=90.0, tests=3, failed=0)), failed=1)
    failures = verdict.gates[3]
    assert failures.status is Status.FAIL and failures.observed == 1
    same = _judge(_history(_record(coverage_value=90.0, tests=3, failed=1)), failed=1)
    assert same.gates[3].status is Status.PASS


def test_no_history_is_unknown_and_follows_on_missing() -> None:
    verdict = _judge(BaseHistory(base="main", unknown="no history branch 'gates-history'"))
    assert set(_status(verdict).values()) == {Status.ERROR}
    assert all(g.problems[0].slug == "no-base-history" for g in verdict.gates)
    assert verdict.gates[0].measured == 90.0  # still recorded: the next run has a base
    warned = evaluate(
        parse_policy(
            tomllib.loads(POLICY.replace("min = -0.5", 'min = -0.5\non-missing = "warn"'))
        ),
        evidence(
            stage("unit", coverage("unit", cov_file("a.py", [1], [])), junit("unit", passed=1))
        ),
        today=TODAY,
        history=BaseHistory(base="main", unknown="none"),
    )
    assert warned.gates[0].status is Status.WARN


def test_a_corrupt_nearest_record_blocks_and_is_noted() -> None:
    problem = Problem(slug="history-corrupt", path="runs/x.json", message="bad", hint="fix it")
    verdict = _judge(_history(None, _record(coverage_value=90.0, tests=3), corrupt=(problem,)))
    assert verdict.gates[0].status is Status.ERROR
    assert verdict.gates[0].problems[0].slug == "history-corrupt"
    assert any("runs/x.json" in note for note in verdict.notes)


def test_a_plain_verdict_reads_no_history() -> None:
    assert dt.date(2026, 1, 1) < TODAY  # the default history is UNKNOWN, and unused
    plain = evaluate(
        parse_policy(tomllib.loads('[gate.c]\nmetric = "coverage.percent"\nmin = 1\n')),
        evidence(stage("unit", coverage("unit", cov_file("a.py", [1], [])))),
        today=TODAY,
    )
    assert plain.gates[0].status is Status.PASS and plain.notes == ()


def test_a_flaky_test_is_new_unless_the_base_saw_it_flaky() -> None:
    flaky = Case("tests.test_x::test_f", Outcome.PASSED, "", "tests/test_x.py", 1, 0.1, 1)
    steady = Case("tests.test_x::test_s", Outcome.PASSED, "", "tests/test_x.py", 2, 0.1, 0)
    report = report_of("unit", [flaky, steady])
    policy = parse_policy(tomllib.loads('[gate.n]\nmetric = "tests.new_flaky"\nmax = 0\n'))
    base = _record(coverage_value=90.0, tests=0)
    new = evaluate(policy, evidence(stage("unit", report)), today=TODAY, history=_history(base))
    assert (new.gates[0].status, new.gates[0].observed) == (Status.FAIL, 1)
    assert [o.label for o in new.gates[0].offenders] == ["tests.test_x::test_f"]
    seen = replace(base, tests=(RecordedTest("unit", "tests.test_x::test_f", "passed", 0.1, 2),))
    known = evaluate(policy, evidence(stage("unit", report)), today=TODAY, history=_history(seen))
    assert (known.gates[0].status, known.gates[0].observed) == (Status.PASS, 0)


def report_of(stage_name: str, cases: list[Case]) -> LoadedReport:
    data = ReportData(tool="pytest", tests=cases)
    return report(stage_name, "junit.xml", "junit-xml", Kind.TESTS, data)
