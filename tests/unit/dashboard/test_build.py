"""A verdict or a record -> a Run, and the figures the page draws of them."""

from __future__ import annotations

import json
from dataclasses import replace

from gates.dashboard.build import (
    change,
    flaky_tests,
    run_from_record,
    run_from_verdict,
    series,
    summarize_tests,
    with_own_tests,
)
from gates.dashboard.model import Dashboard, Run
from gates.history.model import RecordedTest
from gates.history.parse import parse_record
from tests.unit.dashboard._fixtures import commit, gate_run, record
from tests.unit.outputs._verdicts import COMMIT, mixed


def test_a_verdict_gives_its_gates_security_waivers_and_benchmarks() -> None:
    run = run_from_verdict(mixed(), source="v.json", date="2026-12-01T00:00:00Z")
    assert run.commit == COMMIT
    assert run.status == "error"
    coverage = run.gate("unit-coverage")
    assert coverage is not None
    assert (coverage.value, coverage.unit) == (89.994, "%")
    patch = run.gate("patch-coverage")
    assert patch is not None
    assert patch.value is None  # no evidence: unknown, never 0
    assert run.tests is None  # a verdict does not list its tests
    assert run.security is not None
    by_tool = {(f.tool, f.severity): (f.total, f.waived) for f in run.security.findings}
    assert by_tool[("pip-audit", "high")] == (1, 1)
    assert by_tool[("semgrep", "critical")] == (1, 0)
    assert [f.severity for f in run.security.findings if f.tool == "bandit"] == ["high", "info"]
    assert (run.security.packages_audited, run.security.packages_skipped) == (31, 0)
    assert next((w.target, w.expires, w.status) for w in run.expiring) == (
        "finding pip-audit:GHSA-h4gh-qq45-vh27",
        "2027-01-31",
        "used",
    )
    assert run.benchmarks is not None
    assert len(run.benchmarks) == 3


def test_a_record_gives_its_measured_values_and_tests() -> None:
    document = record(
        3,
        tests=[
            ("t::slow", "passed", 2.5, 0),
            ("t::flip", "passed", 0.1, 1),
            ("t::bad", "failed", 1.0, 0),
        ],
    )
    parsed = parse_record(json.dumps(document).encode(), path="r.json", commit=commit(3))
    run = run_from_record(parsed, source="r.json")
    assert run.commit == commit(3)
    assert run.tests is not None
    assert run.tests.count == 3
    assert run.tests.total_seconds == 3.6
    assert [t.id for t in run.tests.slowest] == ["t::slow", "t::bad", "t::flip"]
    assert run.tests.flaky == ("unit::t::flip",)
    assert run.tests.failed == ("unit::t::bad",)


def test_a_gate_against_the_base_trends_its_own_value_not_the_difference() -> None:
    document = record(1)
    gates = document["gates"]
    assert isinstance(gates, list)
    gates[0].update({"metric": "coverage.delta", "value": -0.5, "measured": 89.5, "base": 90.0})
    parsed = parse_record(json.dumps(document).encode(), path="r.json", commit=commit(1))
    gate = run_from_record(parsed, source="r.json").gate("unit-coverage")
    assert gate is not None
    assert gate.value == 89.5


def test_series_and_change_say_unknown_as_none() -> None:
    runs = [
        gate_run(1, {"a": 80.0}),
        gate_run(2, {}),
        gate_run(3, {"a": None}),
        gate_run(4, {"a": 82.0}),
    ]
    assert series(runs, "a") == [80.0, None, None, 82.0]
    assert change(82.0, 80.0) == 2.0
    assert change(82.0, None) is None
    assert change(None, 80.0) is None


def test_slowest_keeps_fifteen_slowest_first() -> None:
    tests = [RecordedTest("unit", f"t{i}", "passed", float(i), 0) for i in range(40)]
    figures = summarize_tests(tests)
    assert [t.seconds for t in figures.slowest] == [float(i) for i in range(39, 24, -1)]


def _with_tests(number: int, *, failed: tuple[str, ...] = (), flaky: tuple[str, ...] = ()) -> Run:
    run = gate_run(number, {"a": 1.0})
    rows = [RecordedTest("unit", t, "failed", 1.0, 0) for t in failed]
    rows += [RecordedTest("unit", t, "passed", 1.0, 1) for t in flaky]
    rows.append(RecordedTest("unit", "steady", "passed", 1.0, 0))
    return replace(run, tests=summarize_tests(rows))


def test_flaky_from_reruns_and_from_flips_on_one_commit_counted_once_per_commit() -> None:
    first = _with_tests(1, failed=("flip",))
    rerun = _with_tests(1)  # the same commit, run again: it passed
    later = _with_tests(2, flaky=("rerun",))
    broken = _with_tests(3, failed=("broken",))  # failed once, on its only run: not flaky
    current = _with_tests(4, flaky=("rerun",))
    board = Dashboard(current=current, history=(first, rerun, later, broken), today="2026-12-01")
    found = {(f.test, f.runs, f.last_commit) for f in flaky_tests(board)}
    assert found == {("unit::rerun", 2, commit(4)), ("unit::flip", 1, commit(1))}


def test_the_current_run_takes_the_tests_of_its_own_record() -> None:
    current = gate_run(5, {"a": 1.0})
    own = _with_tests(5, failed=("x",))
    other = _with_tests(4)
    assert with_own_tests(current, [other]).tests is None
    assert with_own_tests(current, [other, own]).tests == own.tests
