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
   (:mod:`gates.covround`).
3. A FAIL or ERROR covered by a live gate waiver -> WAIVED.
4. A PASS that needed an evidence waiver -> WAIVED, never PASS: evidence that
   was not there is shown as "not run", not as clean.

An expired waiver covers nothing and fails the verdict by itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from gates import benchmetric, covmetric, covround, metrics
from gates.baseline.marks import pick
from gates.benchmetric import RoleRun
from gates.evidence import Evidence, LoadedReport, StageEvidence
from gates.metrics import Measurement
from gates.model import (
    Count,
    CoverageData,
    Finding,
    GateResult,
    Problem,
    Status,
    Verdict,
    WaiverResult,
)
from gates.policy import GateSpec, Policy, Waiver
from gates.problems import group_problems
from gates.stages import STAGES
from gates.tools import KNOWN_TOOLS, kinds_of
from gates.vocabulary import Kind
from gates.waivers import WaiverBook

__all__ = ["evaluate", "show_value"]


@dataclass(frozen=True, slots=True)
class _Selection:
    stages: tuple[StageEvidence, ...]
    reports: tuple[LoadedReport, ...]
    problems: tuple[tuple[Problem, str, str], ...]  # (problem, tool, stage)


@dataclass(frozen=True, slots=True)
class _Findings:
    kept: dict[str, list[Finding]]  # report path -> findings no waiver covers
    waived: dict[str, list[Finding]]


def evaluate(policy: Policy, evidence: Evidence, *, today: dt.date) -> Verdict:
    """Judge ``evidence`` against ``policy`` on ``today``."""
    book = WaiverBook(policy.waivers, today=today)
    split = _split_findings(evidence, book)
    base = policy.settings.base
    results = tuple(_judge(gate, evidence, book, split, base) for gate in policy.gates)
    waivers = tuple(_waiver_result(w, book, today) for w in policy.waivers)
    status, code = _overall(results, waivers)
    return Verdict(
        status=status,
        exit_code=code,
        gates=results,
        waivers=waivers,
        counts=_counts(evidence),
        findings=_all_findings(split),
        stages=tuple(
            (s.name, s.manifest.commit, s.manifest.dirty) for s in evidence.stages if s.manifest
        ),
        notes=_notes(policy, evidence, results, waivers),
        policy=policy.source,
    )


# ---------------------------------------------------------------- selection


def _select(gate: GateSpec, evidence: Evidence) -> _Selection:
    kind = gate.metric.kind
    problems: list[tuple[Problem, str, str]] = []
    if gate.stages:
        stages = []
        for name in gate.stages:
            stage = evidence.stage(name)
            if stage is None:
                problems.append((_missing_stage(name, evidence), "", name))
            else:
                stages.append(stage)
    else:
        stages = [s for s in evidence.stages if _relevant(s, gate)]
    reports = [
        r for s in stages for r in s.reports if r.kind is kind and _tool_wanted(gate, r.entry.tool)
    ]
    for stage in stages:
        problems.extend(
            (p.problem, p.tool, stage.name)
            for p in stage.problems
            if (p.kind is None or p.kind is kind) and (not p.tool or _tool_wanted(gate, p.tool))
        )
    problems.extend(_missing_tools(gate, stages, reports, evidence.folder))
    return _Selection(tuple(stages), tuple(reports), tuple(problems))


def _relevant(stage: StageEvidence, gate: GateSpec) -> bool:
    """Whether a stage holds (or was meant to hold) evidence for ``gate``.

    A stage without a manifest may have held anything. Otherwise it must hold
    evidence of the gate's kind (from one of the gate's tools, when it names
    some), so that a stale lint stage does not taint a gate that reads only
    mypy. A stage that failed before writing any such evidence may have been
    meant to: it counts for the gates its tools' evidence feeds (a crashed
    pytest blocks test and coverage gates, a crashed git only patch coverage).
    """
    if stage.manifest is None:
        return True
    wanted = set(gate.tools)
    tools = stage.tools(gate.metric.kind)
    if tools:
        return not wanted or bool(tools & wanted)
    if stage.manifest.error:
        ran = {run.name for run in stage.manifest.tools} | set(stage.unstarted_tools)
        if wanted:
            return bool(ran & wanted)
        return not ran or any(gate.metric.kind in kinds_of(name) for name in ran)
    return False


def _tool_wanted(gate: GateSpec, tool: str) -> bool:
    return not gate.tools or tool in gate.tools


def _missing_stage(name: str, evidence: Evidence) -> Problem:
    folder = evidence.folder
    held = ", ".join(stage.name for stage in evidence.stages) or "no stage"
    hint = f"run the stage: `nox -s {name}`"
    if name not in STAGES:
        hint += f" (or, if no stage is named {name!r}, fix the gate's `stage`)"
    return Problem(
        "missing-evidence",
        f"{folder}/{name}",
        f"no evidence: the stage folder {folder}/{name}/ does not exist ({folder}/ holds {held})",
        hint,
        name,
    )


def _missing_tools(
    gate: GateSpec, stages: Sequence[StageEvidence], reports: Sequence[LoadedReport], folder: str
) -> list[tuple[Problem, str, str]]:
    kind = gate.metric.kind
    if gate.stages and not stages:
        return []  # each missing stage is already a problem
    if gate.tools:
        present = {tool for s in stages for tool in s.tools(kind)}
        wanted = [tool for tool in gate.tools if tool not in present]
    else:
        wanted = [] if reports or any(s.tools(kind) for s in stages) else [_KIND_TOOL[kind]]
    where = ", ".join(f"{folder}/{s.name}/" for s in stages) if stages else f"{folder}/"
    recorded = sorted({tool for s in stages for tool in s.tools(kind)})
    held = f" (its {kind.value} evidence is from {', '.join(recorded)})" if recorded else ""
    return [
        (
            Problem(
                "missing-evidence", where, f"holds no {tool} evidence{held}", _run_it(tool), tool
            ),
            tool,
            "",
        )
        for tool in wanted
    ]


def _run_it(tool: str) -> str:
    """The next step for a tool without evidence: run it, or record it if gates does not know it."""
    if tool in KNOWN_TOOLS:
        return 'run the stage that runs it (see `nox -l`), or set on-missing = "warn"'
    return (
        f"gates does not know {tool}: record its report in a stage, as SARIF for a scanner "
        f"(`gates run STAGE --tool {tool} --report sarif=FILE -- ...`), or fix the gate's `tool`"
    )


_KIND_TOOL = {
    Kind.COVERAGE: "coverage",
    Kind.PATCH: "diff-cover",
    Kind.TESTS: "pytest",
    Kind.FINDINGS: "any linter or scanner",
    Kind.BENCHMARKS: "pytest-benchmark",
}


# ---------------------------------------------------------------- judging


def _judge(
    gate: GateSpec, evidence: Evidence, book: WaiverBook, split: _Findings, base: str
) -> GateResult:
    selection = _select(gate, evidence)
    open_problems, waived_by = _waive_problems(selection, book)
    measure = _measure(gate, selection, split, base, evidence)
    precision = _precision(gate, measure)
    known = {problem.slug for problem, _, _ in selection.problems}  # a reader said it first
    extra = [
        (_located(p, gate, selection, evidence.folder), p.subject, "")
        for p in measure.problems
        if p.slug not in known
    ]
    more_open, more_waived = _waive_problems(_Selection((), (), tuple(extra)), book)
    open_problems += more_open
    waived_by += more_waived
    status, reason = _status(gate, measure, open_problems, waived_by, precision=precision)
    gate_waiver = book.gate(gate.name) if status.blocks else None
    if gate_waiver is not None:
        status, reason = (
            Status.WAIVED,
            f"{reason} (waived: {gate_waiver.reason}, until {gate_waiver.expires})",
        )
    return GateResult(
        name=gate.name,
        metric=gate.metric.name,
        status=status,
        level=gate.level,
        # an errored gate's value is untrusted: shown as n/a, never as a number beside an error
        observed=measure.value if selection.reports and status is not Status.ERROR else None,
        bound=gate.bound,
        reason=reason,
        stages=tuple(s.name for s in selection.stages),
        evidence=tuple(sorted({r.path for r in selection.reports})),
        offenders=measure.offenders if status is not Status.PASS else (),
        offenders_total=measure.offenders_total if status is not Status.PASS else 0,
        problems=tuple(open_problems),
        waivers=tuple(
            sorted({w.label for w in [*waived_by, *([gate_waiver] if gate_waiver else [])]})
        ),
        reproduce=_reproduce(gate, selection),
        comparisons=measure.comparisons,
        precision=precision,
    )


def _precision(gate: GateSpec, measure: Measurement) -> int | None:
    """A coverage.py percentage's decimals: the project's, or as many as a bound has."""
    if measure.precision is None:
        return None
    bounds = [bound for bound in (gate.min, gate.max) if bound is not None]
    return max(
        (covround.bound_precision(b, measure.precision) for b in bounds),
        default=measure.precision,
    )


def _located(problem: Problem, gate: GateSpec, selection: _Selection, folder: str) -> Problem:
    """A problem found while measuring names the evidence it was measured from (or lacked)."""
    if problem.path:
        return problem
    paths = sorted({r.path for r in selection.reports}) or [
        f"{folder}/{name}/" for name in gate.stages or [s.name for s in selection.stages]
    ]
    return problem._replace(path=", ".join(paths) or f"{folder}/")


def _reproduce(gate: GateSpec, selection: _Selection) -> str:
    ran = {s.name for s in selection.stages}
    commands = dict.fromkeys(s.reproduce for s in selection.stages)
    commands.update(dict.fromkeys(f"nox -s {name}" for name in gate.stages if name not in ran))
    return " && ".join(commands) or "nox -s gates"


def _waive_problems(selection: _Selection, book: WaiverBook) -> tuple[list[Problem], list[Waiver]]:
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
        missing_only = all(p.slug == "missing-evidence" for p in problems)
        soft = gate.level == "warn" or (missing_only and gate.on_missing == "warn")
        return (Status.WARN if soft else Status.ERROR), f"{groups[0].describe(names=3)}{more}"
    if measure.value is None:
        reason = measure.not_applicable or measure.summary or "nothing measured"
        return _waived_or(Status.PASS, reason, waived, read=measure.summary)
    failed = _outside(gate, measure.value, measure.precision)
    if failed is None:
        shown = show_value(gate.metric.name, measure.value, precision)
        return _waived_or(Status.PASS, f"{shown} — {measure.summary}", waived, read=measure.summary)
    status = Status.WARN if gate.level == "warn" else Status.FAIL
    return status, f"{failed} — {measure.summary}"


def _outside(gate: GateSpec, value: float, precision: int | None) -> str | None:
    """``"89.99 % < 90"`` when ``value`` is outside the gate's bounds, else None.

    A coverage.py percentage (``precision`` given: the project's) is judged as
    ``coverage report --fail-under`` judges it, and shown as its failure
    message shows it; any other value is compared exactly.
    """
    metric = gate.metric.name
    if gate.min is not None:
        if precision is not None and covround.below_min(value, gate.min, precision):
            return (
                f"{covround.display_failed(value, gate.min, precision)} % < {_bound_text(gate.min)}"
            )
        if precision is None and value < gate.min:
            return f"{show_value(metric, value)} < {_bound_text(gate.min)}"
    if gate.max is not None:
        if precision is not None and covround.over_max(value, gate.max, precision):
            return (
                f"{covround.display_failed(value, gate.max, precision)} % > {_bound_text(gate.max)}"
            )
        if precision is None and value > gate.max:
            return f"{show_value(metric, value)} > {_bound_text(gate.max)}"
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


def show_value(metric: str, value: float, precision: int | None = None) -> str:
    """A value as the reason shows it: the table's figure (:func:`covround.value_text`) and a unit.

    Whole numbers are grouped by thousands (``1,200``).
    """
    if metric.endswith("percent"):
        return f"{covround.value_text(metric, value, precision)} %"
    return f"{int(value):,}" if value.is_integer() else covround.value_text(metric, value, None)


# ---------------------------------------------------------------- measuring


def _measure(
    gate: GateSpec,
    selection: _Selection,
    split: _Findings,
    compare_base: str,
    evidence: Evidence,
) -> Measurement:
    kind = gate.metric.kind
    reports = selection.reports
    if kind is Kind.COVERAGE:
        datas = _coverage_per_stage(reports)
        if not datas:
            return Measurement(None, "no coverage data")
        measure = covmetric.coverage(gate.metric.name, datas, paths=gate.paths)
        checks = _coverage_checks(reports)
        return replace(measure, problems=(*checks, *measure.problems)) if checks else measure
    if kind is Kind.PATCH:
        diffs = [
            r.data.patch
            for r in reports
            if r.data.patch is not None and r.entry.format != "git-numstat"
        ]
        numstat = [
            r.data.patch
            for r in reports
            if r.data.patch is not None and r.entry.format == "git-numstat"
        ]
        return metrics.patch(
            diffs,
            numstat,
            base=compare_base,
            measured_files=_measured_files(evidence),
            paths=gate.paths,
        )
    if kind is Kind.TESTS:
        return metrics.tests(
            gate.metric.name,
            [r.data.tests for r in reports if r.data.tests is not None],
            tallies=[r.data.tally for r in reports if r.data.tally is not None],
        )
    if kind is Kind.FINDINGS:
        kept = metrics.select_findings(
            gate, (f for r in reports for f in split.kept.get(r.path, ()))
        )
        waived = metrics.select_findings(
            gate, (f for r in reports for f in split.waived.get(r.path, ()))
        )
        picked = pick(kept, evidence.marks, new=gate.new, changed=gate.changed)
        measure = metrics.findings(picked.findings, len(waived))
        return replace(measure, summary=measure.summary + picked.summary, problems=picked.problems)
    runs = [
        RoleRun(r.stage, r.entry.path, r.entry.role, r.data.benchmarks)
        for r in reports
        if r.data.benchmarks is not None
    ]
    return benchmetric.measure(runs, slowdown=gate.slowdown)


def _coverage_checks(reports: Sequence[LoadedReport]) -> list[Problem]:
    """Each stage's ``coverage report`` TOTAL against what gates computes from its JSON."""
    json = {r.stage: r.data.coverage for r in reports if r.entry.format == "coverage-json"}
    problems = []
    for report in reports:
        total, data = report.data.coverage_total, json.get(report.stage)
        if total is not None and data is not None:
            problem = covmetric.mismatch(data, total, where=report.path)
            problems += [problem] if problem else []
    return problems


def _measured_files(evidence: Evidence) -> set[str]:
    """Every file a coverage report of any stage measured (a statement, run or not)."""
    return {
        item.path
        for stage in evidence.stages
        for report in stage.reports
        if report.data.coverage is not None
        for item in report.data.coverage.files
        if item.executed or item.missing
    }


def _coverage_per_stage(reports: Iterable[LoadedReport]) -> list[CoverageData]:
    """One coverage data set per stage; coverage JSON is preferred to Cobertura when a stage has both."""
    chosen: dict[str, tuple[bool, CoverageData]] = {}
    for report in reports:
        data = report.data.coverage
        if data is None:
            continue
        is_json = report.entry.format == "coverage-json"
        prior = chosen.get(report.stage)
        if prior is None or (is_json and not prior[0]):
            chosen[report.stage] = (is_json, data)
    return [chosen[stage][1] for stage in sorted(chosen)]


# ---------------------------------------------------------------- verdict-wide


def _split_findings(evidence: Evidence, book: WaiverBook) -> _Findings:
    kept: dict[str, list[Finding]] = {}
    waived: dict[str, list[Finding]] = {}
    for stage in evidence.stages:
        for report in stage.reports:
            if report.data.findings:
                kept[report.path], waived[report.path] = book.split_findings(report.data.findings)
    return _Findings(kept, waived)


def _all_findings(split: _Findings) -> tuple[tuple[Finding, bool], ...]:
    rows = [(f, False) for fs in split.kept.values() for f in fs]
    rows += [(f, True) for fs in split.waived.values() for f in fs]
    rows.sort(
        key=lambda row: (row[0].tool, row[0].path, row[0].line, row[0].rule, row[0].message, row[1])
    )
    return tuple(rows)


def _counts(evidence: Evidence) -> tuple[tuple[Count, int], ...]:
    """Completeness counts, summed over stages and tools.

    Within one stage, reports of one tool that count the same thing (the
    coverage JSON and Cobertura XML of one pytest run) measured it once: the
    larger figure counts, not the sum. Statements measured by several stages
    count once each.
    """
    per_tool: dict[tuple[str, str, Count], int] = {}
    for stage in evidence.stages:
        for report in stage.reports:
            for count, value in report.data.counts.items():
                key = (stage.name, report.entry.tool, count)
                per_tool[key] = max(per_tool.get(key, 0), value)
    total: Counter[Count] = Counter()
    for (_, _, count), value in per_tool.items():
        total[count] += value
    covering = _coverage_per_stage(r for s in evidence.stages for r in s.reports)
    if len(covering) > 1:  # unit and integration measure the same statements: count each once
        total[Count.STATEMENTS_MEASURED] = _distinct_statements(covering)
    return tuple((count, total[count]) for count in Count if count in total)


def _distinct_statements(datas: Sequence[CoverageData]) -> int:
    lines: dict[str, set[int]] = {}
    for data in datas:
        for item in data.files:
            seen = lines.setdefault(item.path, set())
            seen.update(item.executed)
            seen.update(item.missing)
    return sum(len(seen) for seen in lines.values())


def _waiver_result(waiver: Waiver, book: WaiverBook, today: dt.date) -> WaiverResult:
    matched = book.used[waiver.index]
    status = "expired" if waiver.expires < today else ("used" if matched else "unused")
    return WaiverResult(
        waiver.label, waiver.owner, waiver.reason, waiver.expires.isoformat(), status, matched
    )


def _overall(results: Sequence[GateResult], waivers: Sequence[WaiverResult]) -> tuple[Status, int]:
    if any(r.status is Status.ERROR for r in results):
        return Status.ERROR, 3
    if any(r.status is Status.FAIL for r in results) or any(w.status == "expired" for w in waivers):
        return Status.FAIL, 1
    if any(r.status in (Status.WARN, Status.WAIVED) for r in results):
        return Status.WARN, 0
    return Status.PASS, 0


def _notes(
    policy: Policy,
    evidence: Evidence,
    results: Sequence[GateResult],
    waivers: Sequence[WaiverResult],
) -> tuple[str, ...]:
    notes = []
    for waiver, result in zip(policy.waivers, waivers, strict=True):
        if result.status == "expired":
            notes.append(
                f"waiver[{waiver.index}] ({waiver.label}) expired on {waiver.expires}: "
                "it blocks until it is renewed or removed"
            )
        elif result.status == "unused":
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
