"""How long a whole benchmark stage takes on a suite of 30 benchmarks.

Issue 4's budget: the defaults keep a 30-benchmark suite under about five
minutes on two cores. This writes a git project with 30 benchmarks (plain
Python work from a microsecond to a few milliseconds a call), a base commit on
``main`` and a head one commit ahead, then runs the real stage
(:func:`gates.benchmark.stage.run_stage`: merge base, worktree, both environments built
with uv or venv, the rounds with the default :class:`~gates.benchmark.rounds.Plan`) and
reports its wall time, split into building and measuring.

The head is identical to the base but for a comment (``--slower N`` slows one
function by N %): the costly case, since nothing to decide quickly lets the
stage run on until its rounds or its budget end.

Run ``python -m benchmarks.bench_stage`` (``--help``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from benchmarks.calibrate import machine
from gates.benchmark.rounds import Plan
from gates.benchmark.stage import BenchRequest, run_stage
from gates.stage.pins import bundled

__all__ = ["main", "write_suite"]

_GIT: Final = ("git", "-c", "user.name=bench", "-c", "user.email=bench@gates.invalid")
_COUNT: Final = 30


def write_suite(root: Path, *, count: int = _COUNT) -> None:
    """A project with ``count`` benchmarks, committed on ``main``."""
    (root / "benchmarks").mkdir(parents=True)
    functions = [
        f"def work_{i}(seed):\n"
        f"    acc = seed\n"
        f"    for i in range({int(10 * 1.35**i)}):\n"
        f"        acc = (acc * 31 + i) % 1_000_003\n"
        f"    return acc\n"
        for i in range(count)
    ]
    (root / "suite.py").write_text("\n\n".join(functions), encoding="utf-8")
    tests = [
        f"def test_work_{i}(benchmark):\n    benchmark(suite.work_{i}, 7)\n" for i in range(count)
    ]
    (root / "benchmarks" / "test_suite.py").write_text(
        "import suite\n\n\n" + "\n\n".join(tests), encoding="utf-8"
    )
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")


def make_head(root: Path, slower: int) -> None:
    """One commit ahead of ``main``: a comment, or ``work_20`` ``slower`` % slower."""
    _git(root, "checkout", "-qb", "feature")
    suite = root / "suite.py"
    text = suite.read_text(encoding="utf-8")
    if slower:
        steps = int(10 * 1.35**20)
        text = text.replace(f"range({steps})", f"range({round(steps * (1 + slower / 100))})", 1)
    else:
        text = "# the head: identical but for this comment\n" + text
    suite.write_text(text, encoding="utf-8")
    _git(root, "commit", "-qam", "head")


def _git(root: Path, *args: str) -> None:
    subprocess.run([*_GIT, "-C", str(root), *args], check=True, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_stage", description=__doc__)
    parser.add_argument("--slower", type=int, default=0, help="slow one function by this %%")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gates-bench-stage-") as scratch:
        root = Path(scratch) / "project"
        write_suite(root)
        make_head(root, args.slower)
        marks: list[tuple[float, str]] = []
        began = time.monotonic()

        def log(line: str) -> None:
            marks.append((time.monotonic() - began, line))
            sys.stderr.write(f"{marks[-1][0]:7.1f}s  {line}\n")

        request = BenchRequest(
            root=root,
            pytest_args=("benchmarks",),
            base="main",
            install=(),
            constraints=bundled(),
            plan=Plan(),
        )
        manifest = run_stage(request, log=log)
        total = time.monotonic() - began
    built = next(t for t, line in marks if line.startswith("head environment ready"))
    rounds = [line for _, line in marks if line.startswith("stopped after")]
    summary = marks[-1][1]
    sys.stdout.write(
        f"{machine()}\n{_COUNT} benchmarks: the stage took {total:.0f} s "
        f"({built:.0f} s building the two environments, {total - built:.0f} s of rounds); "
        f"{rounds[0] if rounds else manifest.error}\n{summary}\n"
    )
    return 0 if not manifest.error else 3


if __name__ == "__main__":
    raise SystemExit(main())
