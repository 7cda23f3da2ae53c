"""Flip suspects across real base-branch runs recorded in the history.

Five commits of ``main``, each with its unit stage run and recorded with
``gates history record``: a test that passes and fails on alternate runs (a
counter file, never a clock) and a steady one. The first two runs record
JUnit XML alone (ids ``tests.test_calc::test_x``), the last three pytest's
report-log through ``gates.stage.rerun --reruns 0`` (node ids
``tests/test_calc.py::test_x``): one test all the same. Four recorded runs
are too few (missing, not 0); with five, a change's verdict names the suspect.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import PY, Gates, commit_all, git, step

TESTS = '''\
"""Tests of pkg.calc."""

from pathlib import Path

from pkg.calc import add

COUNTER = Path({counter!r})


def test_add() -> None:
    assert add(1, 2) == 3


def test_alternating() -> None:
    """Fails every second run (counted in a file)."""
    run = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(run))
    assert run % 2 == 1, f"run {{run}} fails"
'''

POLICY = """\
[gates]
base = "main"

[gate.flips]
metric = "tests.flip_suspects"
stage = "unit"
max = 0
"""

PROBE = "flip rates unknown: 4 trusted records of main in its last 20 recorded commits"
_PYTEST = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    (root / "pkg").mkdir()
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""A small package."""\n')
    (root / "pkg" / "calc.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    counter = tmp_path / "runs.txt"  # outside the repository: the tree stays clean
    (root / "tests" / "test_calc.py").write_text(TESTS.format(counter=str(counter)))
    (root / "gates.toml").write_text(POLICY)
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n")
    commit_all(root, "base")
    return Gates(root, capsys)


def _unit(gates: Gates, run: int) -> None:
    if run <= 2:  # recorded from JUnit XML, as before the stages wrote a report-log
        junit = "--junitxml={stage_dir}/junit.xml"
        unit = step(
            "--tool", "pytest", "--report", "junit-xml=junit.xml", command=[*_PYTEST, junit]
        )
    else:
        rerun = [PY, "-m", "gates.stage.rerun", "--report-log", "{stage_dir}/reportlog.jsonl"]
        unit = step(
            "--tool",
            "pytest",
            "--report",
            "pytest-reportlog=reportlog.jsonl",
            command=[*rerun, "--reruns", "0", "--", *_PYTEST],
        )
    assert gates.stage("unit", [unit]) == [0]


def _run_and_record(gates: Gates, run: int) -> None:
    _unit(gates, run)
    ran = gates(
        "history",
        "record",
        "--root",
        str(gates.root),
        "--config",
        str(gates.root / "gates.toml"),
        "--run-id",
        str(run),
    )
    assert ran.code == 0, ran.err


def test_a_test_flipping_on_the_base_branch_is_named_a_suspect(project: Gates) -> None:
    root = project.root
    for run in range(1, 5):
        if run > 1:
            git(root, "commit", "-q", "--allow-empty", "-m", f"commit {run}")
        _run_and_record(project, run)
    git(root, "commit", "-q", "--allow-empty", "-m", "commit 5")
    too_few = project.check().verdict().gate("flips")  # four records, before this commit
    assert too_few["status"] == "error"
    assert PROBE in str(too_few), too_few
    _run_and_record(project, 5)

    git(root, "checkout", "-q", "-b", "change")
    git(root, "commit", "-q", "--allow-empty", "-m", "a change")
    _unit(project, 6)  # the change's own run
    flips = project.check().verdict().gate("flips")
    assert (flips["status"], flips["observed"]) == ("fail", 1)
    assert [o["label"] for o in flips["offenders"]] == ["tests/test_calc.py::test_alternating"]
    assert (
        "tests/test_calc.py::test_alternating (flip rate 1.00: 4 flips in 5 runs)"
        in (flips["reason"])
    )
