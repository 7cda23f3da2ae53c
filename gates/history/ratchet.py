"""Ratchets: a gate's value against the base branch's recorded one (pure).

* a gate on a metric ``of`` another (``coverage.delta``: ``coverage.percent``)
  or with ``vs = "base"``: the value judged is the metric's value now minus the
  one the nearest recorded commit of the base branch has;
* ``tests.removed``: tests the base's record holds that no longer exist (by canonical id:
  a JUnit id and the report-log's node id of one test are one test);
* ``tests.duration_delta``: the total test time against the median of the
  base's last :data:`DURATION_RUNS` recorded runs, in percent;
* ``tests.new_flaky``: flaky now and in none of those runs (by canonical id);
* ``tests.flip_suspects``: :mod:`gates.history.flips`.

No history, or a nearest record that is corrupt, is never "no regression": the
gate is :class:`Unmeasured` with ``no-base-history`` (it follows ``on-missing``)
or ``history-corrupt`` (it blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from gates.catalog.metrics import METRICS
from gates.history.flips import flip_suspects
from gates.history.model import BaseHistory, GateRecord, RunRecord, median
from gates.model.figures import count, format_value
from gates.model.measurement import Measured, Measurement, Unmeasured
from gates.model.reports import Problem, TestCase
from gates.model.testids import canonical_test_id
from gates.model.verdict import Offender
from gates.policy.load import GateSpec

__all__ = [
    "DURATION_RUNS",
    "against_base",
    "base_record",
    "history_notes",
    "tests_against_base",
]

_MAX_OFFENDERS: Final = 1000  # as gates.kinds.shared keeps (imported here, it would be a cycle)
DURATION_RUNS: Final = 5  # base runs whose median total duration a run is compared with
_HINT: Final = (
    "record base-branch runs with `gates history record` (the reusable workflow does on "
    "pushes to the base branch) and fetch the history branch; see docs/history.md"
)


def base_record(history: BaseHistory) -> RunRecord | Unmeasured:
    """The nearest trusted record of the base branch, or why there is none."""
    entry = history.nearest
    if history.unknown or entry is None:
        return _unknown(history.unknown or "no record of the base branch")
    if entry.record is None:
        problems = history.nearest.corrupt if history.nearest else ()
        if problems:
            return Unmeasured(problems=(problems[0], *problems[1:]), summary="trend unknown")
        return _unknown(f"no trusted record of {entry.commit[:12]}")
    return entry.record


def against_base(gate: GateSpec, measure: Measurement, history: BaseHistory) -> Measurement:
    """The measured value of ``gate`` minus the base's: for ``coverage.delta``, ``vs = "base"``."""
    if not isinstance(measure, Measured):
        return measure  # not applicable, or its own problems: they decide
    metric = gate.metric.of or gate.metric.name
    known = None if measure.problems else measure.value
    record = base_record(history)
    if isinstance(record, Unmeasured):
        return replace(record, measured=known)
    found = _base_gate(record, gate, metric)
    if found is None or found.measured is None:
        return _unknown(
            f"the base's record ({_where(history)}) has no value of {metric} for gate "
            f"{gate.name!r}",
            measured=known,
        )
    now, then = measure.value, found.measured
    return Measured(
        value=now - then,
        summary=f"{format_value(metric, now)} now, {format_value(metric, then)} on "
        f"{_where(history)}; {measure.summary}",
        offenders=measure.offenders,
        offenders_total=measure.offenders_total,
        problems=measure.problems,
        measured=now,
        base=then,
    )


def tests_against_base(
    gate: GateSpec, cases: Sequence[TestCase], history: BaseHistory
) -> Measurement:
    """``tests.removed``, ``tests.new_flaky``, ``tests.flip_suspects`` (:mod:`gates.history.flips`)
    or ``tests.duration_delta`` of the selected test cases."""
    record = base_record(history)
    if isinstance(record, Unmeasured):
        return record
    if gate.metric.name == "tests.flip_suspects":
        return flip_suspects(history, gate.stages)
    if gate.metric.name == "tests.removed":
        return _removed(gate, cases, record, history)
    if gate.metric.name == "tests.new_flaky":
        return _new_flaky(gate, cases, history)
    return _duration(gate, cases, history)


def _new_flaky(gate: GateSpec, cases: Sequence[TestCase], history: BaseHistory) -> Measurement:
    """Flaky now, and flaky in none of the base's last recorded runs."""
    known = {
        canonical_test_id(t.id)
        for r in history.records(DURATION_RUNS)
        for t in r.tests_of(gate.stages)
        if t.flaky
    }
    new = [case for case in cases if case.flaky and canonical_test_id(case.id) not in known]
    offenders = [
        Offender(
            path=case.path,
            line=case.line,
            label=case.id,
            detail=f"passed after {count(case.reruns, 'failed attempt')}; not flaky on the base",
        )
        for case in new
    ]
    return Measured(
        value=float(len(new)),
        summary=f"{count(len(new), 'new flaky test')}; "
        f"{count(len(known), 'test')} flaky in the base's last runs",
        offenders=tuple(offenders[:_MAX_OFFENDERS]),
        offenders_total=len(offenders),
    )


def _removed(
    gate: GateSpec, cases: Sequence[TestCase], record: RunRecord, history: BaseHistory
) -> Measurement:
    before = {canonical_test_id(t.id) for t in record.tests_of(gate.stages)}
    if not before:
        return _unknown(f"the base's record ({_where(history)}) holds no test of {_of(gate)}")
    gone = sorted(before - {canonical_test_id(case.id) for case in cases})
    offenders = [Offender(path="", line=0, label=name, detail="on the base, gone") for name in gone]
    return Measured(
        value=float(len(gone)),
        summary=f"{count(len(gone), 'test')} of the base's {len(before):,} gone "
        f"({_where(history)})",
        offenders=tuple(offenders[:_MAX_OFFENDERS]),
        offenders_total=len(offenders),
    )


def _duration(gate: GateSpec, cases: Sequence[TestCase], history: BaseHistory) -> Measurement:
    totals = [
        sum(t.duration for t in tests)
        for record in history.records(DURATION_RUNS)
        if (tests := record.tests_of(gate.stages))
    ]
    if not totals or median(totals) <= 0:
        return _unknown(f"no recorded run of the base branch timed {_of(gate)}")
    now, typical = sum(case.time for case in cases), median(totals)
    return Measured(
        value=(now - typical) / typical * 100,
        summary=f"{now:.2f} s now, median {typical:.2f} s of the base's last "
        f"{count(len(totals), 'run')} timed",
        measured=now,
        base=typical,
    )


def history_notes(gates: Sequence[GateSpec], history: BaseHistory) -> tuple[str, ...]:
    """The verdict's notes: each history record a gate against the base could not trust."""
    if not any(gate.against_base for gate in gates):
        return ()
    return tuple(
        f"history: {problem.describe()}: not trusted (docs/history.md)"
        for problem in history.corrupt
    )


def _base_gate(record: RunRecord, gate: GateSpec, metric: str) -> GateRecord | None:
    """The base's value of ``metric``: the same gate's, else a gate of it on the same stages."""
    same = record.gate(gate.name)
    if same is not None and _measures(same) == metric and same.measured is not None:
        return same
    if metric == "findings":  # its filters are not recorded: only the same gate says
        return None
    return next(
        (
            g
            for g in record.gates
            if _measures(g) == metric and g.stages == gate.stages and g.measured is not None
        ),
        None,
    )


def _measures(gate: GateRecord) -> str:
    known = METRICS.get(gate.metric)
    return known.of or known.name if known is not None else gate.metric


def _where(history: BaseHistory) -> str:
    entry = history.nearest
    if entry is None:
        return history.base
    newer = f", {count(history.skipped, 'newer commit')} unrecorded" if history.skipped else ""
    return f"{history.base} at {entry.commit[:12]}{newer}"


def _of(gate: GateSpec) -> str:
    return f"stage {', '.join(gate.stages)}" if gate.stages else "any stage"


def _unknown(why: str, *, measured: float | None = None) -> Unmeasured:
    return Unmeasured(
        measured=measured,
        problems=(
            Problem(
                slug="no-base-history",
                path="",
                message=f"trend unknown: {why}",
                hint=_HINT,
                subject="history",
            ),
        ),
        summary="trend unknown",
    )
