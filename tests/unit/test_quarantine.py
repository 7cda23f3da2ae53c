"""``[[quarantine]]``: parsed like a waiver, judged in the verdict (pure)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.errors import PolicyError
from gates.judge.evaluate import evaluate
from gates.kinds.attempts import pytest_tallies, stage_tests
from gates.model.reports import Outcome, ReportData, ResultTally
from gates.model.reports import TestCase as Case  # not "Test*": pytest would collect it
from gates.model.verdict import Status
from gates.policy.base import judge_against_base
from gates.policy.load import parse_policy
from gates.policy.quarantine import Quarantine
from gates.stage.rerun import failed_ids, rerun_command
from tests.unit._build import evidence, junit, report, stage

POLICY = """
[gate.tests]
metric = "tests.failed"
max = 0

[gate.budget]
metric = "tests.quarantined"
max = 1

[[quarantine]]
test = "tests.test_x::test_failed_*"
owner = "ana"
reason = "known, #42"
expires = 2027-01-31
"""


def _verdict(policy: str, today: dt.date) -> tuple[Status, Status, Status]:
    ev = evidence(stage("unit", junit("unit", passed=2, failed=1)))
    verdict = evaluate(parse_policy(tomllib.loads(policy)), ev, today=today)
    return verdict.status, verdict.gates[0].status, verdict.gates[1].status


def test_a_live_entry_keeps_its_failures_out_of_tests_failed() -> None:
    assert _verdict(POLICY, dt.date(2027, 1, 31)) == (Status.PASS, Status.PASS, Status.PASS)


def test_an_expired_entry_covers_nothing_and_blocks() -> None:
    assert _verdict(POLICY, dt.date(2027, 2, 1)) == (Status.FAIL, Status.FAIL, Status.PASS)
    passing = POLICY.replace("test_failed_*", "test_passed_0")  # nothing fails, still expired
    status, tests, _ = _verdict(passing, dt.date(2027, 2, 1))
    assert (status, tests) == (Status.FAIL, Status.FAIL)


def test_a_base_policy_keeps_its_own_entries_only() -> None:
    base = parse_policy(tomllib.loads(POLICY))
    head = parse_policy(tomllib.loads(POLICY.replace("test_failed_*", "*")))
    assert judge_against_base(base, head).policy.quarantine == ()  # a new entry never applies
    assert judge_against_base(base, base).policy.quarantine == base.quarantine


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ('owner = "a"\nreason = "r"\nexpires = 2027-01-31\n', "quarantine[0].test"),
        ('test = "t"\nreason = "r"\nexpires = 2027-01-31\n', "quarantine[0].owner"),
        (
            'test = "t"\nowner = "a"\nreason = "r"\nexpires = "2027-01-31"\n',
            "quarantine[0].expires",
        ),
        (
            'test = "t"\nowner = "a"\nreason = "r"\nexpires = 2027-01-31\nuntil = 1\n',
            "quarantine[0].until",
        ),
    ],
)
def test_a_wrong_entry_is_a_policy_error_naming_the_key(entry: str, key: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(
            tomllib.loads('[gate.t]\nmetric = "tests.failed"\nmax = 0\n[[quarantine]]\n' + entry)
        )
    assert raised.value.key == key


def test_the_rerun_picks_the_tests_whose_last_attempt_failed() -> None:
    log = b"\n".join(
        [
            b'{"$report_type": "SessionStart"}',
            b'{"$report_type": "TestReport", "nodeid": "a", "when": "call", "outcome": "failed"}',
            b'{"$report_type": "TestReport", "nodeid": "b", "when": "setup", "outcome": "failed"}',
            b'{"$report_type": "TestReport", "nodeid": "c", "when": "call", "outcome": "passed"}',
            b'{"$report_type": "TestReport", "nodeid": "c", "when": "teardown", "outcome": "failed"}',
            b"not json",
            b'{"$report_type": "TestReport", "nodeid": "d", "when": "call", "outcome": "passed"}',
        ]
    )
    assert failed_ids(log) == ["a", "b", "c"]
    assert failed_ids(log + b'\n{"$report_type": "SessionStart"}') == []


def test_a_rerun_keeps_the_options_and_drops_the_paths_and_the_junit_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run's JUnit file stays whole: a rerun of two tests never overwrites it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "slow").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    command = [
        *("coverage", "run", "--parallel-mode", "--source=pkg", "-m", "pytest", "tests"),
        *("--junitxml=.gates/unit/junit.xml", "-o", "junit_family=xunit2", "-k", "add"),
        *("-c", "pytest.ini", "--ignore", "tests/slow", "--junit-xml", "j.xml", "-x", "tests"),
    ]
    assert rerun_command(command, ["tests/t.py::a", "tests/t.py::b"]) == [
        *("coverage", "run", "--parallel-mode", "--source=pkg", "-m", "pytest"),
        *("-o", "junit_family=xunit2", "-k", "add", "-c", "pytest.ini", "--ignore", "tests/slow"),
        *("-x", "tests/t.py::a", "tests/t.py::b"),
    ]


def test_a_rerun_of_a_shard_runs_the_failed_tests_not_the_shards_node_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shard is given node ids (``tests/t.py::a``): a rerun drops them, or it reruns the shard."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text("")
    command = ["python", "-m", "pytest", "tests/t.py::a", "tests/t.py::b", "-k", "not::slow"]
    assert rerun_command(command, ["tests/t.py::b"]) == [
        *("python", "-m", "pytest", "-k", "not::slow", "tests/t.py::b"),
    ]


def test_beside_a_report_log_the_stages_junit_counts_for_nothing() -> None:
    """The first run's JUnit file (a test failed there, passed on its rerun) never contradicts."""
    first = Case("tests.test_x::test_f", Outcome.FAILED, "boom", "tests/test_x.py", 1, 0.1)
    tally = ResultTally(passed=1, failed=1, errors=0, skipped=0, xfailed=0, rerun=0)
    counts = {Count.TESTS_RUN: 2, Count.TESTS_SKIPPED: 0}
    junit_xml = report(
        "unit",
        "junit.xml",
        "junit-xml",
        Kind.TESTS,
        ReportData(
            tool="pytest",
            tests=[first, _passed("tests.test_x::test_p")],
            tally=tally,
            counts=counts,
        ),
    )
    merged = [
        _passed("tests/test_x.py::test_f")._replace(reruns=1),
        _passed("tests/test_x.py::test_p"),
    ]
    log = report(
        "unit",
        "reportlog.jsonl",
        "pytest-reportlog",
        Kind.TESTS,
        ReportData(tool="pytest", tests=merged, counts=counts),
    )
    policy = (
        '[gate.f]\nmetric = "tests.failed"\nmax = 0\n[gate.t]\nmetric = "tests.total"\nmax = 2\n'
    )
    verdict = evaluate(
        parse_policy(tomllib.loads(policy)),
        evidence(stage("unit", log, junit_xml)),
        today=dt.date(2027, 1, 1),
    )
    failed, total = verdict.gates
    assert (failed.status, failed.observed, total.observed) == (Status.PASS, 0, 2)
    assert "pytest's results" not in failed.reason  # the JUnit tally is not shown beside
    assert [t.id for t in stage_tests([log, junit_xml])["unit"]] == [c.id for c in merged]


def test_one_stage_rerun_hides_every_stages_pytest_results() -> None:
    """The integration stage's tally alone beside both stages' tests would read as a gap."""
    tally = ResultTally(passed=1, failed=0, errors=0, skipped=0, xfailed=0, rerun=0)
    other = report(
        "integration",
        "junit.xml",
        "junit-xml",
        Kind.TESTS,
        ReportData(tool="pytest", tests=[_passed("tests.test_y::test_i")], tally=tally),
    )
    rerun = report(
        "unit",
        "reportlog.jsonl",
        "pytest-reportlog",
        Kind.TESTS,
        ReportData(tool="pytest", tests=[_passed("tests/test_x.py::test_f")._replace(reruns=1)]),
    )
    assert pytest_tallies([other, rerun]) == []
    assert pytest_tallies([other]) == [tally]


def _passed(test_id: str) -> Case:
    return Case(test_id, Outcome.PASSED, "", "tests/test_x.py", 2, 0.1)


def test_beside_a_report_log_without_reruns_pytests_own_results_still_show() -> None:
    """The same run: JUnit's tally keeps what the report-log has not, the passing subtests."""
    cases = [_passed("tests.test_x::test_a"), _passed("tests.test_x::test_b")]
    tally = ResultTally(passed=5, failed=0, errors=0, skipped=0, xfailed=0, rerun=0)
    junit_xml = report(
        "unit",
        "junit.xml",
        "junit-xml",
        Kind.TESTS,
        ReportData(tool="pytest", tests=cases, tally=tally),
    )
    logged = [_passed("tests/test_x.py::test_a"), _passed("tests/test_x.py::test_b")]
    log = report(
        "unit",
        "reportlog.jsonl",
        "pytest-reportlog",
        Kind.TESTS,
        ReportData(tool="pytest", tests=logged),
    )
    policy = '[gate.f]\nmetric = "tests.failed"\nmax = 0\n'
    ev = evidence(stage("unit", log, junit_xml))
    verdict = evaluate(parse_policy(tomllib.loads(policy)), ev, today=dt.date(2027, 1, 1))
    assert verdict.gates[0].reason.endswith("; and 3 subtests passed")


@pytest.mark.parametrize(
    ("pattern", "test_id", "covered"),
    [
        ("tests/test_x.py::test_f*", "tests/test_x.py::test_flaky", True),
        ("tests.test_x::test_f*", "tests/test_x.py::test_flaky", True),  # a JUnit-style entry
        ("tests/test_x.py::TestY::test_z", "tests.test_x.TestY::test_z", True),
        ("tests/test_x.py::test_f*", "tests/test_y.py::test_flaky", False),
        ("tests.test_x::test_f*", "tests/test_x.py::TestY::test_flaky", False),
    ],
)
def test_an_entry_covers_a_test_by_its_node_id_whichever_report_named_it(
    pattern: str, test_id: str, *, covered: bool
) -> None:
    entry = Quarantine(index=0, test=pattern, owner="ana", reason="r", expires=dt.date(2027, 1, 31))
    assert entry.covers(test_id) is covered
