"""The coverage metrics, as coverage.py counts them (pure).

``coverage.percent`` (statements), ``coverage.branch_percent`` (branches) and
``coverage.total_percent`` (statements and branches together: the TOTAL that
``coverage report`` prints when branches are measured) of one stage, or of
several combined the way ``coverage combine`` combines their data: per file,
the union of the executed lines and arcs.

Counts follow coverage.py's ``Numbers``: a file's branches are coverage.py's
count (``summary.num_branches``), and the covered ones are those minus the
missing arcs, so a branch that a ``partial_branches`` pragma excuses counts as
covered here too. The value is the same float coverage.py computes; it is
shown and judged at the project's precision (:mod:`gates.model.covround`).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds import coverage_problems
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import MAX_OFFENDERS, in_paths, line_ranges, tally_counts
from gates.model.covround import display_covered, effective_precision, percent
from gates.model.figures import format_value
from gates.model.measurement import Measured, Measurement, Unmeasured
from gates.model.reports import CoverageData, CoverageTotal, FileCoverage, Problem
from gates.model.stage import LoadedReport
from gates.model.verdict import Offender
from gates.policy.load import GateSpec
from gates.readers.coverage import coverage_json

__all__ = [
    "EXPECTED_TOOL",
    "KIND",
    "Figures",
    "counts",
    "coverage",
    "dedupe",
    "measure",
    "mismatch",
    "precision_of",
]

KIND: Final = Kind.COVERAGE
EXPECTED_TOOL: Final = "coverage"

_STATEMENTS = "coverage.percent"
_BRANCHES = "coverage.branch_percent"
_TOTAL = "coverage.total_percent"


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """One coverage data set per stage, in stage order: its coverage JSON rather than its Cobertura XML.

    A stage's text report (``coverage report``) holds no data set: it is
    checked against the JSON (:func:`mismatch`), never measured.
    """
    chosen: dict[str, LoadedReport] = {}
    for report in reports:
        if report.data.coverage is None:
            continue
        prior = chosen.get(report.stage)
        if prior is None or (_is_json(report) and not _is_json(prior)):
            chosen[report.stage] = report
    return [chosen[stage] for stage in sorted(chosen)]


def _is_json(report: LoadedReport) -> bool:
    return report.entry.format == coverage_json.FORMAT


def _datas(reports: Sequence[LoadedReport]) -> list[CoverageData]:
    return [report.data.coverage for report in dedupe(reports) if report.data.coverage is not None]


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """Statements measured; those that several stages measured count once each."""
    total = dict(tally_counts(reports))
    datas = _datas(reports)
    if len(datas) > 1:  # unit and integration measure the same statements: count each once
        total[Count.STATEMENTS_MEASURED] = _distinct_statements(datas)
    return total


def _distinct_statements(datas: Sequence[CoverageData]) -> int:
    lines: dict[str, set[int]] = {}
    for data in datas:
        for item in data.files:
            seen = lines.setdefault(item.path, set())
            seen.update(item.executed)
            seen.update(item.missing)
    return sum(len(seen) for seen in lines.values())


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's coverage of its stages combined, each stage's TOTAL checked against its JSON."""
    del context  # a coverage gate reads its own reports only
    datas = _datas(reports)
    if not datas:
        return Unmeasured(problems=(_no_data(reports),), summary="no coverage data")
    measured = coverage(gate.metric.name, datas, paths=gate.paths)
    checks = _checks(reports)
    if not checks:
        return measured
    if isinstance(measured, Measured):
        return replace(measured, problems=(*checks, *measured.problems))
    return replace(measured, problems=(checks[0], *[*checks[1:], *measured.problems]))


def _checks(reports: Sequence[LoadedReport]) -> list[Problem]:
    """Each stage's ``coverage report`` TOTAL against what gates computes from its JSON."""
    json = {r.stage: r.data.coverage for r in reports if _is_json(r)}
    problems = []
    for report in reports:
        total, data = report.data.coverage_total, json.get(report.stage)
        if total is not None and data is not None:
            problem = mismatch(data, total, where=report.path)
            problems += [problem] if problem else []
    return problems


def _no_data(reports: Sequence[LoadedReport]) -> Problem:
    """Coverage evidence without a data set: a `coverage report` TOTAL alone cannot be combined."""
    if not reports:  # the selection says why (a report it could not read, a tool that did not run)
        return Problem(
            slug="missing-evidence",
            path="",
            message="no coverage report was read",
            hint="run the stage that measures coverage (see `nox -l`)",
            subject="coverage",
        )
    return Problem(
        slug="missing-evidence",
        path=", ".join(sorted({r.path for r in reports})),
        message="holds no coverage data (coverage JSON or Cobertura XML), only coverage "
        "report's TOTAL, which gates cannot combine or filter",
        hint="record `coverage json` as a coverage-json report in the stage (`gates init` does)",
        subject="coverage",
    )


@dataclass(frozen=True, slots=True)
class Figures:
    """coverage.py's counts over some files: what its TOTAL row sums."""

    statements: int
    missing: int
    branches: int
    missing_branches: int
    partial: int  # missing arcs from lines that ran: the BrPart column

    @classmethod
    def of(cls, files: Sequence[FileCoverage]) -> Figures:
        return cls(
            statements=sum(len(f.executed) + len(f.missing) for f in files),
            missing=sum(len(f.missing) for f in files),
            branches=sum(f.branch_count for f in files),
            missing_branches=sum(len(f.missing_branches) for f in files),
            partial=sum(_partial(f) for f in files),
        )

    @property
    def total(self) -> tuple[int, int]:
        """Covered and measured statements and branches: coverage.py's ``ratio_covered``."""
        whole = self.statements + self.branches
        return whole - self.missing - self.missing_branches, whole


def _partial(item: FileCoverage) -> int:
    missing = set(item.missing)
    return sum(1 for arc in item.missing_branches if arc[0] not in missing)


@dataclass
class _Merged:
    executed: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    arcs_hit: set[tuple[int, int]] = field(default_factory=set)
    arcs_missed: set[tuple[int, int]] = field(default_factory=set)
    branches: int = -1


def combine(datas: Sequence[CoverageData]) -> list[FileCoverage]:
    """The files of several stages' data, combined as ``coverage combine`` does."""
    if len(datas) == 1:
        return list(datas[0].files)
    merged: dict[str, _Merged] = {}
    for data in datas:
        for item in data.files:
            entry = merged.setdefault(item.path, _Merged())
            entry.executed.update(item.executed)
            entry.missing.update(item.missing)
            entry.arcs_hit.update((a, b) for a, b in item.executed_branches)
            entry.arcs_missed.update((a, b) for a, b in item.missing_branches)
            entry.branches = max(entry.branches, item.branches)
    return [
        FileCoverage(
            path,
            sorted(m.executed),
            sorted(m.missing - m.executed),
            sorted(m.arcs_hit),
            sorted(m.arcs_missed - m.arcs_hit),
            m.branches,
        )
        for path, m in sorted(merged.items())
    ]


def precision_of(datas: Sequence[CoverageData]) -> int:
    """The decimals the gate shows and judges at: the project's precision, else 2."""
    shown = [data.precision for data in datas if data.precision is not None]
    return effective_precision(max(shown) if shown else None)


def coverage(
    metric: str, datas: Sequence[CoverageData], *, paths: Sequence[str] = ()
) -> Measured | Unmeasured:
    """``coverage.percent`` / ``branch_percent`` / ``total_percent`` of the combined data.

    ``paths`` (the gate's globs) keep only the files that match: a coverage
    configuration that also measures tests or a noxfile does not dilute the
    package's figure.
    """
    measured = combine(datas)
    files = [item for item in measured if in_paths(item.path, paths)]
    figures = Figures.of(files)
    if metric == _BRANCHES and not all(d.branch for d in datas):
        return Unmeasured(problems=(coverage_problems.no_branch_data(),))
    part, whole, unit = _ratio(metric, figures)
    if whole == 0:
        return Unmeasured(
            problems=(coverage_problems.nothing_measured(unit, paths, measured),),
            summary=f"0 {unit} measured",
        )
    offenders, total = _offenders(files, branches=metric == _BRANCHES)
    precision = precision_of(datas)
    summary = _summary(
        metric,
        figures,
        precision=precision,
        printed=_printed_precision(datas),
        branch=all(d.branch for d in datas),
        paths=paths,
    )
    return Measured(
        value=percent(part, whole),
        summary=summary,
        offenders=offenders,
        offenders_total=total,
        precision=precision,
    )


def _ratio(metric: str, figures: Figures) -> tuple[int, int, str]:
    if metric == _BRANCHES:
        hit = figures.branches - figures.missing_branches
        return hit, figures.branches, "branches"
    if metric == _TOTAL and figures.branches:
        return *figures.total, "statements and branches"
    if metric == _TOTAL:  # branches not measured: coverage.py's TOTAL is the statements'
        return *figures.total, "statements"
    return figures.statements - figures.missing, figures.statements, "statements"


def _printed_precision(datas: Sequence[CoverageData]) -> int | None:
    """The decimals ``coverage report`` printed, when every report says (else None)."""
    shown = {data.precision for data in datas}
    return shown.pop() if len(shown) == 1 else None


def _summary(
    metric: str,
    figures: Figures,
    *,
    precision: int,
    printed: int | None,
    branch: bool,
    paths: Sequence[str],
) -> str:
    """How much was covered, and how the gated figure relates to ``coverage report``'s TOTAL.

    With branches measured, the TOTAL counts statements and branches together:
    a gate on statements or branches alone then reads another figure, and says
    so with both. When coverage.py printed fewer decimals than gates shows (its
    default precision is 0), the figure it printed is named too.
    """
    part, whole, unit = _ratio(metric, figures)
    counted = f"{part:,} of {whole:,} {unit} covered"
    where = f", in {', '.join(paths)}" if paths else ""
    if metric == _TOTAL or not branch:
        if printed is not None and printed < precision and whole:
            as_printed = display_covered(percent(part, whole), printed)
            return (
                f"{counted} (the coverage report TOTAL{where}, printed as {as_printed}%"
                f" at coverage.py's precision {printed})"
            )
        return f"{counted} (the coverage report TOTAL{where})"
    gated = "statements" if metric == _STATEMENTS else "branches"
    shown = format_value(metric, percent(part, whole), precision)
    total = format_value(_TOTAL, percent(*figures.total), precision)
    return (
        f"{gated} {shown} (gated), {part:,} of {whole:,} covered; "
        f"coverage report TOTAL {total} (statements + branches{where})"
    )


def _offenders(
    files: Sequence[FileCoverage], *, branches: bool
) -> tuple[tuple[Offender, ...], int]:
    """The files that missed something, most missed first, and how many there are.

    Only the first :data:`MAX_OFFENDERS` are described (their missed lines as
    ranges): a verdict keeps no more, and describing 5,000 files took longer
    than judging them.
    """
    rows: list[tuple[int, str, FileCoverage]] = []
    for item in files:
        missed = len(item.missing_branches) if branches else len(item.missing)
        if missed:
            rows.append((-missed, item.path, item))
    worst = heapq.nsmallest(MAX_OFFENDERS, rows, key=lambda row: (row[0], row[1]))
    return tuple(_offender(item, branches=branches) for _, _, item in worst), len(rows)


def _offender(item: FileCoverage, *, branches: bool) -> Offender:
    missed = len(item.missing_branches) if branches else len(item.missing)
    measured = item.branch_count if branches else len(item.executed) + missed
    share = percent(measured - missed, measured)
    if branches:
        lines = sorted({arc[0] for arc in item.missing_branches})
        detail = f"{share:.1f} % of branches; partial on lines {line_ranges(lines)}"
    else:
        detail = f"{share:.1f} %; missing lines {line_ranges(item.missing)}"
    first = min(item.missing) if item.missing and not branches else 0
    return Offender(path=item.path, line=first, label=f"{missed} not covered", detail=detail)


def mismatch(data: CoverageData, total: CoverageTotal, *, where: str) -> Problem | None:
    """A problem when ``coverage report``'s TOTAL is not what gates computes from the JSON.

    Both reports come from the same data file in the same stage, so they must
    agree to the last statement and to the printed percentage; when they do
    not, the figure gates would judge is not the one coverage.py shows.
    """
    figures = Figures.of(data.files)
    mine = CoverageTotal(
        figures.statements,
        figures.missing,
        figures.branches if data.branch else None,
        figures.partial if data.branch else None,
        display_covered(percent(*figures.total), total.precision) if figures.total[1] else "",
    )
    if mine == total:
        return None
    return Problem(
        slug="coverage-mismatch",
        path=where,
        message=f"coverage report's TOTAL reads {_row(total)}, but gates computes {_row(mine)} "
        "from the stage's coverage JSON",
        hint="rerun the stage so that both reports come from one run (e.g. `nox -s unit`); if they "
        "still differ, report it with both files: gates misreads this coverage.py",
        subject="coverage",
    )


def _row(total: CoverageTotal) -> str:
    branches = f", {total.branches} branches, {total.partial} partial" if total.branches else ""
    return f"{total.statements} statements, {total.missing} missed{branches}, {total.cover} %"
