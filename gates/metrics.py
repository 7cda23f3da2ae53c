"""Compute a gate's metric from the reports selected for it (pure).

Each function takes typed report data and returns a :class:`Measurement`: the
observed value (``None`` when it does not apply), its offenders worst first,
and the problems that make the value untrustworthy (a vacuous diff, a
benchmark without raw samples). ``benchmark.regressions`` is measured in
:mod:`gates.benchmetric`, the ``coverage.*`` metrics of coverage.py in
:mod:`gates.covmetric`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from gates.model import (
    BenchmarkComparison,
    Finding,
    Offender,
    Outcome,
    PatchCoverage,
    Problem,
    ResultTally,
    TestCase,
)
from gates.policy import GateSpec

__all__ = [
    "MAX_OFFENDERS",
    "Measurement",
    "cap",
    "findings",
    "in_paths",
    "line_ranges",
    "patch",
    "select_findings",
    "tests",
]

MAX_OFFENDERS = 1000  # kept per gate in the verdict; outputs show fewer


@dataclass(frozen=True, slots=True)
class Measurement:
    """What a metric observed."""

    value: float | None
    summary: str  # e.g. "412 tests, 3 failed"
    offenders: tuple[Offender, ...] = ()
    offenders_total: int = 0
    problems: tuple[Problem, ...] = ()
    comparisons: tuple[BenchmarkComparison, ...] = ()
    not_applicable: str = ""  # why the metric does not apply (passes, said explicitly)
    precision: int | None = None  # a coverage.py percentage: the decimals it is shown and judged at


def count(number: int, noun: str) -> str:
    """``count(1, "test")`` -> ``"1 test"``; ``count(1200, "test")`` -> ``"1,200 tests"``."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole


def cap(offenders: Sequence[Offender]) -> tuple[tuple[Offender, ...], int]:
    return tuple(offenders[:MAX_OFFENDERS]), len(offenders)


def in_paths(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path`` matches one of the gate's ``path`` globs (every path without globs)."""
    return not globs or any(fnmatchcase(path, pattern) for pattern in globs)


def line_ranges(lines: Iterable[int], *, limit: int = 8) -> str:
    """``[1, 2, 3, 7, 9, 10]`` -> ``"1-3, 7, 9-10"`` (at most ``limit`` ranges)."""
    ranges: list[str] = []
    ordered = sorted(set(lines))
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        first, last = ordered[start], ordered[end]
        ranges.append(str(first) if first == last else f"{first}-{last}")
        start = end + 1
    shown = ", ".join(ranges[:limit])
    return shown + (f", … ({len(ranges) - limit} more)" if len(ranges) > limit else "")


# ---------------------------------------------------------------- patch coverage


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
        return Measurement(None, "", problems=(_ambiguous_patch(len(diffs)),))
    diff = diffs[0]._replace(files=[f for f in diffs[0].files if in_paths(f.path, paths)])
    elsewhere = [p.diff for p in [diff, *python_changes] if compared_with(p.diff) != base]
    if elsewhere:
        return Measurement(None, "", problems=(_wrong_base(elsewhere[0], base),))
    covered = sum(len(f.covered) for f in diff.files)
    measured = covered + sum(len(f.missing) for f in diff.files)
    if measured:
        offenders = [
            Offender(
                f.path,
                min(f.missing),
                f"{count(len(f.missing), 'changed line')} not covered",
                f"lines {line_ranges(f.missing)}",
            )
            for f in sorted(diff.files, key=lambda f: (-len(f.missing), f.path))
            if f.missing
        ]
        shown, total = cap(offenders)
        return Measurement(
            _percent(covered, measured),
            f"{covered:,} of {measured:,} changed lines covered ({diff.diff})",
            shown,
            total,
        )
    return _no_changed_line_measured(diff, python_changes, measured_files)


def _no_changed_line_measured(
    diff: PatchCoverage, python_changes: Sequence[PatchCoverage], measured_files: Collection[str]
) -> Measurement:
    """diff-cover measured no changed line: vacuous, or nothing to measure, or cannot tell."""
    if not python_changes:
        return Measurement(None, "", problems=(_cannot_tell_vacuous(),))
    added = sum(change.changed_lines for change in python_changes)
    changed = {f.path for change in python_changes for f in change.files if f.added}
    unseen = sorted(changed - set(measured_files))
    if added and (unseen or not measured_files):
        return Measurement(
            None, "0 changed lines measured", problems=(_vacuous(added, diff.diff, unseen),)
        )
    if added:
        return Measurement(
            None,
            f"{count(added, 'changed line')} in measured files, none of them a statement",
            not_applicable="not applicable: the change adds no executable line "
            "(only comments, docstrings or blank lines)",
        )
    return Measurement(
        None,
        "no Python line changed",
        not_applicable="not applicable: the change adds no Python line",
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
        "wrong-base",
        "",
        f"the patch evidence compares {diff!r}, but the policy's base is {base!r}",
        "rerun the diff stage, which compares with [gates] base (`nox -s diff`)",
        "diff-cover",
    )


def _ambiguous_patch(count: int) -> Problem:
    if count == 0:
        return Problem(
            "missing-evidence",
            "",
            "no diff-cover report",
            "run the diff stage (`nox -s diff`)",
            "diff-cover",
        )
    return Problem(
        "ambiguous-evidence",
        "",
        f"{count} diff-cover reports; the gate needs exactly one",
        "name one stage with `stage = ...`",
    )


def _vacuous(added: int, diff: str, unseen: Sequence[str]) -> Problem:
    where = f" (coverage never measured {', '.join(unseen[:3])}{' …' if len(unseen) > 3 else ''})"
    return Problem(
        "vacuous-diff",
        "",
        f"diff-cover measured 0 changed lines, but {count(added, 'Python line')} "
        f"{'was' if added == 1 else 'were'} added ({diff}){where if unseen else ''}: "
        "a wrong base, a shallow clone or a path mismatch between coverage and git",
        "fetch the base (`git fetch --unshallow` or `fetch-depth: 0`) and check coverage paths are repository-relative",
        "diff-cover",
    )


def _cannot_tell_vacuous() -> Problem:
    return Problem(
        "completeness-unknown",
        "",
        "diff-cover measured 0 changed lines, and no `git-numstat` report says whether Python lines changed",
        "record `git diff --numstat <base>...HEAD -- '<package>/*.py'` as a `git-numstat` report in the diff stage",
        "diff-cover",
    )


# ---------------------------------------------------------------- tests


_OUTCOMES = {
    "tests.failed": (Outcome.FAILED, Outcome.ERROR),
    "tests.skipped": (Outcome.SKIPPED,),
    "tests.passed": (Outcome.PASSED,),
}


def tests(
    metric: str, suites: Sequence[Sequence[TestCase]], *, tallies: Sequence[ResultTally] = ()
) -> Measurement:
    """``tests.total`` / ``passed`` / ``failed`` / ``skipped`` across the selected stages.

    One test counts once, however many results pytest wrote for it (``tallies``):
    the summary names those results too, where they differ from the tests.
    """
    cases = [case for suite in suites for case in suite]
    tally = dict.fromkeys(Outcome, 0)
    for case in cases:
        tally[case.outcome] += 1
    failed = tally[Outcome.FAILED] + tally[Outcome.ERROR]
    passed, skipped = tally[Outcome.PASSED], tally[Outcome.SKIPPED]
    flaky = sum(1 for case in cases if case.flaky)
    summary = (
        f"{count(len(cases), 'test')}: {passed:,} passed"
        + (f" ({flaky:,} flaky)" if flaky else "")
        + f", {failed:,} failed, {skipped:,} skipped"
        + _pytest_results(tallies, (passed, failed, skipped))
    )
    if metric == "tests.total":
        return Measurement(float(len(cases)), summary)
    wanted = _OUTCOMES[metric]
    value = sum(tally[o] for o in wanted)
    if metric == "tests.passed":
        return Measurement(float(value), summary)
    offenders = [
        Offender(
            case.path,
            case.line,
            case.id,
            f"{case.outcome.value}: {case.message}" if case.message else case.outcome.value,
        )
        for case in cases
        if case.outcome in wanted
    ]
    shown, total = cap(offenders)
    return Measurement(float(value), summary, shown, total)


def _pytest_results(tallies: Sequence[ResultTally], tests: tuple[int, int, int]) -> str:
    """``"; pytest's results: 5 failed, 21 passed, 1 xfailed, 3 rerun"``, or ``""`` when they agree.

    pytest counts results, not tests: each subtest, a teardown error after
    the test's own result, each rerun attempt. Its ``passed`` includes
    ``xpassed`` and ``subtests passed``, which JUnit writes alike.
    """
    if not tallies:
        return ""
    total = ResultTally(*(sum(column) for column in zip(*tallies, strict=True)))
    if (total.passed, total.failed + total.errors, total.skipped + total.xfailed) == tests and (
        not total.rerun
    ):
        return ""
    extra = total.passed - tests[0]
    same_rest = (total.failed + total.errors, total.skipped + total.xfailed) == tests[1:]
    if same_rest and not total.rerun and extra > 0:  # what `pytest -q` prints as subtests
        return f"; and {extra:,} subtests passed"
    named = (
        (total.failed, "failed"),
        (total.passed, "passed"),
        (total.skipped, "skipped"),
        (total.xfailed, "xfailed"),
        (total.errors, "error" if total.errors == 1 else "errors"),
        (total.rerun, "rerun"),
    )
    return "; pytest's results: " + ", ".join(f"{n:,} {word}" for n, word in named if n)


# ---------------------------------------------------------------- findings


def select_findings(gate: GateSpec, findings: Iterable[Finding]) -> list[Finding]:
    """The findings a gate's filters keep: tool, severity at or above, rule and path globs."""
    tools = set(gate.tools)
    kept = []
    for finding in findings:
        if tools and finding.tool not in tools:
            continue
        if gate.severity is not None and finding.severity < gate.severity:
            continue
        if gate.rules and not any(fnmatchcase(finding.rule, pattern) for pattern in gate.rules):
            continue
        if gate.paths and not any(fnmatchcase(finding.path, pattern) for pattern in gate.paths):
            continue
        kept.append(finding)
    return kept


def findings(selected: Sequence[Finding], waived: int) -> Measurement:
    """``findings``: the selected, unwaived findings, worst first."""
    ordered = sorted(selected, key=lambda f: (-f.severity, f.tool, f.path, f.line, f.rule))
    offenders = [
        Offender(
            f.path,
            f.line,
            f"{f.tool} {f.rule}",
            f"[{f.severity.label}] {f.message.splitlines()[0] if f.message else ''}",
        )
        for f in ordered[:MAX_OFFENDERS]
    ]
    tools = sorted({f.tool for f in selected})
    summary = count(len(selected), "finding") + (f" ({', '.join(tools)})" if tools else "")
    if waived:
        summary += f", {waived:,} waived"
    return Measurement(float(len(selected)), summary, tuple(offenders), len(selected))


def is_finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
