"""The tests of a test gate's reports, each once: report-logs merged, quarantine applied (pure).

A stage that records pytest's report-log (every attempt, reruns included)
is read from it alone: its JUnit XML says the first run again (the stage's
reruns write none), so its test cases do not count beside the report-log's
(:func:`authoritative`), nor, once a test was rerun, pytest's results
in it (:func:`pytest_tallies`). Several
report-logs of one stage (the run, then its reruns in a fresh process) are
merged attempt by attempt (:func:`gates.readers.testruns.pytest_reportlog.merge_attempts`),
so a test that failed and then passed is one test, flaky.
"""

from __future__ import annotations

from collections.abc import Sequence

from gates.model.reports import Outcome, ResultTally, TestCase
from gates.model.stage import LoadedReport
from gates.policy.quarantine import Quarantine, quarantined
from gates.readers.testruns import pytest_reportlog

__all__ = [
    "FAILING",
    "authoritative",
    "pytest_tallies",
    "split_quarantined",
    "stage_tests",
    "test_suites",
]

FAILING = (Outcome.FAILED, Outcome.ERROR)


def authoritative(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """``reports`` less the test reports of a stage that has report-logs: those say it all."""
    logged = {r.stage for r in reports if r.entry.format == pytest_reportlog.FORMAT}
    return [
        r
        for r in reports
        if r.stage not in logged
        or r.entry.format == pytest_reportlog.FORMAT
        or r.data.tests is None
    ]


def stage_tests(reports: Sequence[LoadedReport]) -> dict[str, list[TestCase]]:
    """Per stage, its tests once: from its report-logs when it has some, else every report."""
    stages: dict[str, list[LoadedReport]] = {}
    for report in authoritative(reports):
        stages.setdefault(report.stage, []).append(report)
    suites = {}
    for stage, held in stages.items():
        if any(r.entry.format == pytest_reportlog.FORMAT for r in held):
            suites[stage] = pytest_reportlog.merge_attempts(
                [r.data.tests or () for r in held if r.entry.format == pytest_reportlog.FORMAT]
            )
        else:
            suites[stage] = [case for r in held for case in r.data.tests or ()]
    return suites


def pytest_tallies(reports: Sequence[LoadedReport]) -> list[ResultTally]:
    """pytest's own results (JUnit's), where they say the run the tests were read from.

    Beside a report-log whose tests were rerun in a fresh process they say the
    first run only: left out, and so are the other stages' (a sum of some
    stages' results beside every stage's tests would read as a disagreement).
    Without reruns they are the same run, and keep what the report-log has not
    (passing subtests).
    """
    logged = {r.stage for r in reports if r.entry.format == pytest_reportlog.FORMAT}
    rerun = {
        stage
        for stage, cases in stage_tests(reports).items()
        if stage in logged and any(c.reruns for c in cases)
    }
    if rerun:
        return []
    return [r.data.tally for r in reports if r.data.tally is not None]


def test_suites(reports: Sequence[LoadedReport]) -> list[list[TestCase]]:
    """Per stage, its tests once (:func:`stage_tests`)."""
    return list(stage_tests(reports).values())


def split_quarantined(
    cases: Sequence[TestCase], entries: Sequence[Quarantine]
) -> tuple[list[TestCase], list[TestCase]]:
    """(the cases, less the failing ones a live entry covers; those failing ones)."""
    if not entries:
        return list(cases), []
    kept, covered = [], []
    for case in cases:
        if case.outcome in FAILING and quarantined(entries, case.id) is not None:
            covered.append(case)
        else:
            kept.append(case)
    return kept, covered
