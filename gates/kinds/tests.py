"""``tests.*``: the test cases of the JUnit reports a gate selects, each counted once (pure).

A test counts once however many results its runner wrote for it (subtests, a
teardown error after its result, rerun attempts): the JUnit reader folds them
into one :class:`gates.model.TestCase`, and the summary names pytest's own
figures where they differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.history.ratchet import tests_against_base
from gates.kinds.attempts import authoritative, pytest_tallies, split_quarantined, test_suites
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import cap, every_report, tally_counts
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement
from gates.model.reports import Outcome, ResultTally, TestCase
from gates.model.stage import LoadedReport
from gates.model.verdict import Offender
from gates.policy.load import GateSpec

__all__ = ["EXPECTED_TOOL", "KIND", "counts", "dedupe", "measure", "tests"]

KIND: Final = Kind.TESTS
EXPECTED_TOOL: Final = "pytest"


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """Every JUnit report counts: each holds other tests."""
    return every_report(reports)


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """Tests run and skipped (a stage's report-logs alone, when it has some)."""
    return tally_counts(authoritative(reports))


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's test metric over every selected report (and the base's, for a ratchet)."""
    suites = test_suites(reports)
    if gate.metric.history:
        return tests_against_base(gate, [c for s in suites for c in s], context.history)
    if gate.metric.name == "tests.quarantined":
        return Measured(
            value=float(context.quarantined),
            summary=f"{count(context.quarantined, 'quarantined test entry')} in the policy "
            f"({len(context.quarantine):,} live)",
        )
    cases = [c for s in suites for c in s]
    # a quarantined test still counts, runs and shows: only its failure is not counted as one
    kept, covered = (
        split_quarantined(cases, context.quarantine)
        if gate.metric.name == "tests.failed"
        else (cases, [])
    )
    measured = tests(
        gate.metric.name,
        [kept],
        tallies=pytest_tallies(reports),
    )
    if not covered:
        return measured
    names = ", ".join(case.id for case in covered[:3]) + (" ..." if len(covered) > 3 else "")
    return replace(
        measured,
        summary=f"{measured.summary}; {count(len(covered), 'quarantined failure')} not counted "
        f"({names})",
    )


def _flaky(cases: Sequence[TestCase], summary: str) -> Measured:
    offenders = [
        Offender(
            path=case.path,
            line=case.line,
            label=case.id,
            detail=f"passed after {count(case.reruns, 'failed attempt')}",
        )
        for case in cases
        if case.flaky
    ]
    shown, total = cap(offenders)
    return Measured(value=float(total), summary=summary, offenders=shown, offenders_total=total)


_OUTCOMES = {
    "tests.failed": (Outcome.FAILED, Outcome.ERROR),
    "tests.skipped": (Outcome.SKIPPED,),
    "tests.passed": (Outcome.PASSED,),
}


def tests(
    metric: str, suites: Sequence[Sequence[TestCase]], *, tallies: Sequence[ResultTally] = ()
) -> Measured:
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
        return Measured(value=float(len(cases)), summary=summary)
    if metric == "tests.flaky":
        return _flaky(cases, summary)
    wanted = _OUTCOMES[metric]
    value = sum(tally[o] for o in wanted)
    if metric == "tests.passed":
        return Measured(value=float(value), summary=summary)
    offenders = [
        Offender(
            path=case.path,
            line=case.line,
            label=case.id,
            detail=f"{case.outcome.value}: {case.message}" if case.message else case.outcome.value,
        )
        for case in cases
        if case.outcome in wanted
    ]
    shown, total = cap(offenders)
    return Measured(value=float(value), summary=summary, offenders=shown, offenders_total=total)


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
