"""Which alerts a run raises: the ``[alert.<name>]`` rules against the dashboard's runs (pure).

The current run is the verdict; the runs before it are the base branch's
(:class:`gates.dashboard.model.Dashboard`). Each :class:`Alert` has a key,
``<rule>:<subject>``, that stays the same while its condition lasts, so the
state file (:mod:`gates.alerts.state`) sends it once:

* ``gate-red``: a gate failing or erroring on a run of the base branch that
  was not red in the run before (or whose run before is unknown);
* ``new-finding``: a finding at or above ``severity`` that no waiver covers
  (the key is the finding's tool, rule, file and message, not its line);
* ``regression``: a gate's value worse than the base run's by more than
  ``percent`` % of it ("worse": below a ``>=`` bound, above a ``<=`` one);
* ``expiring``: a waiver or quarantine expiring within ``days`` (or expired);
* ``new-flaky``: a test flaky in this run that no earlier run saw flaky.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import assert_never

from gates.dashboard.model import Dashboard, GateValue, Run
from gates.dashboard.sections import base_run, days_left
from gates.model.figures import format_value
from gates.model.reports import Severity
from gates.policy.alerts import AlertRule, When
from gates.untrusted.safetext import one_line

__all__ = ["Alert", "evaluate"]

_RED = ("fail", "error")


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """One alert: the rule that raised it, what about, and one line to read."""

    rule: str
    when: str
    subject: str
    message: str

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.subject}"


def evaluate(rules: tuple[AlertRule, ...], board: Dashboard, *, base_branch: str) -> list[Alert]:
    """Every alert the current run raises, in rule order, then subject order."""
    alerts: list[Alert] = []
    for rule in rules:
        wanted = rule.branch or (base_branch if rule.when is When.GATE_RED else "")
        if wanted and board.current.branch != wanted:
            continue
        found = {a.key: a for a in _raised(rule, board)}
        alerts.extend(found[key] for key in sorted(found))
    return alerts


def _raised(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    match rule.when:
        case When.GATE_RED:
            yield from _gate_red(rule, board)
        case When.NEW_FINDING:
            yield from _new_findings(rule, board)
        case When.REGRESSION:
            yield from _regressions(rule, board)
        case When.EXPIRING:
            yield from _expiring(rule, board)
        case When.NEW_FLAKY:
            yield from _new_flaky(rule, board)
        case _:
            assert_never(rule.when)


def _alert(rule: AlertRule, subject: str, message: str) -> Alert:
    text = f"{message} ({rule.description})" if rule.description else message
    return Alert(rule=rule.name, when=rule.when.value, subject=subject, message=one_line(text, 500))


def _gates(rule: AlertRule, run: Run) -> list[GateValue]:
    return [g for g in run.gates if not rule.gates or g.name in rule.gates]


def _previous(board: Dashboard) -> Run | None:
    return base_run(board)


def _gate_red(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    before = _previous(board)
    commit = board.current.commit[:12] or "?"
    for gate in _gates(rule, board.current):
        if gate.status not in _RED:
            continue
        earlier = before.gate(gate.name) if before is not None else None
        if earlier is not None and earlier.status in _RED:
            continue  # already red: not turning red
        was = f"was {earlier.status}" if earlier is not None else "earlier status unknown"
        yield _alert(
            rule,
            gate.name,
            f"gate {gate.name} turned {gate.status} on {board.current.branch} at {commit} ({was})",
        )


def _new_findings(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    for finding in board.current.findings:
        if finding.waived or Severity.from_label(finding.severity) < rule.severity:
            continue
        where = f"{finding.path}:{finding.line}" if finding.path else "no file"
        identity = "\0".join((finding.tool, finding.rule, finding.path, finding.message))
        digest = hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:16]
        yield _alert(
            rule,
            f"{finding.tool}:{finding.rule}:{digest}",
            f"{finding.severity} finding {finding.tool} {finding.rule} at {where}: {finding.message}",
        )


def _worse(gate: GateValue, now: float, then: float) -> float:
    """How much worse ``now`` is than ``then``, in % of ``then`` (0 or less: not worse)."""
    lower_is_worse = ">=" in gate.bound and "<=" not in gate.bound
    change = (then - now) if lower_is_worse else (now - then)
    if change <= 0:
        return 0.0
    return float("inf") if then == 0 else change / abs(then) * 100


def _regressions(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    before = _previous(board)
    if before is None:
        return
    for gate in _gates(rule, board.current):
        earlier = before.gate(gate.name)
        if gate.value is None or earlier is None or earlier.value is None:
            continue
        worse = _worse(gate, gate.value, earlier.value)
        if worse > rule.percent:
            shown = "from zero" if worse == float("inf") else f"{worse:.1f} % worse"
            yield _alert(
                rule,
                gate.name,
                f"gate {gate.name} went from {format_value(gate.metric, earlier.value)} to "
                f"{format_value(gate.metric, gate.value)} ({shown}, more than {rule.percent:g} %)",
            )


def _expiring(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    today = dt.date.fromisoformat(board.today)
    for item in board.current.expiring:
        left = days_left(item.expires, today)
        if left is None or left > rule.days:
            continue
        when = f"expired {-left} days ago" if left < 0 else f"expires in {left} days"
        owner = item.owner or "no owner"
        yield _alert(
            rule,
            f"{item.kind}:{item.target}:{item.expires}",
            f"{item.kind} {item.target} ({owner}) {when}, on {item.expires}",
        )


def _new_flaky(rule: AlertRule, board: Dashboard) -> Iterator[Alert]:
    if board.current.tests is None:
        return
    seen = {t for run in board.history if run.tests is not None for t in run.tests.flaky}
    for test in board.current.tests.flaky:
        if test not in seen:
            yield _alert(
                rule, test, f"test {test} is newly flaky: it failed, then passed on a rerun"
            )
