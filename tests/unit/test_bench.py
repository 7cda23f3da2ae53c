"""The benchmark stage around its rounds: the base, the worktree, the designs, the failures.

Environments and pytest processes are stand-ins here (real ones in
tests/integration/test_bench.py); git is real.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from gates.benchmark import rounds
from gates.benchmark import stage as bench
from gates.benchmark.rounds import Plan, Side
from gates.benchmark.stage import BenchRequest, run_stage
from gates.cli import main
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_evidence
from gates.model.verdict import GateResult, Status
from gates.policy.load import parse_policy
from gates.stage.manifest import load_manifest
from gates.system.git import tree_state
from gates.system.process import Finished

GIT = ("git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``main`` with two commits; ``feature`` one commit ahead of the first."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".gitignore").write_text(".gates/\n")
    (root / "work.py").write_text("N = 1\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    (root / "work.py").write_text("N = 2\n")
    git(root, "commit", "-qam", "change")
    git(root, "checkout", "-q", "main")
    (root / "other.py").write_text("\n")
    git(root, "add", "other.py")
    git(root, "commit", "-qm", "main moves on")
    git(root, "checkout", "-q", "feature")
    return root


def medians(tree: Path) -> dict[str, float]:
    """The stand-in benchmark: ``N`` milliseconds, so the feature is twice as slow."""
    n = int((tree / "work.py").read_text().split("=")[1])
    return {"bench.py::test_work": n * 1e-3, "bench.py::test_same": 5e-4}


def report(path: Path, values: Mapping[str, float], commit: str = "") -> None:
    document = {
        "version": "5.3.1",
        "commit_info": {"id": commit},
        "benchmarks": [
            {
                "fullname": name,
                "stats": {
                    "median": v,
                    "mean": v,
                    "rounds": 10,
                    "data": [v * (1 + i / 1000) for i in range(10)],
                },
            }
            for name, v in values.items()
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


class Fakes:
    """Environments that are the tree itself, and pytest processes that report ``medians``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.trees: list[Path] = []
        self.commits: dict[str, str] = {}
        self.commands: list[list[str]] = []
        monkeypatch.setattr(bench, "_environment", self.environment)
        monkeypatch.setattr(rounds, "_execute", self.execute)
        monkeypatch.setattr(bench, "_run", self.run)

    def environment(
        self, _folder: Path, role: str, tree: Path, _request: BenchRequest, _log: object
    ) -> Side:
        self.trees.append(tree)
        assert (tree / "work.py").is_file()  # the side's checkout exists while it is measured
        return Side(role, tree, Path("python"), "5.3.1")

    def execute(
        self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[int, str]:
        path = Path(next(a for a in command if a.startswith("--benchmark-json=")).split("=")[1])
        self.commits[str(cwd)] = env["GATES_BENCH_COMMIT"]
        report(path, medians(cwd), env["GATES_BENCH_COMMIT"])
        return 0, ""

    def run(
        self, command: Sequence[str], *, cwd: Path, timeout: float, env: object = None
    ) -> Finished:
        self.commands.append(list(command))
        path = Path(next(a for a in command if a.startswith("--benchmark-json=")).split("=")[1])
        report(path, medians(cwd))
        return Finished(command=tuple(command), code=0)


def request(repo: Path, **changes: object) -> BenchRequest:
    fields: dict[str, object] = {"base": "main", "plan": Plan(), **changes}
    return BenchRequest(root=repo, pytest_args=("bench.py",), **fields)  # type: ignore[arg-type]


def judge(repo: Path) -> GateResult:
    evidence = load_evidence(repo, reports=".gates", state=tree_state(repo), max_bytes=1 << 24)
    policy = parse_policy({"gate": {"b": {"metric": "benchmark.regressions", "max": 0}}})
    (gate,) = evaluate(policy, evidence, today=dt.date(2026, 1, 1)).gates
    return gate


def test_the_merge_base_is_measured_in_a_worktree_that_is_removed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = Fakes(monkeypatch)
    lines: list[str] = []
    manifest = run_stage(request(repo), log=lines.append)
    assert manifest.error == ""
    merge_base = git(repo, "merge-base", "main", "HEAD")
    base_tree, head_tree = fakes.trees
    assert head_tree == repo
    assert fakes.commits[str(base_tree)] == merge_base  # not main's tip: the merge base
    assert fakes.commits[str(head_tree)] == git(repo, "rev-parse", "HEAD")
    assert not base_tree.exists()
    assert "worktree" not in git(repo, "worktree", "list").split("\n", 1)[-1]
    assert git(repo, "worktree", "list").count("\n") == 0  # only the main one is left
    assert lines[0] == f"base: main -> merge base {merge_base[:12]}"
    assert manifest.tools[-1].name == "gates-bench"
    assert manifest.tools[-1].exit_code == 0
    gate = judge(repo)
    assert gate.status is Status.FAIL
    assert gate.reason.startswith("1 > 0 — same-run A/B, 10 rounds: 2 benchmarks compared")


def test_a_missing_base_is_a_stage_without_evidence_never_a_pass(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Fakes(monkeypatch)
    manifest = run_stage(request(repo, base="origin/main"), log=lambda _: None)
    assert manifest.error.startswith("the base 'origin/main' is not a commit")
    assert "fetch it" in manifest.error
    assert [(t.name, t.exit_code) for t in manifest.tools] == [("gates-bench", 3)]
    gate = judge(repo)
    assert gate.status is Status.ERROR
    assert gate.problems[0].slug == "stage-failed"


def test_a_shallow_clone_says_to_fetch_the_history(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Fakes(monkeypatch)
    clone = tmp_path / "clone"
    shallow = ["clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "feature"]
    subprocess.run([*GIT, *shallow, f"file://{repo}", str(clone)], check=True)
    manifest = run_stage(request(clone, base="origin/main"), log=lambda _: None)
    assert "have no merge base (the clone is shallow)" in manifest.error
    assert "git fetch --unshallow" in manifest.error


def test_a_failed_round_is_recorded_and_the_worktree_still_removed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = Fakes(monkeypatch)
    monkeypatch.setattr(
        rounds, "_execute", lambda *_a, **_k: (4, "ERROR: file not found: bench.py")
    )
    manifest = run_stage(request(repo), log=lambda _: None)
    assert manifest.error == (
        "round 1, base: pytest exited 4 (a usage error: bad options or paths): "
        "ERROR: file not found: bench.py"
    )
    assert not fakes.trees[0].exists()
    assert git(repo, "worktree", "list").count("\n") == 0


def test_a_stored_baseline_is_recorded_as_base_and_judged_unpaired(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes = Fakes(monkeypatch)
    saved = tmp_path / "saved.json"
    report(saved, {"bench.py::test_work": 1e-3, "bench.py::test_same": 5e-4})
    manifest = run_stage(request(repo, baseline=saved), log=lambda _: None)
    assert manifest.error == ""
    assert [(e.path, e.role) for e in manifest.reports] == [
        ("base.json", "base"),
        ("head.json", "head"),
    ]
    gate = judge(repo)
    assert gate.reason.startswith("1 > 0 — stored baseline: 2 benchmarks compared")
    assert not any(a.startswith("--benchmark-timer") for a in fakes.commands[-1])  # as saved
    document = json.loads(saved.read_text())
    for item in document["benchmarks"]:
        item["options"] = {"timer": "time.process_time"}
    saved.write_text(json.dumps(document))
    run_stage(request(repo, baseline=saved), log=lambda _: None)
    assert "--benchmark-timer=time.process_time" in fakes.commands[-1]  # head timed alike
    missing = run_stage(request(repo, baseline=tmp_path / "nope.json"), log=lambda _: None)
    assert missing.error.startswith("the stored baseline ")
    assert "cannot be read" in missing.error


def test_the_command_line_records_the_stage_and_exits_3_without_evidence(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Fakes(monkeypatch)
    (repo / "gates.toml").write_text(
        '[gates]\nbase = "main"\n[gate.b]\nmetric = "benchmark.regressions"\nslowdown = "50%"\nmax = 0\n'
    )
    assert (
        main(["bench", "--root", str(repo), "--config", str(repo / "gates.toml"), "--", "bench.py"])
        == 0
    )
    err = capsys.readouterr().err
    assert "gates bench: stopped after 10 rounds: every benchmark decided" in err
    manifest = load_manifest(repo / ".gates" / "benchmark", display=".gates/benchmark")
    assert manifest.tools[-1].argv[:2] == ("gates", "bench")
    code = main(["bench", "--root", str(repo), "--base", "nope", "--", "bench.py"])
    assert code == 3
    assert "stage-failed" not in capsys.readouterr().out


def test_the_slowdown_the_stage_stops_on_is_the_policys(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Fakes(monkeypatch)
    (repo / "gates.toml").write_text(
        '[gates]\nbase = "main"\n[gate.b]\nmetric = "benchmark.regressions"\nslowdown = "150%"\nmax = 0\n'
    )
    assert (
        main(["bench", "--root", str(repo), "--config", str(repo / "gates.toml"), "--", "b"]) == 0
    )
    # twice as slow is under a 150 % bar: with no regression possible the stage still
    # stops only once both benchmarks are decided (no change)
    assert "0 regressions" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option", [["--min-rounds", "1"], ["--max-rounds", "5"], ["--budget", "0"], ["--timer", "x"]]
)
def test_out_of_range_options_are_usage_errors(
    repo: Path, option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "--root", str(repo), *option, "--", "bench.py"]) == 2
    assert "usage error" in capsys.readouterr().err


@pytest.mark.parametrize("uv", ["/usr/bin/uv", None])
def test_each_side_gets_an_environment_built_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv: str | None
) -> None:
    ran: list[tuple[list[str], Path]] = []

    def run(command: Sequence[str], *, cwd: Path, timeout: float, env: object = None) -> Finished:
        ran.append((list(command), cwd))
        return Finished(command=tuple(command), code=0, stdout=b"5.3.1\n")

    monkeypatch.setattr(bench, "_run", run)
    monkeypatch.setattr(shutil, "which", lambda _name: uv)
    pins = tmp_path / "pins.txt"
    made = request(tmp_path, install=("-e", ".[test]"), constraints=pins, python="/py")
    side = bench._environment(tmp_path / "env", "base", tmp_path / "tree", made, lambda _: None)
    assert side == Side("base", tmp_path / "tree", tmp_path / "env" / "bin" / "python", "5.3.1")
    create, install, probe = (command for command, _ in ran)
    packages = ["-c", str(pins), "-e", ".[test]", "pytest-benchmark"]
    if uv:
        assert create == [uv, "venv", "--quiet", "--python", "/py", str(tmp_path / "env")]
        assert install[:5] == [uv, "pip", "install", "--quiet", "--python"]
    else:
        assert create == ["/py", "-m", "venv", str(tmp_path / "env")]
        assert install[1:4] == ["-m", "pip", "install"]
    assert install[-5:] == packages
    assert ran[1][1] == tmp_path / "tree"  # "." is the side's own tree
    assert "pytest-benchmark" in probe[-1]


def test_a_failed_install_says_which_side_and_why(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        bench,
        "_run",
        lambda command, **_: Finished(
            command=tuple(command), code=1, stderr=b"No matching distribution"
        ),
    )
    manifest = run_stage(request(repo), log=lambda _: None)
    assert manifest.error.startswith("building the base environment failed (`")
    assert manifest.error.endswith("exited 1): No matching distribution")
    assert git(repo, "worktree", "list").count("\n") == 0
