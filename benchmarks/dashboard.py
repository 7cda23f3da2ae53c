"""``gates dashboard`` on a long history: 1,000 runs x 60 metrics, timed, and its size.

Issue 14's requirement: 1,000 runs x 60 metrics renders in a couple of
seconds into about 1 MB. :func:`write_history` writes a deterministic folder
of ``gates.history`` records (60 gates each, 200 tests with durations, a few
flaky) and a JSON verdict of 60 gates; :func:`main` then runs, in process,
what ``gates dashboard --history DIR --last 1000`` runs, phase by phase:

a. read: every record read and checked as untrusted input (bounded, strict
   JSON, typed fields) and the verdict parsed;
b. render: the page built (60 trend charts of 1,000 points, the tables);
c. the whole command, writing the file.

``python -m benchmarks.dashboard`` (``--help`` for sizes and rounds);
``python -m benchmarks.dashboard --demo docs/demo.html`` writes the small
demo page the screenshot in docs/dashboard.md shows. BENCHMARKS.md records the
figures. No test asserts on these times.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Final

from benchmarks._timing import Clock
from gates.catalog.counts import Count
from gates.cli.main import main as gates_main
from gates.dashboard.model import Dashboard
from gates.dashboard.read import current_run, read_folder
from gates.dashboard.render import render
from gates.errors import ExitCode
from gates.model.reports import Finding, Severity
from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Level,
    Status,
    Verdict,
    WaiverResult,
    WaiverStatus,
)
from gates.outputs import json_out
from gates.outputs.interface import RenderOptions

__all__ = ["main", "write_history", "write_verdict"]

TODAY: Final = "2026-12-03"
_FLAKY: Final = frozenset({(7, 0), (13, 3), (13, 5)})  # (test, run % 7): passed on a rerun
_METRICS: Final = ("coverage.percent", "tests.failed", "findings", "coverage.patch_percent")


def _commit(number: int) -> str:
    return hashlib.sha1(str(number).encode(), usedforsecurity=False).hexdigest()


def _gate_name(index: int) -> str:
    return f"gate-{index:02d}"


def _metric(index: int) -> str:
    return _METRICS[index % len(_METRICS)]


def _value(rng: random.Random, metric: str, run: int) -> float:
    if metric.endswith("percent"):
        return round(80 + 10 * (run % 97) / 97 + rng.random(), 4)
    return float(rng.randrange(0, 4))


def _record(rng: random.Random, run: int, *, metrics: int, tests: int) -> dict[str, object]:
    gates = []
    for index in range(metrics):
        metric = _metric(index)
        value = _value(rng, metric, run)
        gates.append(
            {
                "name": _gate_name(index),
                "metric": metric,
                "status": "pass",
                "value": value,
                "measured": value,
                "base": None,
                "bound": ">= 80" if metric.endswith("percent") else "<= 3",
                "stages": ["unit"],
            }
        )
    rows = [
        {
            "stage": "unit",
            "id": f"tests/test_mod{t % 20}.py::test_case_{t}",
            "outcome": "passed",
            "duration": round(rng.expovariate(20), 6),
            "reruns": 1 if (t, run % 7) in _FLAKY else 0,
        }
        for t in range(tests)
    ]
    return {
        "schema": "gates.history",
        "version": 1,
        "run": {
            "id": f"run-{run}",
            "commit": _commit(run),
            "parent": _commit(run - 1) if run else None,
            "branch": "main",
            "recorded": f"2026-{1 + run // 100 % 12:02d}-{1 + run % 28:02d}T{run % 24:02d}:00:00Z",
            "gates_version": "0.1.0",
            "policy": "gates.toml",
            "policy_sha256": "",
        },
        "status": "pass",
        "exit_code": 0,
        "gates": gates,
        "counts": {"tests_run": tests},
        "tests": rows,
        "tools": [],
    }


def write_history(folder: Path, *, runs: int, metrics: int, tests: int = 200) -> None:
    """``runs`` history records of ``metrics`` gates and ``tests`` tests under ``folder``."""
    rng = random.Random(20261203)  # noqa: S311 - synthetic figures, not secrets
    folder.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        document = _record(rng, run, metrics=metrics, tests=tests)
        (folder / f"run-{run:05d}.json").write_text(json.dumps(document), encoding="utf-8")


def write_verdict(path: Path, *, metrics: int, commit: str) -> None:
    """A JSON verdict of ``metrics`` gates at ``commit``, with findings, waivers and benchmarks."""
    rng = random.Random(7)  # noqa: S311 - synthetic figures
    gates = [
        GateResult(
            name=_gate_name(i),
            metric=_metric(i),
            status=Status.FAIL if i == 1 else Status.PASS,
            level=Level.BLOCK,
            observed=_value(rng, _metric(i), 1000),
            bound=">= 80" if _metric(i).endswith("percent") else "<= 3",
            reason="",
            stages=("unit",),
            evidence=(".gates/security/secrets.json",) if i == 2 else (),
            comparisons=tuple(
                BenchmarkComparison(
                    name=f"test_bench_{b}",
                    outcome=BenchmarkOutcome.NO_CHANGE,
                    estimate=1 + b / 100,
                    low=1.0,
                    high=1.1,
                    rounds=9,
                    reason="",
                )
                for b in range(3)
            )
            if i == 3
            else (),
        )
        for i in range(metrics)
    ]
    findings = (
        (
            Finding("bandit", "B602", Severity.HIGH, "src/app.py", 12, "subprocess with shell"),
            False,
        ),
        (Finding("pip-audit", "GHSA-h4gh-qq45-vh27", Severity.HIGH, "", 0, "urllib3"), True),
        (Finding("ruff", "E501", Severity.LOW, "src/app.py", 3, "line too long"), False),
    )
    verdict = Verdict(
        status=Status.FAIL,
        exit_code=ExitCode.FAIL,
        gates=tuple(gates),
        waivers=(
            WaiverResult(
                target="finding pip-audit:GHSA-h4gh-qq45-vh27",
                owner="@sec-team",
                reason="not reachable: we never parse untrusted YAML",
                expires="2027-01-31",
                status=WaiverStatus.USED,
                matched=1,
            ),
        ),
        counts=((Count.PACKAGES_AUDITED, 42), (Count.PACKAGES_SKIPPED, 0), (Count.TESTS_RUN, 200)),
        findings=findings,
        stages=(("unit", commit, False),),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_out.render(verdict, options=RenderOptions()), encoding="utf-8")


def _measure(folder: Path, verdict: Path, *, runs: int) -> dict[str, tuple[float, float]]:
    times: dict[str, tuple[float, float]] = {}
    clock = Clock()
    current = current_run(verdict)
    past = read_folder(folder, limit=runs)
    times["read"] = clock.read()
    assert not past.problems, past.problems  # noqa: S101 - the generator writes only good records
    board = Dashboard(current=current, history=past.runs, today=TODAY)
    clock = Clock()
    page = render(board)
    times["render"] = clock.read()
    times["bytes"] = (float(len(page.encode("utf-8"))), 0.0)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--metrics", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--demo", type=Path, help="write the small demo page here, and stop")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gates-dashboard-") as temp:
        folder, verdict = Path(temp) / "runs", Path(temp) / "verdict.json"
        if args.demo is not None:
            return _demo(folder, verdict, args.demo)
        write_history(folder, runs=args.runs, metrics=args.metrics)
        write_verdict(verdict, metrics=args.metrics, commit=_commit(args.runs))
        print(f"{args.runs} runs x {args.metrics} metrics; python {platform.python_version()}")
        rounds = [_measure(folder, verdict, runs=args.runs) for _ in range(args.rounds)]
        for phase in ("read", "render"):
            wall = statistics.median(r[phase][0] for r in rounds)
            cpu = statistics.median(r[phase][1] for r in rounds)
            print(f"{phase:<8} wall {wall:6.2f} s   cpu {cpu:6.2f} s   (median of {args.rounds})")
        print(f"page     {rounds[0]['bytes'][0] / 1e6:.2f} MB")
        out = Path(temp) / "dashboard.html"
        clock = Clock()
        code = gates_main(
            ["dashboard", "--verdict", str(verdict), "--history", str(folder), "--last",
             str(args.runs), "--today", TODAY, "-o", str(out), "--root", temp]
        )  # fmt: skip
        wall, cpu = clock.read()
        print(f"gates dashboard (whole command): wall {wall:.2f} s, cpu {cpu:.2f} s, exit {code}")
    return 0


_DEMO_POLICY: Final = """\
[gate.gate-01]
metric = "tests.failed"
max = 0

[[quarantine]]
test = "tests/test_mod13.py::test_case_13"
owner = "@payments"
reason = "flaky against the sandbox API: issue 412"
expires = 2026-12-17
"""


def _demo(folder: Path, verdict: Path, out: Path) -> int:
    write_history(folder, runs=30, metrics=8, tests=40)
    write_verdict(verdict, metrics=8, commit=_commit(30))
    policy = verdict.parent / "gates.toml"
    policy.write_text(_DEMO_POLICY, encoding="utf-8")
    return gates_main(
        ["dashboard", "--verdict", str(verdict), "--history", str(folder), "--today", TODAY,
         "-o", str(out), "--root", str(folder), "--config", str(policy)]
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
