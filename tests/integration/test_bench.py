"""The real benchmark stage: `gates bench` then `gates check`, on a tiny git project.

Real git worktree, real environments (uv, else venv + pip, with pytest-benchmark
at the tool pin), real pytest-benchmark processes: a head whose benchmarked
function does 40 % more work must block, and a head identical to its base but
for a comment must not. Few, short rounds keep each run to a minute or so.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gates.cli import main
from gates.pins import bundled

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false")

WORK = """\
STEPS = 3000


def checksum(seed):
    acc = seed
    for i in range(STEPS):
        acc = (acc * 31 + i) % 1_000_003
    return acc


def small(value):
    return sum(divmod(value, 7))
"""

BENCH = """\
from work import checksum, small


def test_checksum(benchmark):
    benchmark(checksum, 7)


def test_small(benchmark):
    benchmark(small, 1234)
"""

POLICY = """\
[gates]
base = "main"

[gate.benchmarks]
metric = "benchmark.regressions"
max = 0
"""

# Two benchmarks need 8 rounds before Holm lets the exact test reach 0.01; the
# time limits keep each process short (the defaults are sized for 30 benchmarks).
OPTIONS = ("--min-rounds", "8", "--max-rounds", "10", "--benchmark-time", "0.03")


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``main``: the base; checked out: ``feature``, one commit ahead, to be changed."""
    for name in ("PYTEST_ADDOPTS", "COVERAGE_PROCESS_START", "GATES_BASE"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    (root / "benchmarks").mkdir(parents=True)
    (root / "work.py").write_text(WORK)
    (root / "benchmarks" / "test_work.py").write_text(BENCH)
    (root / "gates.toml").write_text(POLICY)
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n")
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


def bench_then_check(root: Path) -> dict[str, Any]:
    code = main(
        [
            "bench",
            "--install=",  # the module is imported from each side's tree
            "--constraints",
            str(bundled()),
            *OPTIONS,
            "--",
            "benchmarks",
        ]
    )
    assert code == 0
    verdict = root / "verdict.json"
    main(["check", "--format", f"json:{verdict}", "--format", f"markdown:{root / 'v.md'}"])
    document: dict[str, Any] = json.loads(verdict.read_text())
    return document


def the_gate(verdict: dict[str, Any]) -> dict[str, Any]:
    gates = verdict["gates"]
    assert len(gates) == 1
    gate: dict[str, Any] = gates[0]
    return gate


@pytest.mark.slow
def test_a_forty_percent_slowdown_blocks(project: Path) -> None:
    change(project, "STEPS = 3000", "STEPS = 4200")
    verdict = bench_then_check(project)
    gate = the_gate(verdict)
    assert gate["status"] == "fail", gate["reason"]
    assert str(gate["reason"]).startswith("1 > 0 — same-run A/B, ")
    outcomes = {c["name"]: c for c in gate["comparisons"]}
    slowed = outcomes["benchmarks/test_work.py::test_checksum"]
    assert slowed["outcome"] == "regression"
    assert 1.25 < slowed["estimate"] < 1.6
    assert slowed["low"] <= slowed["estimate"] <= slowed["high"]
    assert outcomes["benchmarks/test_work.py::test_small"]["outcome"] != "regression"
    markdown = (project / "v.md").read_text()
    assert "test\\_checksum regression +" in markdown  # the estimate and interval, in Markdown
    # the evidence: raw rounds, alternating order, the base from its merge base
    stage = project / ".gates" / "benchmark"
    manifest = json.loads((stage / "manifest.json").read_text())
    paths = [r["path"] for r in manifest["reports"]]
    assert paths[:4] == [
        "round-01/base.json",
        "round-01/head.json",
        "round-02/head.json",
        "round-02/base.json",
    ]
    base_commit = json.loads((stage / "round-01" / "base.json").read_text())["commit_info"]["id"]
    main_commit = subprocess.run(
        ["git", "rev-parse", "main"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert base_commit == main_commit
    worktrees = subprocess.run(
        ["git", "worktree", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert len(worktrees.strip().splitlines()) == 1  # the base's worktree is gone


@pytest.mark.slow
def test_an_identical_head_does_not_block(project: Path) -> None:
    change(project, "STEPS = 3000\n", "STEPS = 3000  # the same work\n")
    verdict = bench_then_check(project)
    gate = the_gate(verdict)
    assert gate["status"] == "pass", gate["reason"]
    assert verdict["exit_code"] == 0
    for comparison in gate["comparisons"]:
        assert comparison["outcome"] in ("no-change", "inconclusive"), comparison


@pytest.mark.slow
def test_a_base_that_is_not_fetched_blocks(project: Path) -> None:
    change(project, "STEPS = 3000", "STEPS = 3001")
    code = main(["bench", "--base", "origin/main", "--install=", *OPTIONS, "--", "benchmarks"])
    assert code == 3
    verdict = project / "verdict.json"
    assert main(["check", "--format", f"json:{verdict}"]) == 3
    gate = the_gate(json.loads(verdict.read_text()))
    assert gate["status"] == "error"
