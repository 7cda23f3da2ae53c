"""pytest's real JUnit XML through a stage and into a verdict.

Genuine reports (subtests, reruns) load without a problem; a report cut or
edited after its stage still blocks; and the tests gates counts, as the
verdict shows them, are pytest's own summary line, folded one test at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.judge.evidence import load_evidence
from gates.model.reports import Outcome
from gates.model.stage import LoadedReport, StageEvidence
from gates.model.verdict import Status, Verdict
from gates.readers.interface import ReadContext
from gates.readers.testruns import junit
from gates.stage.recorder import StageRecorder
from gates.system.git import TreeState
from gates.untrusted.safeio import read_blob
from tests.unit import _build as b
from tests.unit.readers import _pytest_truth as truth

STATE = TreeState("c" * 40, dirty=False, digest="0" * 64)
PYTEST = truth.ASSETS / "pytest" / "9.2.0"
RERUNS = truth.ASSETS / "pytest-rerunfailures" / "16.6.1"
GATES = (
    '[gate.failed]\nmetric = "tests.failed"\nmax = 0\n'
    '[gate.total]\nmetric = "tests.total"\nmin = 1\n'
    '[gate.passed]\nmetric = "tests.passed"\nmin = 0\n'
    '[gate.skipped]\nmetric = "tests.skipped"\nmax = 1000\n'
)


def record(root: Path, report: Path) -> Path:
    """A stage ``unit`` whose pytest (exit 1: some runs fail) wrote ``report``."""
    recorder = StageRecorder("unit", root / ".gates" / "unit", STATE, "nox -s unit")
    recorder.folder.mkdir(parents=True)
    recorder.tool("pytest", version="9.2.0", argv=["pytest"], exit_code=1)
    (recorder.folder / "junit.xml").write_bytes(report.read_bytes())
    recorder.report("junit.xml", format="junit-xml", tool="pytest")
    recorder.finish()
    return recorder.folder / "junit.xml"


def stage(root: Path) -> StageEvidence:
    evidence = load_evidence(root, reports=".gates", state=STATE, max_bytes=1024 * 1024)
    return evidence.stages[0]


def slugs(found: StageEvidence) -> list[str]:
    return [p.problem.slug for p in found.problems]


# ------------------------------------------------------------------ through a stage


@pytest.mark.parametrize(
    "report",
    [PYTEST / "subtests-passing.xml", PYTEST / "subtests.xml", RERUNS / "reruns.xml"],
    ids=lambda path: path.name,
)
def test_genuine_reports_load_without_a_problem(tmp_path: Path, report: Path) -> None:
    record(tmp_path, report)
    found = stage(tmp_path)
    assert found.problems == ()
    assert [r.data.tests is not None for r in found.reports] == [True]


def test_a_report_cut_after_its_stage_is_a_hash_mismatch(tmp_path: Path) -> None:
    written = record(tmp_path, PYTEST / "subtests.xml")
    data = written.read_bytes()
    written.write_bytes(data[: data.index(b'<testcase classname="subtests.check_subtests"')])
    assert slugs(stage(tmp_path)) == ["hash-mismatch"]


def test_a_case_removed_after_its_stage_is_a_hash_mismatch(tmp_path: Path) -> None:
    # still well-formed XML: only the manifest can tell
    written = record(tmp_path, PYTEST / "failing.xml")
    data = written.read_bytes()
    start = data.index(b'<testcase classname="failing.check_failing" name="check_fails"')
    end = data.index(b"</testcase>", start) + len(b"</testcase>")
    written.write_bytes(data[:start] + data[end:])
    assert slugs(stage(tmp_path)) == ["hash-mismatch"]


def test_an_edit_of_the_same_size_is_a_hash_mismatch(tmp_path: Path) -> None:
    written = record(tmp_path, PYTEST / "failing.xml")
    data = written.read_bytes()
    written.write_bytes(data.replace(b"<failure ", b"<skipped ", 1))
    assert slugs(stage(tmp_path)) == ["hash-mismatch"]


def test_a_report_the_stage_recorded_cut_short_is_invalid_xml(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xml"
    data = (PYTEST / "subtests.xml").read_bytes()
    cut.write_bytes(data[: len(data) - len(b"</testsuite></testsuites>")])
    record(tmp_path, cut)
    found = stage(tmp_path)
    assert slugs(found) == ["invalid-xml"]
    assert found.problems[0].problem.path == ".gates/unit/junit.xml"


# ------------------------------------------------------------------ in the verdict


def verdict_of(run: truth.Run) -> Verdict:
    data = junit.read(read_blob(run.folder / run.xml, display=run.xml), ReadContext(run.root))
    report = b.report("unit", "junit.xml", "junit-xml", Kind.TESTS, data)
    return b.judge(GATES, b.evidence(b.stage("unit", report)))


RUNS = [run for run in truth.runs() if run.xml != "no-tests.xml"]  # 0 tests: no-tests blocks


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.label)
def test_the_verdict_counts_each_test_once_as_pytest_reported_it(run: truth.Run) -> None:
    tests = list(truth.truth_of_reportlog(run.reportlog).values())
    per_outcome = {o: sum(1 for t in tests if t.outcome is o) for o in Outcome}
    failed, total, passed, skipped = (gate.observed for gate in verdict_of(run).gates)
    assert (failed, total, passed, skipped) == (
        per_outcome[Outcome.FAILED] + per_outcome[Outcome.ERROR],
        len(tests),
        per_outcome[Outcome.PASSED],
        per_outcome[Outcome.SKIPPED],
    )
    counts = dict(verdict_of(run).counts)
    assert (counts[Count.TESTS_RUN], counts[Count.TESTS_SKIPPED]) == (
        len(tests) - per_outcome[Outcome.SKIPPED],
        per_outcome[Outcome.SKIPPED],
    )


@pytest.mark.parametrize("run", RUNS, ids=lambda run: run.label)
def test_the_verdict_states_pytests_results_where_they_differ(run: truth.Run) -> None:
    reason = verdict_of(run).gates[0].reason
    said = truth.tally_of_summary(run.summary)
    tests = list(truth.truth_of_reportlog(run.reportlog).values())
    same = (
        said.passed == sum(1 for t in tests if t.outcome is Outcome.PASSED)
        and said.failed + said.errors
        == sum(1 for t in tests if t.outcome in (Outcome.FAILED, Outcome.ERROR))
        and said.skipped + said.xfailed == sum(1 for t in tests if t.outcome is Outcome.SKIPPED)
        and not said.rerun
    )
    passed = sum(1 for t in tests if t.outcome is Outcome.PASSED)
    only_subtests = (
        not same
        and said.passed > passed
        and said.failed + said.errors
        == sum(1 for t in tests if t.outcome in (Outcome.FAILED, Outcome.ERROR))
        and said.skipped + said.xfailed == sum(1 for t in tests if t.outcome is Outcome.SKIPPED)
        and not said.rerun
    )
    if only_subtests:  # in pytest's own words: "4 passed, 5 subtests passed"
        assert reason.endswith(f"; and {said.passed - passed} subtests passed")
        return
    assert ("pytest's results:" in reason) is not same
    named = [
        (said.failed, "failed"),
        (said.passed, "passed"),
        (said.skipped, "skipped"),
        (said.xfailed, "xfailed"),
        (said.errors, "error" if said.errors == 1 else "errors"),
        (said.rerun, "rerun"),
    ]
    if not same:
        expected = ", ".join(f"{n} {word}" for n, word in named if n)
        assert reason.endswith(f"; pytest's results: {expected}")


def test_subtests_show_as_pytests_results_and_do_not_block() -> None:
    [run] = [run for run in truth.runs() if run.xml == "subtests-passing.xml"]
    verdict = verdict_of(run)
    assert verdict.status is Status.PASS
    assert verdict.gates[0].reason == (
        "0 — 4 tests: 4 passed, 0 failed, 0 skipped; and 5 subtests passed"
    )


def test_a_flaky_test_passes_tests_failed_and_is_named() -> None:
    [run] = [run for run in truth.runs() if run.label.endswith("16.6.1/reruns.xml")]
    failed = verdict_of(run).gates[0]
    assert failed.observed == 2  # fails every attempt, and the teardown error
    assert [o.label.split("::")[1] for o in failed.offenders] == [
        "check_fails_every_attempt",
        "check_teardown_error_every_attempt",
    ]
    assert failed.reason == (
        "2 > 0 — 8 tests: 4 passed (3 flaky), 2 failed, 2 skipped; "
        "pytest's results: 1 failed, 7 passed, 1 skipped, 1 xfailed, 1 error, 8 rerun"
    )


def test_pytests_results_add_up_across_stages() -> None:
    def loaded(stage: str, name: str) -> LoadedReport:
        blob = read_blob(PYTEST / name, display=name)
        data = junit.read(blob, ReadContext("/tmp/gates-pytest-fixture"))  # noqa: S108
        return b.report(stage, "junit.xml", "junit-xml", Kind.TESTS, data)

    evidence = b.evidence(
        b.stage("unit", loaded("unit", "subtests-passing.xml")),
        b.stage("integration", loaded("integration", "passing.xml")),
    )
    verdict = b.judge('[gate.tests]\nmetric = "tests.failed"\nmax = 0\n', evidence)
    assert verdict.gates[0].reason == (
        "0 — 6 tests: 6 passed, 0 failed, 0 skipped; and 5 subtests passed"
    )
