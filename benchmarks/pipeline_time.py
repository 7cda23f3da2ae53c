"""Wall time of this repository's own pipeline, `nox -s gates`, measured side by side.

Run ``python -m benchmarks.pipeline_time [ROUNDS] [--repo PATH]`` from the
repository root: it clones the committed HEAD of this repository (or of the git
repository at PATH, a project adopted with ``gates init`` and committed) into a
temporary folder (so local edits and old
evidence play no part), runs one cold ``nox -s gates`` (no environments yet),
then ROUNDS warm rounds, each timing in alternating order:

* parallel: ``nox -s gates`` (the noxfile sets ``parallel = "auto"``);
* sequential: ``nox -s gates -j 1``, the same stages one after another;
* verdict only: ``nox -s gates --no-dependencies``, the gates session's own cost;
* no-op rerun: ``nox -s gates`` again with nothing changed, every stage up to date.

The parallel and sequential runs set ``GATES_FRESH=1`` so that every stage runs
(a warm run); the no-op rerun does not, so every stage keeps its evidence.

and reads every session's own duration from Nox's ``--report`` JSON, so the
parallel run can be compared with its longest single stage in the same round.
It prints medians and the ratios the issue asks for. A red verdict (exit 1 or
3) is fine here: the wall time is what is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _nox(clone: Path, *args: str, fresh: bool = True) -> tuple[float, dict[str, float]]:
    report = clone / ".nox-report.json"
    env = {name: value for name, value in os.environ.items() if name != "GATES_FRESH"}
    if fresh:
        env["GATES_FRESH"] = "1"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nox", "--report", str(report), *args],
        cwd=clone,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    wall = time.perf_counter() - started
    sessions = json.loads(report.read_text())["sessions"]
    return wall, {s["name"]: float(s.get("duration") or 0.0) for s in sessions}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", type=int, nargs="?", default=3)
    parser.add_argument("--repo", type=Path, default=ROOT, help="a git repository with a noxfile")
    args = parser.parse_args(argv)
    rounds: int = args.rounds
    with tempfile.TemporaryDirectory(prefix="gates-pipeline-") as scratch:
        clone = Path(scratch) / "project"
        subprocess.run(["git", "clone", "-q", str(args.repo), str(clone)], check=True)
        cold, cold_sessions = _nox(clone, "-s", "gates")
        print(f"cold parallel: {cold:.1f}s  sessions: {cold_sessions}")
        parallel: list[float] = []
        sequential: list[float] = []
        verdict: list[float] = []
        noop: list[float] = []
        longest: list[float] = []
        for index in range(rounds):
            order = ["parallel", "sequential"] if index % 2 == 0 else ["sequential", "parallel"]
            for kind in order:
                if kind == "parallel":
                    wall, sessions = _nox(clone, "-s", "gates")
                    parallel.append(wall)
                    longest.append(max(v for k, v in sessions.items() if k != "gates"))
                else:
                    sequential.append(_nox(clone, "-s", "gates", "-j", "1")[0])
            verdict.append(_nox(clone, "-s", "gates", "--no-dependencies")[0])
            noop.append(_nox(clone, "-s", "gates", fresh=False)[0])
            print(
                f"round {index + 1}: parallel {parallel[-1]:.1f}s (longest stage "
                f"{longest[-1]:.1f}s), sequential {sequential[-1]:.1f}s, verdict only "
                f"{verdict[-1]:.1f}s, no-op rerun {noop[-1]:.1f}s"
            )
    ratio_longest = [p / s for p, s in zip(parallel, longest, strict=True)]
    ratio_sequential = [p / s for p, s in zip(parallel, sequential, strict=True)]
    print(f"\ncold parallel                      {cold:7.1f} s")
    print(f"warm parallel (median)             {statistics.median(parallel):7.1f} s")
    print(f"warm sequential (median)           {statistics.median(sequential):7.1f} s")
    print(f"longest single stage (median)      {statistics.median(longest):7.1f} s")
    print(f"verdict session alone (median)     {statistics.median(verdict):7.1f} s")
    print(f"no-op rerun (median)               {statistics.median(noop):7.1f} s")
    ratio_noop = [n / p for n, p in zip(noop, parallel, strict=True)]
    print(f"no-op rerun / warm parallel        {statistics.median(ratio_noop):7.2f}")
    print(f"parallel / longest stage (median)  {statistics.median(ratio_longest):7.2f}")
    print(f"parallel / sequential (median)     {statistics.median(ratio_sequential):7.2f}")


if __name__ == "__main__":
    main()
