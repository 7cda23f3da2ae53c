"""The benchmark stage and gate: `gates bench` then `gates check`, on a tiny git project.

What timings say depends on how loaded the machine is, so no test here asserts
on a timing taken while it runs. Whether a slowdown blocks is decided on the
recorded rounds of real runs (tests/assets/gates-bench/0.1.0/: a 40 % slowdown,
on a shared machine and under two busy loops, and identical code), judged by
`gates check` as a user would. The real stage (a real git worktree, real
environments with pytest-benchmark at the tool pin, real pytest processes) is
checked only for what holds under any load: the evidence is written, base and
head alternate in fresh processes, the base is the merge base, the worktree is
removed, and the verdict is one of the valid decisions and agrees with its
comparisons. Evidence that is missing never passes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gates.cli import main
from gates.stage.pins import bundled

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false")
RECORDED = Path(__file__).resolve().parents[1] / "assets" / "gates-bench" / "0.1.0"
PROJECT = RECORDED / "project"  # the project the recorded runs measured
CHECKSUM = "benchmarks/test_work.py::test_checksum"
SMALL = "benchmarks/test_work.py::test_small"
OUTCOMES = {"regression", "improvement", "no-change", "inconclusive"}

# Two benchmarks need 8 rounds before Holm lets the exact test reach 0.01; the
# time limits keep each process short (the defaults are sized for 30 benchmarks).
MIN_ROUNDS, MAX_ROUNDS = 8, 10
OPTIONS = (
    "--min-rounds",
    str(MIN_ROUNDS),
    "--max-rounds",
    str(MAX_ROUNDS),
    "--benchmark-time",
    "0.03",
)


def git(root: Path, *args: str) -> str:
    done = subprocess.run([*GIT, "-C", str(root), *args], check=True, capture_output=True)
    return done.stdout.decode().strip()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``main``: the base; checked out: ``feature``, one commit ahead, to be changed."""
    for name in ("PYTEST_ADDOPTS", "COVERAGE_PROCESS_START", "GATES_BASE"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    monkeypatch.chdir(root)
    yield root


def change(root: Path, old: str, new: str) -> None:
    work = root / "work.py"
    work.write_text(work.read_text().replace(old, new, 1))
    git(root, "commit", "-qam", "change")


def check(root: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    """``gates check`` in ``root``: its exit code and JSON verdict (Markdown to v.md)."""
    verdict = root / "verdict.json"
    code = main(
        ["check", *argv, "--format", f"json:{verdict}", "--format", f"markdown:{root / 'v.md'}"]
    )
    document: dict[str, Any] = json.loads(verdict.read_text())
    return code, document


def the_gate(verdict: dict[str, Any]) -> dict[str, Any]:
    gates = verdict["gates"]
    assert len(gates) == 1
    gate: dict[str, Any] = gates[0]
    return gate


def recorded(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A copy of a recorded stage under ``tmp_path/.gates``; the commit it measured."""
    shutil.copytree(RECORDED / case, tmp_path / ".gates" / "benchmark")
    shutil.copy(PROJECT / "gates.toml", tmp_path / "gates.toml")
    monkeypatch.chdir(tmp_path)
    manifest = json.loads((tmp_path / ".gates" / "benchmark" / "manifest.json").read_text())
    commit: str = manifest["commit"]
    return commit


# ---------------------------------------------------------------- decided on recorded rounds


@pytest.mark.parametrize("case", ["slower", "slower-loaded"])
def test_a_recorded_forty_percent_slowdown_blocks(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, verdict = check(tmp_path, "--commit", recorded(case, tmp_path, monkeypatch))
    assert code == 1
    gate = the_gate(verdict)
    assert gate["status"] == "fail", gate["reason"]
    assert str(gate["reason"]).startswith("1 > 0 — same-run A/B, 20 rounds: ")
    outcomes = {c["name"]: c for c in gate["comparisons"]}
    slowed = outcomes[CHECKSUM]
    assert slowed["outcome"] == "regression"
    assert 1.25 < slowed["estimate"] < 1.45
    assert 1.05 < slowed["low"] <= slowed["estimate"] <= slowed["high"]
    assert outcomes[SMALL]["outcome"] == "inconclusive"
    markdown = (tmp_path / "v.md").read_text()
    assert "test\\_checksum regression +" in markdown  # the estimate and interval, in Markdown


def test_recorded_identical_code_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, verdict = check(tmp_path, "--commit", recorded("identical", tmp_path, monkeypatch))
    assert code == 0
    gate = the_gate(verdict)
    assert gate["status"] == "pass", gate["reason"]
    assert [c["outcome"] for c in gate["comparisons"]] == ["inconclusive", "inconclusive"]


def test_a_round_whose_report_is_gone_never_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit = recorded("identical", tmp_path, monkeypatch)  # the case that passes whole
    (tmp_path / ".gates" / "benchmark" / "round-07" / "head.json").unlink()
    code, verdict = check(tmp_path, "--commit", commit)
    assert code == 3
    gate = the_gate(verdict)
    assert gate["status"] == "error"
    assert gate["observed"] is None
    assert any("round-07/head.json" in (p["path"] or "") for p in gate["problems"])


# ---------------------------------------------------------------- the real stage, under any load


@pytest.mark.slow
def test_the_real_stage_alternates_fresh_rounds_from_the_merge_base(project: Path) -> None:
    change(project, "STEPS = 3000", "STEPS = 4200")
    code = main(
        ["bench", "--install=", "--constraints", str(bundled()), *OPTIONS, "--", "benchmarks"]
    )
    assert code == 0
    stage = project / ".gates" / "benchmark"
    manifest = json.loads((stage / "manifest.json").read_text())
    assert manifest["error"] == ""
    paths = [r["path"] for r in manifest["reports"]]
    rounds = len(paths) // 2
    assert MIN_ROUNDS <= rounds <= MAX_ROUNDS
    # base and head alternate, each round in the other order than the last: ABBA...
    expected = [
        f"round-{n:02d}/{role}.json"
        for n in range(1, rounds + 1)
        for role in (("base", "head") if n % 2 else ("head", "base"))
    ]
    assert paths == expected
    assert all((stage / path).is_file() for path in paths)
    # every process is fresh (one report each) and measured its own side's commit
    main_commit, head_commit = git(project, "rev-parse", "main"), git(project, "rev-parse", "HEAD")
    for path in paths:
        report = json.loads((stage / path).read_text())
        side = main_commit if path.endswith("base.json") else head_commit
        assert report["commit_info"]["id"] == side, path
    assert len(git(project, "worktree", "list").splitlines()) == 1  # the base's worktree is gone
    code, verdict = check(project)
    gate = the_gate(verdict)
    # whatever the load made of the timings, the verdict is a decision, and a consistent one
    assert (code, gate["status"]) in {(0, "pass"), (1, "fail")}, gate["reason"]
    comparisons = {c["name"]: c for c in gate["comparisons"]}
    assert set(comparisons) == {CHECKSUM, SMALL}
    for comparison in comparisons.values():
        assert comparison["outcome"] in OUTCOMES
        assert comparison["rounds"] == rounds
        assert comparison["low"] <= comparison["estimate"] <= comparison["high"]
    regressions = sum(c["outcome"] == "regression" for c in comparisons.values())
    assert gate["observed"] == regressions
    assert (gate["status"] == "fail") == (regressions > 0)
    assert f"same-run A/B, {rounds} rounds" in gate["reason"]
    markdown = (project / "v.md").read_text()
    for name, comparison in comparisons.items():
        escaped = name.replace("_", "\\_")  # Markdown escapes the underscores
        assert f"{escaped} {comparison['outcome']}" in markdown


@pytest.mark.slow
def test_a_base_that_is_not_fetched_blocks(project: Path) -> None:
    change(project, "STEPS = 3000", "STEPS = 3001")
    code = main(["bench", "--base", "origin/main", "--install=", *OPTIONS, "--", "benchmarks"])
    assert code == 3
    code, verdict = check(project)
    assert code == 3
    gate = the_gate(verdict)
    assert gate["status"] == "error"
