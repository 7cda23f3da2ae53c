"""The history store and the ratchets, on a scripted series of commits of a real project.

Each run is real: pytest under coverage through ``gates run``, then ``gates
history record`` on the base branch, then ``gates check`` on a change. What is
checked: a coverage drop blocked by the ratchet though above the absolute
minimum; a removed test counted; a base without history following
``on-missing``; concurrent writers losing no record; a corrupt record reported
and not trusted.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import (
    BASE_CALC,
    BASE_TESTS,
    FEATURE_CALC,
    FEATURE_TESTS,
    PY,
    Gates,
    commit_all,
    git,
    run_module,
    unit_stage,
)

POLICY = """\
[gates]
base = "main"

[gate.coverage]
metric = "coverage.percent"
stage = "unit"
min = 60

[gate.no-drop]
metric = "coverage.delta"
stage = "unit"
min = -1

[gate.removed]
metric = "tests.removed"
stage = "unit"
max = 0

[gate.failed-vs-base]
metric = "tests.failed"
stage = "unit"
vs = "base"
max = 0
"""

RATCHETS = ("no-drop", "removed", "failed-vs-base")


def _project(root: Path, policy: str = POLICY) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    (root / "pkg").mkdir()
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""A small package."""\n')
    (root / "pkg" / "calc.py").write_text(FEATURE_CALC)
    (root / "tests" / "test_calc.py").write_text(FEATURE_TESTS)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (root / "gates.toml").write_text(policy)
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n.coverage\n.coverage.*\n")
    commit_all(root, "base")


def _unit(gates: Gates) -> None:
    codes = gates.stage("unit", unit_stage())
    assert codes == [0, 0]


def _record(gates: Gates, run_id: str) -> str:
    ran = gates(
        "history",
        "record",
        "--root",
        str(gates.root),
        "--run-id",
        run_id,
        "--config",
        str(gates.root / "gates.toml"),
    )
    assert ran.code == 0, ran.err
    return ran.out


def _files(root: Path, branch: str = "gates-history") -> list[str]:
    return git(root, "ls-tree", "-r", "--name-only", branch).split()


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    root = tmp_path / "project"
    _project(root)
    return Gates(root, capsys)


def test_a_base_without_history_follows_on_missing(project: Gates) -> None:
    _unit(project)
    verdict = project.check().verdict()
    for name in RATCHETS:
        assert project.check().verdict().gate(name)["status"] == "error"
        assert verdict.slugs(name) == ["no-base-history"], name
    assert verdict.gate("coverage")["status"] == "pass"
    warned = (
        (project.root / "gates.toml")
        .read_text()
        .replace('metric = "coverage.delta"', 'metric = "coverage.delta"\non-missing = "warn"')
    )
    (project.root.parent / "warn.toml").write_text(warned)
    again = project.check(config=project.root.parent / "warn.toml").verdict()
    assert again.gate("no-drop")["status"] == "warn"
    assert "trend unknown" in again.gate("no-drop")["reason"]


def test_a_coverage_drop_is_blocked_by_the_ratchet_above_the_minimum(project: Gates) -> None:
    root = project.root
    _unit(project)
    out = _record(project, "base-1")
    base = git(root, "rev-parse", "HEAD").strip()
    assert f"runs/{base[:2]}/{base}/base-1.json" in out
    assert _files(root) == [f"runs/{base[:2]}/{base}/base-1.json"]
    record = json.loads(git(root, "show", f"gates-history:runs/{base[:2]}/{base}/base-1.json"))
    assert record["run"]["commit"] == base
    assert record["run"]["branch"] == "main"
    assert {t["id"] for t in record["tests"]} == {
        "tests.test_calc::test_add",
        "tests.test_calc::test_clamp",
    }
    coverage = next(g for g in record["gates"] if g["name"] == "coverage")
    assert coverage["value"] == 87.5  # clamp's `value > high` branch is never taken

    git(root, "checkout", "-q", "-b", "drop")
    tests = (root / "tests" / "test_calc.py").read_text()
    (root / "tests" / "test_calc.py").write_text(
        tests.replace("    assert clamp(5, 0, 10) == 5\n", "")
    )
    commit_all(root, "test less of clamp")
    _unit(project)
    verdict = project.check().verdict()
    assert verdict.gate("coverage")["status"] == "pass"  # above the absolute minimum of 60
    no_drop = verdict.gate("no-drop")
    assert no_drop["status"] == "fail"
    assert no_drop["observed"] == pytest.approx(62.5 - 87.5)
    assert f"main at {base[:12]}" in no_drop["reason"]
    assert verdict.gate("removed")["status"] == "pass"
    assert verdict.gate("failed-vs-base")["status"] == "pass"
    assert verdict.exit_code == 1


def test_a_removed_test_is_counted(project: Gates) -> None:
    root = project.root
    _unit(project)
    _record(project, "base-1")
    git(root, "checkout", "-q", "-b", "remove")
    (root / "tests" / "test_calc.py").write_text(BASE_TESTS)
    (root / "pkg" / "calc.py").write_text(BASE_CALC)
    commit_all(root, "clamp is gone, and its test")
    _unit(project)
    verdict = project.check().verdict()
    removed = verdict.gate("removed")
    assert removed["status"] == "fail"
    assert removed["observed"] == 1
    labels = [o["label"] for o in removed["offenders"]]
    assert labels == ["tests/test_calc.py::test_clamp"]  # its node id, from the JUnit id
    assert verdict.gate("no-drop")["status"] == "pass"  # 100 % of less code


_WRITER = """
import sys
from pathlib import Path
from gates.history.store import append, record_path
root, commit, run = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
text = ('{"run": "%s"}' % run).encode()
assert append(root, "gates-history", path=record_path(commit, run), data=text)
"""


def test_concurrent_writers_lose_nothing(project: Gates) -> None:
    root = project.root
    commit = git(root, "rev-parse", "HEAD").strip()
    writers = [
        subprocess.Popen(
            [PY, "-c", _WRITER, str(root), commit, f"run-{index:02d}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for index in range(8)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode()
    names = _files(root)
    assert names == [f"runs/{commit[:2]}/{commit}/run-{index:02d}.json" for index in range(8)]
    assert len(git(root, "rev-list", "gates-history").split()) == 8
    git(root, "fsck", "--strict")
    assert git(root, "status", "--porcelain") == ""  # no working tree, index or HEAD touched


def test_a_corrupt_record_is_reported_not_trusted(project: Gates) -> None:
    root = project.root
    _unit(project)
    base = git(root, "rev-parse", "HEAD").strip()
    writer = "\n".join(_WRITER.splitlines()[:5]) + (
        "\nappend(root, 'gates-history', path=record_path(commit, run), data=b'{\"schema\": 1')\n"
    )
    done = run_module(root.as_posix(), base, "zz-corrupt", cwd=root, program=writer)
    assert done.returncode == 0, done.stderr
    git(root, "checkout", "-q", "-b", "change")
    (root / "README").write_text("a change\n")
    commit_all(root, "a change")
    _unit(project)
    verdict = project.check().verdict()
    gate = verdict.gate("no-drop")
    assert gate["status"] == "error"
    problem = verdict.problem("no-drop", "history-corrupt")
    assert f"runs/{base[:2]}/{base}/zz-corrupt.json" in problem["path"]
    shown = project("history", "show", "--root", str(root), "--config", str(root / "gates.toml"))
    assert shown.code == 3
    assert "[history-corrupt]" in shown.out
    assert "zz-corrupt.json" in shown.out

    # a trusted record beside it decides the base; the corrupt one is still named
    git(root, "checkout", "-q", "main")
    _unit(project)
    _record(project, "base-2")
    git(root, "checkout", "-q", "change")
    _unit(project)
    verdict = project.check().verdict()
    assert verdict.gate("no-drop")["status"] == "pass", verdict.gate("no-drop")["reason"]
    assert any("zz-corrupt.json" in note for note in verdict.document["notes"])


def test_a_record_file_is_added_elsewhere_as_it_is(project: Gates, tmp_path: Path) -> None:
    root = project.root
    _unit(project)
    output = tmp_path / "record.json"
    ran = project(
        "history",
        "record",
        "--root",
        str(root),
        "--config",
        str(root / "gates.toml"),
        "--run-id",
        "77-1",
        "--output",
        str(output),
    )
    assert ran.code == 0, ran.err
    commit = git(root, "rev-parse", "HEAD").strip()
    path = f"runs/{commit[:2]}/{commit}/77-1.json"
    assert git(root, "show", f"gates-history:{path}") == output.read_text()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    added = project(
        "history", "add", "--root", str(clone), "--config", str(clone / "gates.toml"), str(output)
    )
    assert added.code == 0, added.err
    assert git(clone, "show", f"gates-history:{path}") == output.read_text()
    again = project(
        "history", "add", "--root", str(clone), "--config", str(clone / "gates.toml"), str(output)
    )
    assert again.code == 0 and "already recorded" in again.out
    output.write_text(output.read_text().replace('"status": "', '"status": "x', 1))
    refused = project(
        "history", "add", "--root", str(clone), "--config", str(clone / "gates.toml"), str(output)
    )
    assert refused.code == 3
    assert "record.json: history record `gates[0].status` should be" in refused.err


def test_show_without_history_says_the_trend_is_unknown(project: Gates) -> None:
    root = project.root
    shown = project("history", "show", "--root", str(root), "--config", str(root / "gates.toml"))
    assert shown.code == 0
    assert "trend unknown: no history branch 'gates-history'" in shown.out
