"""Test analytics on a real project: reruns in a fresh process, flaky tests, quarantine.

A test made to fail one run in three (a counter file, never a clock) fails the
stage's first run and passes its rerun in a fresh process: it is one test,
flaky, not two, and does not fail ``tests.failed``. A quarantined test that
always fails does not block until its entry expires; then it blocks.
"""

from __future__ import annotations

import json
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


def test_sometimes() -> None:
    """Fails one run in three: the first, the fourth, ... (counted in a file)."""
    run = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(run))
    assert run % 3 != 1, f"run {{run}} fails"


def test_broken() -> None:
    assert add(2, 2) == 5
'''

POLICY = """\
[gates]
base = "main"

[gate.tests]
metric = "tests.failed"
stage = "unit"
max = 0

[gate.total]
metric = "tests.total"
stage = "unit"
min = 3
max = 3

[gate.flaky]
metric = "tests.flaky"
stage = "unit"
max = 0
level = "warn"

[gate.quarantine-budget]
metric = "tests.quarantined"
max = 1

[[quarantine]]
test = "tests/test_calc.py::test_broken"
owner = "ana"
reason = "the fix needs the new parser, #42"
expires = 2027-01-31
"""


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


def _unit(gates: Gates) -> None:
    rerun = [PY, "-m", "gates.stage.rerun", "--report-log", "{stage_dir}/reportlog.jsonl"]
    pytest_ = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    codes = gates.stage(
        "unit",
        [
            step(
                "--tool",
                "pytest",
                "--report",
                "pytest-reportlog=reportlog.jsonl",
                command=[*rerun, "--reruns", "2", "--", *pytest_],
            )
        ],
    )
    assert codes == [0]


def test_a_test_failing_one_run_in_three_is_one_flaky_test(project: Gates) -> None:
    _unit(project)
    log = (project.root / ".gates" / "unit" / "reportlog.jsonl").read_text()
    assert log.count('"SessionStart"') == 3  # the run, and two reruns of test_broken
    verdict = project.check().verdict()
    assert verdict.gate("total")["observed"] == 3  # never 4: the rerun is not another test
    flaky = verdict.gate("flaky")
    assert (flaky["status"], flaky["observed"]) == ("warn", 1)
    assert [o["label"] for o in flaky["offenders"]] == ["tests/test_calc.py::test_sometimes"]
    tests = verdict.gate("tests")
    assert tests["status"] == "pass"  # test_broken is quarantined, test_sometimes passed
    assert "1 quarantined failure not counted (tests/test_calc.py::test_broken)" in tests["reason"]
    assert verdict.gate("quarantine-budget")["status"] == "pass"
    assert any("quarantine[0]" in note and "ana" in note for note in verdict.document["notes"])
    assert verdict.exit_code == 0
    assert verdict.document["status"] == "warn"

    ran = project(
        "history",
        "record",
        "--root",
        str(project.root),
        "--config",
        str(project.root / "gates.toml"),
        "--run-id",
        "1",
    )
    assert ran.code == 0, ran.err
    commit = git(project.root, "rev-parse", "HEAD").strip()
    record = json.loads(
        git(project.root, "show", f"gates-history:runs/{commit[:2]}/{commit}/1.json")
    )
    by_id = {t["id"]: (t["outcome"], t["reruns"]) for t in record["tests"]}
    assert by_id == {
        "tests/test_calc.py::test_add": ("passed", 0),
        "tests/test_calc.py::test_sometimes": ("passed", 1),
        "tests/test_calc.py::test_broken": ("failed", 2),
    }


def test_a_quarantined_failure_blocks_after_its_expiry(project: Gates) -> None:
    _unit(project)
    before = project.check("--today", "2027-01-31").verdict()
    assert before.gate("tests")["status"] == "pass"
    after = project.check("--today", "2027-02-01").verdict()
    tests = after.gate("tests")
    assert tests["status"] == "fail" and tests["observed"] == 1
    assert [o["label"] for o in tests["offenders"]] == ["tests/test_calc.py::test_broken"]
    assert after.exit_code == 1
    assert any("expired on 2027-01-31" in note for note in after.document["notes"])


def test_the_quarantine_budget_blocks_a_growing_list(project: Gates) -> None:
    _unit(project)
    grown = POLICY + (
        '\n[[quarantine]]\ntest = "tests/test_calc.py::test_add"\nowner = "bo"\n'
        'reason = "not flaky at all"\nexpires = 2027-01-31\n'
    )
    policy = project.root.parent / "grown.toml"
    policy.write_text(grown)
    verdict = project.check(config=policy).verdict()
    budget = verdict.gate("quarantine-budget")
    assert (budget["status"], budget["observed"]) == ("fail", 2)
