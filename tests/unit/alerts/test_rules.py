"""Which alerts a run raises, rule by rule, against the runs before it."""

from __future__ import annotations

from dataclasses import replace

from gates.alerts.rules import evaluate
from gates.dashboard.build import summarize_tests
from gates.dashboard.model import Dashboard, Expiring, ExpiringKind, FindingRow, GateValue, Run
from gates.history.model import RecordedTest
from gates.model.reports import Severity
from gates.policy.alerts import AlertRule, When
from tests.unit.dashboard._fixtures import gate_run


def _gate(name: str, status: str, value: float | None, bound: str = ">= 80") -> GateValue:
    return GateValue(
        name=name, metric="coverage.percent", status=status, value=value, bound=bound, unit="%"
    )


def _run(number: int, *gates: GateValue, branch: str = "main") -> Run:
    return replace(gate_run(number, {}), gates=gates, branch=branch)


def _board(current: Run, *history: Run) -> Dashboard:
    return Dashboard(current=current, history=history, today="2026-12-01")


def _keys(rule: AlertRule, board: Dashboard) -> list[str]:
    return [a.key for a in evaluate((rule,), board, base_branch="main")]


RED = AlertRule(name="red", when=When.GATE_RED)


def test_a_gate_turning_red_on_the_base_branch() -> None:
    before = _run(1, _gate("cov", "pass", 91), _gate("lint", "fail", 3, "<= 0"))
    now = _run(2, _gate("cov", "fail", 79), _gate("lint", "fail", 4, "<= 0"))
    assert _keys(RED, _board(now, before)) == ["red:cov"]  # lint was red already


def test_red_without_a_run_before_is_turning_red() -> None:
    assert _keys(RED, _board(_run(2, _gate("cov", "error", None)))) == ["red:cov"]


def test_red_off_the_base_branch_is_no_alert_unless_the_rule_names_the_branch() -> None:
    now = _run(2, _gate("cov", "fail", 79), branch="feature")
    assert _keys(RED, _board(now)) == []
    assert _keys(replace(RED, branch="feature"), _board(now)) == ["red:cov"]


def test_gates_narrow_a_rule() -> None:
    now = _run(2, _gate("cov", "fail", 79), _gate("other", "fail", 1))
    assert _keys(replace(RED, gates=("other",)), _board(now)) == ["red:other"]


REGRESSION = AlertRule(name="drop", when=When.REGRESSION, percent=5)


def test_a_regression_beyond_the_percent_in_the_bad_direction() -> None:
    before = _run(1, _gate("cov", "pass", 90), _gate("fails", "pass", 2, "<= 10"))
    small = _run(2, _gate("cov", "pass", 86), _gate("fails", "pass", 2.09, "<= 10"))
    big = _run(3, _gate("cov", "pass", 85), _gate("fails", "pass", 3, "<= 10"))
    better = _run(4, _gate("cov", "pass", 99), _gate("fails", "pass", 0, "<= 10"))
    assert _keys(REGRESSION, _board(small, before)) == []  # 4.4 % and 4.5 %: not more than 5
    assert _keys(REGRESSION, _board(big, before)) == ["drop:cov", "drop:fails"]
    assert _keys(REGRESSION, _board(better, before)) == []


def test_a_regression_from_zero_and_with_unknown_values() -> None:
    before = _run(1, _gate("fails", "pass", 0, "<= 10"), _gate("cov", "pass", None))
    now = _run(2, _gate("fails", "pass", 1, "<= 10"), _gate("cov", "pass", 10))
    assert _keys(REGRESSION, _board(now, before)) == ["drop:fails"]
    assert _keys(REGRESSION, _board(now)) == []  # no base: nothing to regress from


def _finding(severity: str, *, waived: bool = False, line: int = 3) -> FindingRow:
    return FindingRow(
        tool="bandit",
        rule="B602",
        severity=severity,
        path="app.py",
        line=line,
        message="shell",
        waived=waived,
    )


def test_new_findings_at_or_above_the_severity_not_waived_keyed_without_the_line() -> None:
    rule = AlertRule(name="crit", when=When.NEW_FINDING, severity=Severity.HIGH)
    now = replace(
        _run(2), findings=(_finding("critical"), _finding("high", waived=True), _finding("medium"))
    )
    keys = _keys(rule, _board(now))
    assert len(keys) == 1
    moved = replace(_run(3), findings=(_finding("critical", line=40),))
    assert _keys(rule, _board(moved)) == keys  # the same finding, moved: the same alert


def test_expiring_within_the_days_and_expired() -> None:
    def item(expires: str) -> Expiring:
        return Expiring(
            kind=ExpiringKind.QUARANTINE,
            target=f"t-{expires}",
            owner="",
            reason="r",
            expires=expires,
            status="used",
        )

    now = replace(
        _run(2),
        expiring=(item("2026-12-10"), item("2026-12-31"), item("2026-11-01"), item("never")),
    )
    rule = AlertRule(name="soon", when=When.EXPIRING, days=14)
    assert _keys(rule, _board(now)) == [
        "soon:quarantine:t-2026-11-01:2026-11-01",
        "soon:quarantine:t-2026-12-10:2026-12-10",
    ]


def test_a_newly_flaky_test() -> None:
    def with_flaky(number: int, *flaky: str) -> Run:
        tests = [RecordedTest("unit", t, "passed", 1.0, 1) for t in flaky]
        return replace(_run(number), tests=summarize_tests(tests))

    rule = AlertRule(name="flaky", when=When.NEW_FLAKY)
    board = _board(with_flaky(3, "old", "new"), with_flaky(1, "old"), _run(2))
    assert _keys(rule, board) == ["flaky:unit::new"]
    assert _keys(rule, _board(_run(3))) == []  # tests unknown: nothing said
