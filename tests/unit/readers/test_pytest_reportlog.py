"""The pytest-reportlog reader against pytest's real report-logs (tests/assets/pytest-reportlog/).

The attempts of one test are one test: the last decides, the earlier are its
reruns; a test that failed and then passed is one passed test, flaky.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Outcome, ReportData
from gates.readers import pytest_reportlog
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ASSETS = Path(__file__).resolve().parents[2] / "assets"
HERE = ASSETS / "pytest-reportlog" / "1.0.0"
CONTEXT = ReadContext("/tmp/gates-reportlog-fixture")  # noqa: S108 - where make.sh ran pytest
P, F, E, S = Outcome.PASSED, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED


def _read(*names: str, data: bytes | None = None) -> ReportData:
    blob = data if data is not None else b"".join((HERE / n).read_bytes() for n in names)
    return pytest_reportlog.read(
        Blob("reportlog.jsonl", blob, hashlib.sha256(blob).hexdigest()), CONTEXT
    )


def _outcomes(data: ReportData) -> dict[str, tuple[Outcome, int]]:
    return {c.id.split("::", 1)[1]: (c.outcome, c.reruns) for c in data.tests or ()}


def test_every_outcome_of_one_run() -> None:
    data = _read("outcomes.jsonl")
    assert _outcomes(data) == {
        "check_passes": (P, 0),
        "check_fails": (F, 0),
        "check_fails_first_run_only": (F, 0),
        "check_skipped": (S, 0),
        "check_xfail": (S, 0),
        "check_setup_error": (E, 0),
        "check_teardown_error": (E, 0),
        "CheckGroup::check_method": (P, 0),
    }
    assert data.counts == {Count.TESTS_RUN: 6, Count.TESTS_SKIPPED: 2}
    assert list(data.problems) == []
    fails = next(c for c in data.tests or () if c.id.endswith("::check_fails"))
    assert (fails.path, fails.line, fails.message) == (
        "checks/check_outcomes.py",
        32,
        "AssertionError: arithmetic",
    )


def test_a_rerun_in_a_fresh_process_makes_one_test_flaky_not_two() -> None:
    data = _read("outcomes.jsonl", "rerun.jsonl")
    outcomes = _outcomes(data)
    assert len(outcomes) == 8  # the same tests: never counted twice
    assert outcomes["check_fails_first_run_only"] == (P, 1)
    assert outcomes["check_fails"] == (F, 1)
    assert outcomes["check_setup_error"] == (E, 1)
    flaky = [c.id for c in data.tests or () if c.flaky]
    assert flaky == ["checks/check_outcomes.py::check_fails_first_run_only"]
    assert data.counts == {Count.TESTS_RUN: 6, Count.TESTS_SKIPPED: 2}


def test_merging_report_logs_keeps_the_last_attempt() -> None:
    first, rerun = _read("outcomes.jsonl").tests, _read("rerun.jsonl").tests
    assert first is not None and rerun is not None
    merged = pytest_reportlog.merge_attempts([first, rerun])
    assert merged == list(_read("outcomes.jsonl", "rerun.jsonl").tests or ())


@pytest.mark.parametrize("version", ["16.6.1", "16.7"])
def test_pytest_rerunfailures_attempts_are_reruns(version: str) -> None:
    path = ASSETS / "pytest-rerunfailures" / version / "reruns.reportlog.jsonl"
    outcomes = _outcomes(_read(data=path.read_bytes()))
    assert outcomes == {
        "check_fails_then_passes": (P, 1),
        "check_fails_every_attempt": (F, 2),
        "check_passes": (P, 0),
        "check_setup_error_then_passes": (P, 1),
        "check_teardown_error_every_attempt": (E, 2),
        "check_marker_passes_on_third_attempt": (P, 2),
        "check_skipped": (S, 0),
        "check_xfail": (S, 0),
    }


def test_nothing_collected_is_no_tests() -> None:
    assert [p.slug for p in _read("nothing.jsonl").problems] == ["no-tests"]


def test_a_session_cut_short_is_unfinished() -> None:
    lines = (HERE / "outcomes.jsonl").read_bytes().splitlines(keepends=True)
    data = _read(data=b"".join(lines[:-5]))
    assert [p.slug for p in data.problems] == ["reportlog-unfinished"]
    assert "1 of its 1 pytest session" in data.problems[0].message


def test_all_skipped() -> None:
    lines = (HERE / "outcomes.jsonl").read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if b"TestReport" not in line or b"check_skipped" in line]
    assert [p.slug for p in _read(data=b"".join(kept)).problems] == ["all-skipped"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json\n",
        b'{"$report_type": "TestReport"}\n',
        (
            b'{"pytest_version": "9.2.0", "$report_type": "SessionStart"}\n'
            b'{"nodeid": "a", "when": "lunch", "outcome": "passed", "location": [], '
            b'"duration": 0, "$report_type": "TestReport"}\n'
        ),
        (
            b'{"pytest_version": "9.2.0", "$report_type": "SessionStart"}\n'
            b'{"nodeid": "a", "when": "call", "outcome": "passed", "location": [], '
            b'"duration": NaN, "$report_type": "TestReport"}\n'
        ),
        b'{"exitstatus": 0, "$report_type": "SessionFinish"}\n',
    ],
)
def test_what_pytest_never_writes_is_refused(data: bytes) -> None:
    with pytest.raises(EvidenceError) as raised:
        _read(data=data)
    assert raised.value.slug in {"malformed-report", "empty-report", "invalid-json", "non-finite"}
