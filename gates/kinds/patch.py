"""``coverage.patch_percent``: the coverage of the lines a change adds, as diff-cover measured it (pure).

A stage records diff-cover's JSON (``diff-cover-json``) and, beside it, what
``git diff --numstat`` counts (``git-numstat``): diff-cover reports 100 % when
it measured no changed line at all (a wrong base, a shallow clone, paths that
do not match), so gates tells such a vacuous diff from a change that adds no
executable line only with git's count of the Python lines the change adds.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import cap, every_report, in_paths, line_ranges, tally_counts
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement, NotApplicable, Unmeasured
from gates.model.reports import PatchCoverage, Problem
from gates.model.stage import Evidence, LoadedReport
from gates.model.verdict import Offender
from gates.policy.load import GateSpec
from gates.readers.patch import git_numstat

__all__ = ["EXPECTED_TOOL", "KIND", "compared_with", "counts", "dedupe", "measure", "patch"]

KIND: Final = Kind.PATCH
EXPECTED_TOOL: Final = "diff-cover"


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """Every report counts: diff-cover's measures the lines, git's counts them."""
    return every_report(reports)


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """The changed lines diff-cover measured."""
    return tally_counts(reports)


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's patch coverage: diff-cover's one report, judged with git's count beside it."""
    diffs = [r.data.patch for r in reports if r.data.patch is not None and not _numstat(r)]
    numstat = [r.data.patch for r in reports if r.data.patch is not None and _numstat(r)]
    return patch(
        diffs,
        numstat,
        base=context.base,
        measured_files=measured_files(context.evidence),
        paths=gate.paths,
    )


def _numstat(report: LoadedReport) -> bool:
    return report.entry.format == git_numstat.FORMAT


def measured_files(evidence: Evidence) -> set[str]:
    """Every file a coverage report of any stage measured (a statement, run or not)."""
    return {
        item.path
        for stage in evidence.stages
        for report in stage.reports
        if report.data.coverage is not None
        for item in report.data.coverage.files
        if item.executed or item.missing
    }


def patch(
    diffs: Sequence[PatchCoverage],
    python_changes: Sequence[PatchCoverage],
    *,
    base: str,
    measured_files: Collection[str] = (),
    paths: Sequence[str] = (),
) -> Measurement:
    """``coverage.patch_percent`` against ``base``; ``python_changes`` from ``git diff --numstat``.

    ``measured_files`` are the files the coverage reports measured: a change
    whose every changed file is among them, yet with no line diff-cover could
    measure, adds only comments, docstrings or blank lines (not applicable);
    a changed file coverage never saw means diff-cover could not see it either.
    """
    if len(diffs) != 1:
        return Unmeasured(problems=(_ambiguous_patch(len(diffs)),))
    diff = diffs[0]._replace(files=[f for f in diffs[0].files if in_paths(f.path, paths)])
    elsewhere = [p.diff for p in [diff, *python_changes] if compared_with(p.diff) != base]
    if elsewhere:
        return Unmeasured(problems=(_wrong_base(elsewhere[0], base),))
    covered = sum(len(f.covered) for f in diff.files)
    measured = covered + sum(len(f.missing) for f in diff.files)
    if measured:
        offenders = [
            Offender(
                path=f.path,
                line=min(f.missing),
                label=f"{count(len(f.missing), 'changed line')} not covered",
                detail=f"lines {line_ranges(f.missing)}",
            )
            for f in sorted(diff.files, key=lambda f: (-len(f.missing), f.path))
            if f.missing
        ]
        shown, total = cap(offenders)
        return Measured(
            value=100.0 * covered / measured,
            summary=f"{covered:,} of {measured:,} changed lines covered ({diff.diff})",
            offenders=shown,
            offenders_total=total,
        )
    return _no_changed_line_measured(diff, python_changes, measured_files)


def _no_changed_line_measured(
    diff: PatchCoverage, python_changes: Sequence[PatchCoverage], measured_files: Collection[str]
) -> Measurement:
    """diff-cover measured no changed line: vacuous, or nothing to measure, or cannot tell."""
    if not python_changes:
        return Unmeasured(problems=(_cannot_tell_vacuous(),))
    added = sum(change.changed_lines for change in python_changes)
    changed = {f.path for change in python_changes for f in change.files if f.added}
    unseen = sorted(changed - set(measured_files))
    if added and (unseen or not measured_files):
        return Unmeasured(
            problems=(_vacuous(added, diff.diff, unseen),), summary="0 changed lines measured"
        )
    if added:
        return NotApplicable(
            reason="not applicable: the change adds no executable line "
            "(only comments, docstrings or blank lines)",
            summary=f"{count(added, 'changed line')} in measured files, none of them a statement",
        )
    return NotApplicable(
        reason="not applicable: the change adds no Python line", summary="no Python line changed"
    )


def compared_with(diff: str) -> str:
    """The base a diff was taken against: ``"origin/main...HEAD, staged …"`` -> ``"origin/main"``."""
    first = diff.split(",", maxsplit=1)[0].strip()
    for separator in ("...", ".."):
        if separator in first:
            return first.split(separator)[0]
    return first.split(" ")[0]


def _wrong_base(diff: str, base: str) -> Problem:
    return Problem(
        slug="wrong-base",
        path="",
        message=f"the patch evidence compares {diff!r}, but the policy's base is {base!r}",
        hint="rerun the diff stage, which compares with [gates] base (`nox -s diff`)",
        subject="diff-cover",
    )


def _ambiguous_patch(count: int) -> Problem:
    if count == 0:
        return Problem(
            slug="missing-evidence",
            path="",
            message="no diff-cover report",
            hint="run the diff stage (`nox -s diff`)",
            subject="diff-cover",
        )
    return Problem(
        slug="ambiguous-evidence",
        path="",
        message=f"{count} diff-cover reports; the gate needs exactly one",
        hint="name one stage with `stage = ...`",
    )


def _vacuous(added: int, diff: str, unseen: Sequence[str]) -> Problem:
    where = f" (coverage never measured {', '.join(unseen[:3])}{' …' if len(unseen) > 3 else ''})"
    return Problem(
        slug="vacuous-diff",
        path="",
        message=f"diff-cover measured 0 changed lines, but {count(added, 'Python line')} "
        f"{'was' if added == 1 else 'were'} added ({diff}){where if unseen else ''}: "
        "a wrong base, a shallow clone or a path mismatch between coverage and git",
        hint="fetch the base (`git fetch --unshallow` or `fetch-depth: 0`) and check coverage "
        "paths are repository-relative",
        subject="diff-cover",
    )


def _cannot_tell_vacuous() -> Problem:
    return Problem(
        slug="completeness-unknown",
        path="",
        message="diff-cover measured 0 changed lines, and no `git-numstat` report says whether "
        "Python lines changed",
        hint="record `git diff --numstat <base>...HEAD -- '<package>/*.py'` as a `git-numstat` "
        "report in the diff stage",
        subject="diff-cover",
    )
