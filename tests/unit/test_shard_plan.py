"""The split of a stage's tests into shards: balanced, deterministic, never an empty shard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.cli.main import main
from gates.errors import EvidenceError, UsageError
from gates.stage.shards.plan import junit_key, make_plan, plan_of, read_plan, recorded_durations
from gates.stage.shards.request import parse_request, planned_arguments, shard_stage

TESTS = [
    "tests/test_a.py::test_1",
    "tests/test_a.py::test_2",
    "tests/test_a.py::test_3",
    "tests/test_b.py::test_1",
    "tests/test_b.py::TestC::test_2[x-1]",
    "tests/sub/test_c.py::test_1",
]


def test_without_durations_whole_files_are_balanced_by_their_number_of_tests() -> None:
    plan = make_plan("unit", TESTS, total=2, durations={})
    assert plan.by == "files"
    assert plan.shards == (
        ("tests/test_a.py::test_1", "tests/test_a.py::test_2", "tests/test_a.py::test_3"),
        (
            "tests/test_b.py::test_1",
            "tests/test_b.py::TestC::test_2[x-1]",
            "tests/sub/test_c.py::test_1",
        ),
    )
    assert plan.arguments(2) == ("tests/test_b.py", "tests/sub/test_c.py")


def test_with_durations_the_longest_go_first_onto_the_lightest_shard() -> None:
    durations = {TESTS[0]: 10.0, TESTS[1]: 6.0, TESTS[2]: 5.0, TESTS[3]: 4.0, TESTS[4]: 1.0}
    plan = make_plan("unit", TESTS, total=2, durations=durations)
    assert plan.by == "durations"
    # the unknown test weighs the mean, 5.2; placed 10 | 6 | 5.2 -> 2 | 5 -> 1 | 4 -> 2 | 1 -> 1
    assert plan.shards == ((TESTS[0], TESTS[2], TESTS[4]), (TESTS[1], TESTS[3], TESTS[5]))
    assert plan.arguments(1) == plan.shards[0]  # tests, one by one


def test_every_test_is_in_exactly_one_shard_and_order_is_pytests() -> None:
    durations = {test: float(len(test) % 7) for test in TESTS}
    for total in (1, 2, 3, 6):
        plan = make_plan("unit", TESTS, total=total, durations=durations)
        placed = [test for part in plan.shards for test in part]
        assert sorted(placed) == sorted(TESTS)
        for part in plan.shards:
            assert list(part) == [test for test in TESTS if test in part]


def test_the_same_input_gives_the_same_plan_and_digest() -> None:
    durations = {TESTS[0]: 1.0, TESTS[3]: 1.0}  # ties broken by name, never by chance
    first = make_plan("unit", TESTS, total=3, durations=durations)
    again = make_plan("unit", list(TESTS), total=3, durations=dict(reversed(durations.items())))
    assert first == again and first.digest == again.digest
    other = make_plan("unit", TESTS, total=2, durations=durations)
    assert other.digest != first.digest


@pytest.mark.parametrize("total", [0, 4])
def test_a_plan_that_would_leave_a_shard_empty_is_refused(total: int) -> None:
    with pytest.raises(UsageError, match="without an empty one"):
        make_plan("unit", TESTS, total=total, durations={})  # three files


def test_durations_come_from_the_stages_junit_report(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest" tests="3">'
        '<testcase classname="tests.test_a" name="test_1" time="2.5"/>'
        '<testcase classname="tests.test_b.TestC" name="test_2[x-1]" time="0.5"/>'
        '<testcase classname="tests.test_a" name="test_gone" time="9"/>'
        "</testsuite></testsuites>"
    )
    assert recorded_durations(tmp_path, TESTS) == {TESTS[0]: 2.5, TESTS[4]: 0.5}
    assert junit_key(TESTS[5]) == ("tests.sub.test_c", "test_1")


@pytest.mark.parametrize("text", ["", "<testsuites>", '<!DOCTYPE x [<!ENTITY a "b">]><x/>'])
def test_an_unreadable_report_gives_no_durations(tmp_path: Path, text: str) -> None:
    (tmp_path / "junit.xml").write_text(text)
    assert recorded_durations(tmp_path, TESTS) == {}
    assert recorded_durations(tmp_path / "absent", TESTS) == {}


def test_a_report_log_is_preferred_and_its_phases_summed(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text(
        '<testsuite><testcase classname="tests.test_a" name="test_1" time="9"/></testsuite>'
    )
    phases = [("setup", 0.25), ("call", 1.5), ("teardown", 0.25)]
    lines: list[dict[str, object]] = [{"$report_type": "SessionStart"}]
    lines += [
        {"$report_type": "TestReport", "nodeid": TESTS[0], "when": w, "duration": d}
        for w, d in phases
    ]
    lines += [{"$report_type": "TestReport", "nodeid": TESTS[1], "when": "call", "duration": "x"}]
    (tmp_path / "reportlog.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert recorded_durations(tmp_path, TESTS) == {TESTS[0]: 2.0}
    (tmp_path / "reportlog.jsonl").write_text('{"$report_type": NaN}\n')
    assert recorded_durations(tmp_path, TESTS) == {}  # unreadable: no durations, never junit's


def test_a_plan_reads_back_as_written(tmp_path: Path) -> None:
    plan = make_plan("unit", TESTS, total=3, durations={})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan.as_json()))
    assert read_plan(path, display="plan.json") == plan
    assert planned_arguments(path, 2) == plan.arguments(2)


@pytest.mark.parametrize(
    "change",
    [
        {"schema": 2},
        {"total": "2"},
        {"by": "luck"},
        {"shards": [["a"]]},
        {"shards": [["a"], []]},
        {"shards": [["a"], [3]]},
    ],
)
def test_a_malformed_plan_is_refused(change: dict[str, object]) -> None:
    value = {**make_plan("unit", TESTS, total=2, durations={}).as_json(), **change}
    with pytest.raises(EvidenceError) as raised:
        plan_of(value, display="plan.json")
    assert raised.value.slug == "shard-mismatch"


def test_gates_shard_is_k_of_n_or_combine() -> None:
    assert (parse_request("2/4").index, parse_request("2/4").total) == (2, 4)
    assert parse_request("combine").combine
    assert not parse_request("1/1").combine
    for wrong in ("0/2", "3/2", "2", "a/b", "1/2/3", ""):
        with pytest.raises(UsageError, match="GATES_SHARD"):
            parse_request(wrong)
    assert shard_stage("unit", 2, 4) == "unit-shard-2-of-4"


@pytest.mark.parametrize(
    ("stage", "shard"), [("unit", "1/3"), ("integration", "1/2"), ("unit", "combine")]
)
def test_recording_a_shard_of_another_plan_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stage: str, shard: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(make_plan("unit", TESTS, total=2, durations={}).as_json()))
    argv = ["shard", "record", "--root", str(tmp_path), "--stage", stage, "--shard", shard]
    assert main([*argv, "--plan", str(path)]) == 2
    assert "pass the plan this shard ran" in capsys.readouterr().err
