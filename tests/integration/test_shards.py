"""A test stage run as 2 shards and combined judges as one job running every test does.

A small project (three test files, one failing test, one skipped, code that each
file covers in part) runs its unit stage sharded as the Noxfile recipe runs it
(``gates shard plan``, each shard as ``unit-shard-K-of-2``, ``gates shard
record``, ``gates shard combine``), then whole; ``gates check`` sees the same
coverage percentage and the same test counts both times, and coverage.py's own
totals are equal.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gates.stage.shards.plan import read_plan
from tests.integration.conftest import PY, Gates, commit_all, git, step

SHAPES = """\
def area(kind: str, size: int) -> int:
    if kind == "square":
        return size * size
    if kind == "line":
        return 0
    return -1


def perimeter(kind: str, size: int) -> int:
    if kind == "square":
        return 4 * size
    return 0
"""

TESTS = {
    "test_square.py": (
        "from pkg.shapes import area\n\n\ndef test_square() -> None:\n"
        '    assert area("square", 3) == 9\n\n\ndef test_wrong() -> None:\n'
        '    assert area("square", 2) == 5\n'
    ),
    "test_line.py": (
        "import pytest\n\nfrom pkg.shapes import area, perimeter\n\n\ndef test_line() -> None:\n"
        '    assert area("line", 3) == 0\n\n\n@pytest.mark.skip(reason="not yet")\n'
        'def test_later() -> None:\n    assert perimeter("line", 1) == 0\n'
    ),
    "test_perimeter.py": (
        "from pkg.shapes import perimeter\n\n\ndef test_perimeter() -> None:\n"
        '    assert perimeter("square", 2) == 8\n'
    ),
}

SHARDS = ".gates/.shards"  # where the recipe's shards write (gates.stage.shards.request)

POLICY = """\
[gates]
base = "main"

[gate.coverage]
metric = "coverage.percent"
stage = "unit"
min = 10

[gate.failed]
metric = "tests.failed"
stage = "unit"
max = 0

[gate.total]
metric = "tests.total"
stage = "unit"
min = 1
"""


@pytest.fixture
def project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Gates:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    (root / "pkg" / "__init__.py").write_text('"""Shapes."""\n')
    (root / "pkg" / "shapes.py").write_text(SHAPES)
    for name, text in TESTS.items():
        (root / "tests" / name).write_text(text)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (root / "gates.toml").write_text(POLICY)
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n")
    commit_all(root, "shapes")
    for name in ("PYTEST_ADDOPTS", "COVERAGE_PROCESS_START", "COVERAGE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(root)
    return Gates(root, capsys)


def _tests(
    gates: Gates,
    stage: str,
    arguments: list[str],
    monkeypatch: pytest.MonkeyPatch,
    reports: str = ".gates",
) -> None:
    """The recipe's test step, and coverage.py's JSON report of its data."""
    monkeypatch.setenv("COVERAGE_FILE", str(gates.root / reports / stage / ".coverage"))
    pytest_ = ["-m", "pytest", *arguments, "--junitxml={stage_dir}/junit.xml"]
    run = [PY, "-m", "coverage", "run", "--source", "pkg", *pytest_, "-o", "junit_family=xunit2"]
    json_ = [PY, "-m", "coverage", "json", "-o", "{stage_dir}/coverage.json"]
    where = ("--reports", reports)
    codes = gates.stage(
        stage,
        [
            step(*where, "--tool", "pytest", "--report", "junit-xml=junit.xml", command=run),
            step(
                *where,
                "--append",
                "--tool",
                "coverage",
                "--report",
                "coverage-json=coverage.json",
                command=json_,
            ),
        ],
    )
    monkeypatch.delenv("COVERAGE_FILE")
    assert codes == [0, 0]


def _observed(gates: Gates) -> dict[str, object]:
    verdict = gates.check().verdict()
    assert verdict.exit_code == 1, verdict.document  # the failing test, and nothing else
    assert verdict.statuses() == {"coverage": "pass", "failed": "fail", "total": "pass"}
    totals = json.loads((gates.root / ".gates" / "unit" / "coverage.json").read_text())["totals"]
    return {
        "coverage": verdict.gate("coverage")["observed"],
        "failed": verdict.gate("failed")["observed"],
        "total": verdict.gate("total")["observed"],
        "lines": (totals["covered_lines"], totals["num_statements"]),
    }


def test_two_shards_combined_judge_as_one_job(
    project: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project.root
    plan_file = root.parent / "unit.plan.json"
    planned = project(
        "shard",
        "plan",
        "--root",
        str(root),
        "--stage",
        "unit",
        "--shards",
        "2",
        "--output",
        str(plan_file),
        "--",
        "tests",
    )
    assert planned.code == 0, planned.err
    plan = read_plan(plan_file, display="plan")
    assert plan.by == "files" and sorted(len(part) for part in plan.shards) == [2, 3]
    for index in (1, 2):
        _tests(
            project, f"unit-shard-{index}-of-2", list(plan.arguments(index)), monkeypatch, SHARDS
        )
        recorded = project(
            "shard",
            "record",
            "--root",
            str(root),
            "--stage",
            "unit",
            "--shard",
            f"{index}/2",
            "--plan",
            str(plan_file),
        )
        assert recorded.code == 0, recorded.err
    combined = project("shard", "combine", "--root", str(root), "--stage", "unit", "--shards", "2")
    assert combined.code == 0, combined.err
    sharded = _observed(project)

    shutil.rmtree(root / ".gates")
    _tests(project, "unit", ["tests"], monkeypatch)
    whole = _observed(project)
    assert sharded == whole
    assert whole["total"] == 5 and whole["failed"] == 1


def test_a_missing_shard_blocks_gates_check(
    project: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project.root
    plan_file = root.parent / "unit.plan.json"
    planned = project(
        "shard",
        "plan",
        "--root",
        str(root),
        "--stage",
        "unit",
        "--shards",
        "2",
        "--output",
        str(plan_file),
        "--",
        "tests",
    )
    assert planned.code == 0, planned.err
    plan = read_plan(plan_file, display="plan")
    _tests(project, "unit-shard-1-of-2", list(plan.arguments(1)), monkeypatch, SHARDS)
    recorded = project(
        "shard",
        "record",
        "--root",
        str(root),
        "--stage",
        "unit",
        "--shard",
        "1/2",
        "--plan",
        str(plan_file),
    )
    assert recorded.code == 0, recorded.err
    combined = project("shard", "combine", "--root", str(root), "--stage", "unit")
    assert combined.code == 3
    assert "shard 2 of 2 of unit is missing" in combined.err
    assert "GATES_SHARD=2/2 nox -s unit" in combined.err
    verdict = project.check().verdict()
    assert verdict.exit_code == 3
    assert any("shard 2 of 2" in p["message"] for p in verdict.problems("coverage"))
