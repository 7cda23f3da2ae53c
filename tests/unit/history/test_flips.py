"""Flip rates and ``tests.flip_suspects`` on synthetic base histories (pure): the edges written down."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence

import pytest

from gates.history.flips import (
    FLIP_MIN_RUNS,
    FLIP_RUNS,
    Flips,
    flip_rates,
    flip_suspects,
)
from gates.history.model import BaseEntry, BaseHistory, RecordedTest, RunRecord
from gates.judge.evaluate import evaluate
from gates.model.measurement import Measured, Unmeasured
from gates.model.testids import canonical_test_id
from gates.model.verdict import Status
from gates.policy.load import parse_policy
from tests.unit._build import TODAY, evidence, junit, stage

OUTCOME = {"P": "passed", "F": "failed", "E": "error", "S": "skipped"}


def _record(commit: int, tests: dict[str, str]) -> RunRecord:
    """One run: ``tests`` maps an id to P, F, E or S; ``"-"`` leaves it out."""
    return RunRecord(
        run_id="1",
        commit=f"{commit:040x}",
        parent="",
        branch="main",
        recorded="2026-11-24T00:00:00Z",
        gates_version="0.1.0",
        policy="gates.toml",
        policy_sha256="",
        status="pass",
        exit_code=0,
        gates=(),
        counts={},
        tests=tuple(
            RecordedTest("unit", test_id, OUTCOME[code], 0.01, 0)
            for test_id, code in tests.items()
            if code != "-"
        ),
        tools=(),
    )


def _history(runs: dict[str, str]) -> BaseHistory:
    """Each test's outcomes run by run, the nearest run first: ``{"id": "PFPP"}``."""
    length = max(len(codes) for codes in runs.values())
    records = [
        _record(i, {test_id: codes[i] for test_id, codes in runs.items() if i < len(codes)})
        for i in range(length)
    ]
    return BaseHistory(
        base="main",
        merge_base="c" * 40,
        entries=tuple(BaseEntry(commit=r.commit, record=r) for r in records),
    )


def _rates(runs: dict[str, str]) -> dict[str, tuple[int, int]]:
    history = _history(runs)
    return {f.id: (f.flips, f.runs) for f in flip_rates(history.records(FLIP_RUNS), ())}


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("tests.test_x::test_y", "tests/test_x.py::test_y"),
        ("tests.test_x.TestY::test_z", "tests/test_x.py::TestY::test_z"),
        (
            "tests.unit.test_x.TestY.TestZ::test_w[1.5-a::b]",
            "tests/unit/test_x.py::TestY::TestZ::test_w[1.5-a::b]",
        ),
        ("tests/test_x.py::TestY::test_z", "tests/test_x.py::TestY::test_z"),  # a node id
        ("test_x.py::test_y", "test_x.py::test_y"),
        ("tests/test_x.py", "tests/test_x.py"),  # a collection error
        ("TestSuite::test_y", "TestSuite::test_y"),  # no module: kept
    ],
)
def test_a_junit_id_and_a_node_id_of_one_test_are_one_canonical_id(
    given: str, canonical: str
) -> None:
    assert canonical_test_id(given) == canonical


def test_a_flip_is_a_change_between_passed_and_failed_from_one_run_to_the_next() -> None:
    assert _rates(
        {
            "t.py::steady": "PPPPPP",
            "t.py::broken": "FFFFFF",
            "t.py::alternating": "PFPFPF",
            "t.py::once": "PPPFFF",
            "t.py::error_is_a_failure": "PEPPPP",
            "t.py::skips_do_not_count": "PSSFSP",
            "t.py::absent_runs_do_not_count": "P--F-P",
        }
    ) == {
        "t.py::steady": (0, 6),
        "t.py::broken": (0, 6),
        "t.py::alternating": (5, 6),
        "t.py::once": (1, 6),
        "t.py::error_is_a_failure": (2, 6),
        "t.py::skips_do_not_count": (2, 3),
        "t.py::absent_runs_do_not_count": (2, 3),
    }


def test_a_test_recorded_from_junit_then_from_the_report_log_is_one_test() -> None:
    history = _history(
        {"tests.test_x.TestY::test_z": "---PF", "tests/test_x.py::TestY::test_z": "FPP"}
    )
    rated = flip_rates(history.records(FLIP_RUNS), ())
    assert rated == [Flips("tests/test_x.py::TestY::test_z", 5, 2)]  # F P P, then P F


def test_the_rate_is_flips_over_runs_less_one_and_a_single_run_has_none() -> None:
    assert Flips("a", 5, 2).rate == 0.5
    assert Flips("a", 1, 0).rate == 0.0


def test_suspects_reach_the_threshold_over_enough_runs_and_are_named() -> None:
    measured = flip_suspects(
        _history(
            {
                "t.py::at_the_threshold": "PPPPPF",  # 1 flip in 6 runs: 0.2
                "t.py::just_below": "PPPPPPF",  # 1 in 7: 0.167
                "t.py::too_few_runs": "PF--",  # 1.0 over 2 runs
                "t.py::alternating": "PFPFP",  # 1.0
            }
        ),
        (),
    )
    assert isinstance(measured, Measured)
    assert measured.value == 2
    assert [o.label for o in measured.offenders] == ["t.py::alternating", "t.py::at_the_threshold"]
    assert measured.offenders[0].detail == "flip rate 1.00: 4 flips in 5 runs"
    assert "2 flip suspects" in measured.summary
    assert "t.py::at_the_threshold (flip rate 0.20: 1 flip in 6 runs)" in measured.summary


def test_no_suspect_is_zero_only_when_there_were_enough_runs() -> None:
    steady = flip_suspects(_history({"t.py::steady": "P" * FLIP_MIN_RUNS}), ())
    assert isinstance(steady, Measured) and steady.value == 0
    short = flip_suspects(_history({"t.py::steady": "P" * (FLIP_MIN_RUNS - 1)}), ())
    assert isinstance(short, Unmeasured)
    assert short.problems[0].slug == "no-base-history"
    assert "4 trusted records of main" in short.problems[0].message
    unknown = flip_suspects(BaseHistory(base="main", unknown="no history branch"), ())
    assert isinstance(unknown, Unmeasured)
    assert "no history branch" in unknown.problems[0].message


def test_only_the_last_runs_and_the_gates_stages_count() -> None:
    old_flips = "P" * FLIP_RUNS + "FPFPFP"  # the flips are older than the runs read
    recent = flip_suspects(_history({"t.py::old": old_flips}), ())
    assert isinstance(recent, Measured) and recent.value == 0
    other = flip_suspects(_history({"t.py::t": "PFPFP"}), ("integration",))
    assert isinstance(other, Unmeasured)  # no test of the stage in the history: never 0
    assert "hold no test of stage integration" in other.problems[0].message


def _judge(history: BaseHistory, *, extra: str = "") -> tuple[Status, str, Sequence[str]]:
    policy = parse_policy(
        tomllib.loads(
            f'[gate.flips]\nmetric = "tests.flip_suspects"\nstage = "unit"\nmax = 0\n{extra}'
        )
    )
    verdict = evaluate(
        policy, evidence(stage("unit", junit("unit", passed=2))), today=TODAY, history=history
    )
    gate = verdict.gates[0]
    return gate.status, gate.reason, [o.label for o in gate.offenders]


def test_the_gate_fails_naming_its_suspects_and_blocks_without_history() -> None:
    status, reason, labels = _judge(
        _history({"tests.test_x::test_f": "PFPFPF", "tests.test_x::test_s": "PPPPPP"})
    )
    assert (status, labels) == (Status.FAIL, ["tests/test_x.py::test_f"])
    assert "tests/test_x.py::test_f (flip rate 1.00: 5 flips in 6 runs)" in reason
    assert _judge(_history({"tests.test_x::test_s": "PPPPPP"}))[0] is Status.PASS
    assert _judge(BaseHistory(base="main", unknown="none"))[0] is Status.ERROR
    assert _judge(_history({"t.py::t": "PP"}))[0] is Status.ERROR  # two runs: unknown, never 0
    assert _judge(_history({"t.py::t": "PP"}), extra='on-missing = "warn"\n')[0] is Status.WARN
