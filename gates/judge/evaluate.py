"""Policy + evidence -> verdict. Pure: no I/O, ``today`` is a parameter.

For each gate: select the stages and reports it reads; gather the problems
that taint them; let waivers cover what they name; measure; compare with the
bound. The rules, in order:

1. Problems left after waivers (missing, stale, incomplete evidence) -> ERROR
   (exit 3), or WARN when the gate's ``level`` is "warn"; missing evidence
   follows ``on-missing``.
2. Otherwise the observed value against ``min``/``max`` (inclusive bounds)
   -> PASS or FAIL (WARN at level "warn"). Counts and diff-cover's patch
   coverage compare exactly; a coverage.py percentage is rounded to the
   project's precision first, as ``coverage report --fail-under`` does
   (:mod:`gates.model.covround`).
3. A FAIL or ERROR covered by a live gate waiver -> WAIVED.
4. A PASS that needed an evidence waiver -> WAIVED, never PASS: evidence that
   was not there is shown as "not run", not as clean.

An expired waiver covers nothing and fails the verdict by itself.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from operator import attrgetter
from typing import assert_never

from gates.catalog.counts import Count
from gates.catalog.metrics import METRICS, Kind
from gates.errors import ExitCode
from gates.history.model import UNKNOWN, BaseHistory
from gates.history.ratchet import against_base, history_notes
from gates.judge.problems import group_problems
from gates.judge.selection import Selection, select
from gates.kinds import MeasureContext, Registry, evidence_kind
from gates.model import covround
from gates.model.figures import format_value
from gates.model.measurement import Measured, Measurement, NotApplicable, Unmeasured
from gates.model.reports import Finding, Problem
from gates.model.stage import Evidence
from gates.model.verdict import GateResult, Level, Status, Verdict, WaiverResult, WaiverStatus
from gates.policy.load import GateSpec, Policy
from gates.policy.quarantine import expired_quarantine, live, quarantine_notes
from gates.policy.waivers import Waiver, WaiverBook

__all__ = ["evaluate"]


def evaluate(
    policy: Policy,
    evidence: Evidence,
    *,
    today: dt.date,
    kinds: Registry = evidence_kind,
    history: BaseHistory = UNKNOWN,
) -> Verdict:
    """Judge ``evidence`` against ``policy`` on ``today``.

    ``kinds`` gives the module of each kind of evidence (:mod:`gates.kinds`);
    ``history`` the base branch's recorded runs, which the gates against the
    base read (:mod:`gates.history`).
    """
    book = WaiverBook(policy.waivers, today=today)
    context = replace(
        _context(evidence, book, base=policy.settings.base),
        history=history,
        quarantine=live(policy.quarantine, today),
        quarantined=len(policy.quarantine),
    )
    results = tuple(_judge(gate, evidence, book, context, kinds) for gate in policy.gates)
    waivers = tuple(_waiver_result(w, book, today) for w in policy.waivers)
    status, code = _overall(results, waivers)
    if status is not Status.ERROR and expired_quarantine(policy.quarantine, today):
        status, code = Status.FAIL, ExitCode.FAIL
    return Verdict(
        status=status,
        exit_code=code,
        gates=results,
        waivers=waivers,
        counts=_counts(evidence, kinds),
        findings=_all_findings(context),
        stages=tuple(
            (s.name, s.manifest.commit, s.manifest.dirty) for s in evidence.stages if s.manifest
        ),
        notes=(
            *_notes(policy, evidence, results, waivers),
            *quarantine_notes(policy.quarantine, today),
            *history_notes(policy.gates, history),
        ),
        policy=policy.source,
    )


# ---------------------------------------------------------------- selection


# ---------------------------------------------------------------- judging


def _judge(
    gate: GateSpec,
    evidence: Evidence,
    book: WaiverBook,
    context: MeasureContext,
    kinds: Registry,
) -> GateResult:
    selection = select(gate, evidence, kinds)
    open_problems, waived_by = _waive_problems(selection, book)
    measure = _measure(gate, selection, context, kinds)
    measured = measure if isinstance(measure, Measured) else None
    precision = _precision(gate, measured)
    known = {problem.slug for problem, _, _ in selection.problems}  # a reader said it first
    extra = [
        (_located(p, gate, selection, evidence.folder), p.subject, "")
        for p in measure.problems
        if p.slug not in known
    ]
    more_open, more_waived = _waive_problems(Selection((), (), tuple(extra)), book)
    open_problems += more_open
    waived_by += more_waived
    status, reason = _status(gate, measure, open_problems, waived_by, precision=precision)
    gate_waiver = book.gate(gate.name) if status.blocks else None
    if gate_waiver is not None:
        status, reason = (
            Status.WAIVED,
            f"{reason} (waived: {gate_waiver.reason}, until {gate_waiver.expires})",
        )
    shown = measured is not None and status is not Status.PASS
    return GateResult(
        name=gate.name,
        metric=gate.metric.name,
        status=status,
        level=gate.level,
        # an errored gate's value is untrusted: shown as n/a, never as a number beside an error
        observed=measured.value
        if measured is not None and selection.reports and status is not Status.ERROR
        else None,
        bound=gate.bound,
        reason=reason,
        stages=tuple(s.name for s in selection.stages),
        evidence=tuple(sorted({r.path for r in selection.reports})),
        offenders=measured.offenders if shown and measured is not None else (),
        offenders_total=measured.offenders_total if shown and measured is not None else 0,
        problems=tuple(open_problems),
        waivers=tuple(
            sorted({w.label for w in [*waived_by, *([gate_waiver] if gate_waiver else [])]})
        ),
        reproduce=_reproduce(gate, selection),
        comparisons=measured.comparisons if measured is not None else (),
        precision=precision,
        measured=measure.measured if isinstance(measure, Measured | Unmeasured) else None,
        base=measured.base if measured is not None else None,
    )


def _precision(gate: GateSpec, measure: Measured | None) -> int | None:
    """A coverage.py percentage's decimals: the project's, or as many as a bound has."""
    return _precision_of(gate, measure.precision if measure is not None else None)


def _precision_of(gate: GateSpec, precision: int | None) -> int | None:
    if precision is None:
        return None
    bounds = [bound for bound in (gate.min, gate.max) if bound is not None]
    return max((covround.bound_precision(b, precision) for b in bounds), default=precision)


def _located(problem: Problem, gate: GateSpec, selection: Selection, folder: str) -> Problem:
    """A problem found while measuring names the evidence it was measured from (or lacked)."""
    if problem.path:
        return problem
    paths = sorted({r.path for r in selection.reports}) or [
        f"{folder}/{name}/" for name in gate.stages or [s.name for s in selection.stages]
    ]
    return replace(problem, path=", ".join(paths) or f"{folder}/")


def _reproduce(gate: GateSpec, selection: Selection) -> str:
    ran = {s.name for s in selection.stages}
    commands = dict.fromkeys(s.reproduce for s in selection.stages)
    commands.update(dict.fromkeys(f"nox -s {name}" for name in gate.stages if name not in ran))
    return " && ".join(commands) or "nox -s gates"


def _waive_problems(selection: Selection, book: WaiverBook) -> tuple[list[Problem], list[Waiver]]:
    open_problems: list[Problem] = []
    waived: list[Waiver] = []
    for problem, tool, stage in selection.problems:
        waiver = book.evidence(problem, tool=tool or problem.subject, stage=stage)
        if waiver is None:
            open_problems.append(problem)
        else:
            waived.append(waiver)
    return open_problems, waived


def _status(
    gate: GateSpec,
    measure: Measurement,
    problems: Sequence[Problem],
    waived: Sequence[Waiver],
    *,
    precision: int | None,
) -> tuple[Status, str]:
    if problems:
        groups = group_problems(problems)  # an offline pip-audit's packages: one line
        more = f" (+{len(problems) - groups[0].size} more)" if len(groups) > 1 else ""
        missing_only = all(p.slug in _MISSING for p in problems)
        soft = gate.level is Level.WARN or (missing_only and gate.on_missing is Level.WARN)
        return (Status.WARN if soft else Status.ERROR), f"{groups[0].describe(names=3)}{more}"
    match measure:
        case Measured(value=value, summary=summary, precision=decimals):
            failed = _outside(gate, value, decimals)
            if failed is None:
                shown = format_value(gate.metric.name, value, precision)
                return _waived_or(Status.PASS, f"{shown} — {summary}", waived, read=summary)
            status = Status.WARN if gate.level is Level.WARN else Status.FAIL
            return status, f"{failed} — {summary}"
        case NotApplicable(reason=reason, summary=summary):
            return _waived_or(Status.PASS, reason, waived, read=summary)
        case Unmeasured(summary=summary):
            if not waived:  # cannot be: its problems are open, or waived (fail closed all the same)
                return Status.ERROR, summary or "nothing measured"
            return _waived_or(Status.PASS, summary, waived, read=summary)
        case _:
            assert_never(measure)


# what ``on-missing`` decides: evidence that is not there, or a base without history
_MISSING = frozenset({"missing-evidence", "no-base-history"})


def _outside(gate: GateSpec, value: float, precision: int | None) -> str | None:
    """``"89.99% < 90"`` when ``value`` is outside the gate's bounds, else None.

    A coverage.py percentage (``precision`` given: the project's) is judged as
    ``coverage report --fail-under`` judges it; any other value is compared
    exactly. The value reads as the verdict's table shows it (``shown``: at
    the gate's precision).
    """
    shown = format_value(gate.metric.name, value, _precision_of(gate, precision))
    if gate.min is not None:
        if precision is not None and covround.below_min(value, gate.min, precision):
            return f"{shown} < {_bound_text(gate.min)}"
        if precision is None and value < gate.min:
            return f"{shown} < {_bound_text(gate.min)}"
    if gate.max is not None:
        if precision is not None and covround.over_max(value, gate.max, precision):
            return f"{shown} > {_bound_text(gate.max)}"
        if precision is None and value > gate.max:
            return f"{shown} > {_bound_text(gate.max)}"
    return None


def _waived_or(
    status: Status, reason: str, waived: Sequence[Waiver], *, read: str
) -> tuple[Status, str]:
    """A pass that needed an evidence waiver is "not run", never a pass, and says by whom."""
    if not waived:
        return status, reason
    first = waived[0]
    others = len({w.index for w in waived}) - 1
    more = f" and {others} more waiver{'s' if others > 1 else ''}" if others > 0 else ""
    why = f"{first.label}{more}: {first.reason}; owner {first.owner}, until {first.expires}"
    partial = f" — what was read: {read}" if read else ""
    return Status.WAIVED, f"not run or incomplete, waived ({why}){partial}"


def _bound_text(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value.is_integer() else f"{value:g}"


# ---------------------------------------------------------------- measuring


def _measure(
    gate: GateSpec, selection: Selection, context: MeasureContext, kinds: Registry
) -> Measurement:
    """The kind's measurement of the gate; one that says neither a value nor a problem blocks.

    A gate against the base (``coverage.delta``, ``vs = "base"``) measures its
    metric, then :func:`gates.history.ratchet.against_base` takes the base's away.
    """
    measured_gate = replace(gate, metric=METRICS[gate.metric.of]) if gate.metric.of else gate
    measure = kinds(gate.metric.kind).measure(measured_gate, selection.reports, context)
    if gate.metric.of or gate.vs_base:
        measure = against_base(gate, measure, context.history)
    match measure:
        case Measured():
            return measure
        case NotApplicable(reason=reason) if reason:
            return measure
        case Unmeasured(problems=problems) if _any(problems):
            return measure
        case _:  # a kind that measured nothing, and did not say why: never a pass
            return Unmeasured(problems=(_nothing_measured(gate),))


def _any(problems: Sequence[Problem]) -> bool:
    return bool(problems)


def _nothing_measured(gate: GateSpec) -> Problem:
    kind = gate.metric.kind.value
    return Problem(
        slug="nothing-measured",
        path="",
        message=f"the {kind} evidence gave {gate.metric.name} no value, and no reason why",
        hint=f"a bug of gates' {kind} kind of evidence: report it with the stage's reports",
    )


# ---------------------------------------------------------------- verdict-wide


def _context(evidence: Evidence, book: WaiverBook, *, base: str) -> MeasureContext:
    """What every gate may read: the evidence, the base, every finding split by the waivers once."""
    kept: dict[str, list[Finding]] = {}
    waived: dict[str, list[Finding]] = {}
    for stage in evidence.stages:
        for report in stage.reports:
            if report.data.findings:
                kept[report.path], waived[report.path] = book.split_findings(report.data.findings)
    return MeasureContext(evidence=evidence, base=base, kept=kept, waived=waived)


_READING_ORDER = attrgetter("tool", "path", "line", "rule", "message")


def _all_findings(context: MeasureContext) -> tuple[tuple[Finding, bool], ...]:
    """Every finding, and whether a waiver covers it, in reading order (tool, path, line, ...).

    The two lists are sorted apart (a C key, no Python call per finding) and
    merged; of two findings that read alike the unwaived one comes first.
    """
    kept = sorted((f for fs in context.kept.values() for f in fs), key=_READING_ORDER)
    waived = sorted((f for fs in context.waived.values() for f in fs), key=_READING_ORDER)
    unwaived = [(finding, False) for finding in kept]
    if not waived:
        return tuple(unwaived)
    rows = heapq.merge(
        unwaived,
        [(finding, True) for finding in waived],
        key=lambda row: (_READING_ORDER(row[0]), row[1]),
    )
    return tuple(rows)


def _counts(evidence: Evidence, kinds: Registry) -> tuple[tuple[Count, int], ...]:
    """Completeness counts: what each kind of evidence counts, summed."""
    total: Counter[Count] = Counter()
    for kind in Kind:
        reports = [r for s in evidence.stages for r in s.reports if r.kind is kind]
        total.update(kinds(kind).counts(reports))
    return tuple((count, total[count]) for count in Count if count in total)


def _waiver_result(waiver: Waiver, book: WaiverBook, today: dt.date) -> WaiverResult:
    matched = book.used[waiver.index]
    status = (
        WaiverStatus.EXPIRED
        if waiver.expires < today
        else (WaiverStatus.USED if matched else WaiverStatus.UNUSED)
    )
    return WaiverResult(
        target=waiver.label,
        owner=waiver.owner,
        reason=waiver.reason,
        expires=waiver.expires.isoformat(),
        status=status,
        matched=matched,
    )


def _overall(
    results: Sequence[GateResult], waivers: Sequence[WaiverResult]
) -> tuple[Status, ExitCode]:
    if any(r.status is Status.ERROR for r in results):
        return Status.ERROR, ExitCode.EVIDENCE
    expired = any(w.status is WaiverStatus.EXPIRED for w in waivers)
    if expired or any(r.status is Status.FAIL for r in results):
        return Status.FAIL, ExitCode.FAIL
    if any(r.status in (Status.WARN, Status.WAIVED) for r in results):
        return Status.WARN, ExitCode.PASS
    return Status.PASS, ExitCode.PASS


def _notes(
    policy: Policy,
    evidence: Evidence,
    results: Sequence[GateResult],
    waivers: Sequence[WaiverResult],
) -> tuple[str, ...]:
    notes = []
    for waiver, result in zip(policy.waivers, waivers, strict=True):
        if result.status is WaiverStatus.EXPIRED:
            notes.append(
                f"waiver[{waiver.index}] ({waiver.label}) expired on {waiver.expires}: "
                "it blocks until it is renewed or removed"
            )
        elif result.status is WaiverStatus.UNUSED:
            notes.append(f"waiver[{waiver.index}] ({waiver.label}) matched nothing: remove it")
    read = {stage for r in results for stage in r.stages}
    notes.extend(
        f"stage {stage.name!r} ({evidence.folder}/{stage.name}/) is read by no gate"
        for stage in evidence.stages
        if stage.name not in read
    )
    if not evidence.stages:
        notes.append(
            f"no evidence at all under {evidence.folder}/: run the stages first (`nox -s gates`)"
        )
    return tuple(notes)
