"""The rounds of a same-run A/B: order, adaptivity, budget, failures, and what is recorded.

The pytest processes are replaced by a stand-in that writes a pytest-benchmark
report with chosen medians; the end-to-end test (tests/integration/test_bench.py)
runs the real ones.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import math
import random
import re
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from gates.benchmark import rounds
from gates.benchmark.rounds import Plan, RoundsError, Side, run_rounds
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_evidence
from gates.model.verdict import Status
from gates.policy.load import parse_policy
from gates.stage.manifest import load_manifest
from gates.stage.recorder import StageRecorder
from gates.system.git import tree_state

Medians = Callable[[str, int], Mapping[str, float]]  # (role, process number) -> medians


class FakePytest:
    """Stands in for ``rounds._execute``: writes a report whose medians ``medians`` chooses."""

    def __init__(self, medians: Medians, *, clock: list[float] | None = None) -> None:
        self.medians = medians
        self.calls: list[tuple[str, str]] = []  # (role, report path)
        self.clock = clock
        self.code = 0
        self.write = True
        self.text: str | None = None

    def __call__(
        self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[int, str]:
        role = cwd.name
        report = Path(next(a for a in command if a.startswith("--benchmark-json=")).split("=")[1])
        self.calls.append((role, str(report)))
        assert env["GATES_BENCH_COMMIT"] == f"{role}-sha"
        assert (
            env["PYTHONPATH"].split(":")[0].endswith(tuple("0123456789_abcdefghijklmnopqrstuvwxyz"))
        )
        if self.clock is not None:
            self.clock[0] += 10.0
        if self.write:
            medians = self.medians(role, len(self.calls))
            document = {
                "version": "5.3.1",
                "commit_info": {"id": env["GATES_BENCH_COMMIT"]},
                "benchmarks": [
                    {"fullname": name, "stats": {"median": m, "mean": m, "rounds": 1, "data": [m]}}
                    for name, m in medians.items()
                ],
            }
            report.write_text(self.text or json.dumps(document), encoding="utf-8")
        return self.code, "the last words of pytest"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".gitignore").write_text(".gates/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-C", str(root)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    return root


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Side, Side]:
    made = []
    for role in ("base", "head"):
        (tmp_path / role).mkdir()
        made.append(Side(role, tmp_path / role, Path("python"), "5.3.1", f"{role}-sha"))
    return made[0], made[1]


def slower(factor: float, *, noise: float = 0.005, seed: int = 1) -> Medians:
    rng = random.Random(seed)

    def medians(role: str, _number: int) -> dict[str, float]:
        scale = factor if role == "head" else 1.0
        return {
            "bench.py::test_a": 1e-3 * scale * math.exp(rng.gauss(0, noise)),
            "bench.py::test_b": 2e-3 * math.exp(rng.gauss(0, noise)),
        }

    return medians


def start(
    repo: Path,
    sides: tuple[Side, Side],
    fake: FakePytest,
    monkeypatch: pytest.MonkeyPatch,
    *,
    plan: Plan | None = None,
    clock: list[float] | None = None,
) -> tuple[StageRecorder, rounds.RoundsResult, list[str]]:
    monkeypatch.setattr(rounds, "_execute", fake)
    recorder = StageRecorder.begin("benchmark", root=repo)
    lines: list[str] = []
    result = run_rounds(
        recorder,
        *sides,
        pytest_args=("bench.py",),
        plan=plan or Plan(),
        slowdown=0.05,
        log=lines.append,
        clock=(lambda: clock[0]) if clock is not None else (lambda: 0.0),
    )
    recorder.finish()
    return recorder, result, lines


def test_the_order_alternates_and_every_process_is_recorded(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakePytest(slower(1.3))
    recorder, result, _ = start(repo, sides, fake, monkeypatch)
    assert result.rounds == 10  # decided at the first look
    assert result.stopped == "every benchmark decided"
    roles = [role for role, _ in fake.calls]
    assert roles[:6] == ["base", "head", "head", "base", "base", "head"]
    manifest = load_manifest(recorder.folder, display=".gates/benchmark")
    assert [(e.path, e.role) for e in manifest.reports][:4] == [
        ("round-01/base.json", "base"),
        ("round-01/head.json", "head"),
        ("round-02/head.json", "head"),
        ("round-02/base.json", "base"),
    ]
    assert len(manifest.tools) == 20
    assert all(t.name == "pytest-benchmark" and t.version == "5.3.1" for t in manifest.tools)
    assert "-p" in manifest.tools[0].argv
    assert rounds.PLUGIN in manifest.tools[0].argv
    assert "--benchmark-max-time=0.1" in manifest.tools[0].argv
    assert "--benchmark-timer=time.process_time" in manifest.tools[0].argv  # CPU time
    assert "--benchmark-min-time=0.0001" in manifest.tools[0].argv  # stable calibration
    assert "--benchmark-enable" in manifest.tools[0].argv  # whatever the project's addopts say


def test_gates_check_decides_exactly_as_the_stage_did(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result, _ = start(repo, sides, FakePytest(slower(1.3)), monkeypatch)
    evidence = load_evidence(repo, reports=".gates", state=tree_state(repo), max_bytes=1 << 24)
    policy = parse_policy({"gate": {"b": {"metric": "benchmark.regressions", "max": 0}}})
    (gate,) = evaluate(policy, evidence, today=dt.date(2026, 1, 1)).gates
    assert gate.status is Status.FAIL
    assert gate.comparisons == result.measurement.comparisons
    assert gate.reason == f"1 > 0 — {result.measurement.summary}"


def test_undecided_benchmarks_get_more_rounds_up_to_the_maximum(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, result, lines = start(repo, sides, FakePytest(slower(1.03, noise=0.08)), monkeypatch)
    assert result.rounds == 20
    assert result.stopped == "the maximum of 20 rounds"
    looks = [line for line in lines if line.startswith("after ")]
    assert [line.split(" rounds")[0] for line in looks] == [
        f"after {n}" for n in (10, 12, 14, 16, 18, 20)
    ]
    assert any(c.outcome == "inconclusive" for c in result.measurement.comparisons)


def test_no_new_pair_of_rounds_starts_past_the_time_budget(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    fake = FakePytest(slower(1.03, noise=0.08), clock=clock)
    plan = Plan(min_rounds=2, max_rounds=20, seconds=100.0)
    _, result, _ = start(repo, sides, fake, monkeypatch, plan=plan, clock=clock)
    # 20 s a round: after 4 rounds (80 s) another pair would end at 120 s
    assert result.rounds == 4
    assert result.stopped == "the time budget (100 s)"
    assert clock[0] == 80.0
    rounds_left = [c for c in result.measurement.comparisons if c.outcome == "inconclusive"]
    assert rounds_left  # what the budget left undecided is reported, and does not block


def test_the_minimum_rounds_run_whatever_the_budget(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [0.0]
    _, result, _ = start(
        repo,
        sides,
        FakePytest(slower(1.3), clock=clock),
        monkeypatch,
        plan=Plan(seconds=50.0),
        clock=clock,
    )
    # a budget that would cut them would pass a slow machine's regressions as "too few rounds"
    assert result.rounds == 10
    assert result.stopped == "every benchmark decided"
    assert result.measurement.value == 1


FAILURES = {
    "crash": (2, True, None, "round 1, base: pytest exited 2 (the run was interrupted"),
    "timeout": (-9, False, None, "round 1, base: pytest exited -9 (killed after 120 s)"),
    "no-report": (0, False, None, "round 1, base: pytest-benchmark wrote no report: the last"),
    "truncated": (0, True, '{"version": "5.3.1", "benchmarks": [', "round 1, base: "),
}


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_a_process_that_makes_no_evidence_ends_the_stage(
    repo: Path,
    sides: tuple[Side, Side],
    monkeypatch: pytest.MonkeyPatch,
    failure: tuple[int, bool, str | None, str],
) -> None:
    fake = FakePytest(slower(1.0))
    fake.code, fake.write, fake.text, message = failure
    monkeypatch.setattr(rounds, "_execute", fake)
    recorder = StageRecorder.begin("benchmark", root=repo)
    with pytest.raises(RoundsError, match=re.escape(message)):
        run_rounds(recorder, *sides, pytest_args=(), plan=Plan(), slowdown=0.05, log=lambda _: None)
    assert recorder.tools[-1].exit_code == fake.code  # the failed run is in the manifest


def test_a_side_that_ran_no_benchmark_stops_the_rounds(
    repo: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    def nothing_on_head(role: str, number: int) -> dict[str, float]:
        return {} if role == "head" else {"bench.py::test_a": 1e-3}

    _, result, _ = start(repo, sides, FakePytest(nothing_on_head), monkeypatch)
    assert result.rounds == 1
    assert result.stopped == "a side that ran no benchmark"


def test_the_plugin_gives_pytest_benchmark_cheap_machine_and_commit_info(
    tmp_path: Path, sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = rounds.write_plugin(tmp_path / "plugin")
    spec = importlib.util.spec_from_file_location("plugin", folder / f"{rounds.PLUGIN}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    environment = rounds.side_environment(sides[0], folder)
    assert environment["PYTHONPATH"].split(":")[0] == str(folder)
    monkeypatch.setenv("GATES_BENCH_COMMIT", environment["GATES_BENCH_COMMIT"])
    assert module.pytest_benchmark_generate_commit_info(None) == {"id": "base-sha", "dirty": False}
    assert module.pytest_benchmark_generate_machine_info(None)["python_implementation"]


def test_budgets_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="min_rounds"):
        Plan(min_rounds=1)
    with pytest.raises(ValueError, match="min_rounds"):
        Plan(min_rounds=12, max_rounds=10)
    with pytest.raises(ValueError, match="positive"):
        Plan(seconds=0)
    with pytest.raises(ValueError, match="timer must be one of cpu, wall"):
        Plan(timer="sundial")
