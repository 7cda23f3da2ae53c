"""The long fuzz run: every reader, the verdict parser and the policy loader, in worker processes.

The same targets, mutations and bounds as ``tests/fuzz`` (the suite runs a
derandomised hundred inputs per target), without Hypothesis: each input is
made from a :class:`random.Random` seeded with ``(seed, target, index)``, so
any input can be made again from those three. One worker process per target
at a time (``--jobs`` at once), each under an address-space limit, with the
same CPU-time bound per input as the suite; a worker that stops answering
is killed and its last input saved.

    python -m benchmarks.fuzz --inputs 25000            # 25,000 inputs per target
    python -m benchmarks.fuzz --minutes 10 --jobs 2     # as many as 10 minutes allow
    python -m benchmarks.fuzz --targets sarif,junit-xml --seed 7
    python -m benchmarks.fuzz --replay fuzz-failures/sarif/3-xyz.bin --targets sarif

Each failing input is written to ``--out`` (``fuzz-failures/<target>/``), one
per distinct cause; the table printed at the end (and ``--json``) is what
BENCHMARKS.md records.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import queue
import random
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from tests.fuzz.harness import Outcome, address_space, check, generate
from tests.fuzz.targets import TARGETS
from tests.fuzz.values import RandomDraw

__all__ = ["main"]

_SILENCE: Final = 300.0  # seconds of wall time without a word from a worker: it is stuck
_REPORT_EVERY: Final = 250  # inputs between two progress lines of a worker


@dataclass
class Tally:
    """What one target's inputs did."""

    target: str
    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    causes: dict[str, int] = field(default_factory=dict)  # cause -> how many inputs
    saved: dict[str, str] = field(default_factory=dict)  # cause -> the file of its first input
    slowest: float = 0.0  # CPU seconds of the slowest input
    largest: int = 0  # bytes of the largest input

    def add(self, outcome: Outcome, size: int) -> None:
        self.inputs += 1
        self.outcomes[outcome.kind] += 1
        self.slowest = max(self.slowest, outcome.cpu)
        self.largest = max(self.largest, size)
        if outcome.failed:
            self.causes[outcome.cause] = self.causes.get(outcome.cause, 0) + 1

    def document(self) -> dict[str, object]:
        """As JSON (``asdict`` would turn the Counter's items into keys)."""
        return {
            "target": self.target,
            "inputs": self.inputs,
            "outcomes": dict(self.outcomes),
            "causes": self.causes,
            "saved": self.saved,
            "slowest": self.slowest,
            "largest": self.largest,
        }

    def merge(self, other: Tally) -> None:
        self.inputs += other.inputs
        self.outcomes.update(other.outcomes)
        for cause, count in other.causes.items():
            self.causes[cause] = self.causes.get(cause, 0) + count
        for cause, path in other.saved.items():
            self.saved.setdefault(cause, path)
        self.slowest = max(self.slowest, other.slowest)
        self.largest = max(self.largest, other.largest)


def input_for(target: str, seed: int, index: int) -> bytes:
    """Input ``index`` of ``target`` in the run seeded ``seed``: the same bytes every time."""
    rng = random.Random(f"{seed}:{target}:{index}")  # noqa: S311 - reproducible inputs, no secret
    return generate(TARGETS[target], RandomDraw(rng))


# ---------------------------------------------------------------- the worker


def work(target: str, *, seed: int, first: int, count: int, deadline: float, out: Path) -> Tally:
    """Inputs ``first`` .. ``first + count - 1`` of ``target`` (or until ``deadline``)."""
    tally = Tally(target)
    with address_space():
        for index in range(first, first + count):
            if time.time() > deadline:
                break
            data = input_for(target, seed, index)
            _say({"at": index})
            outcome = check(TARGETS[target], data)
            tally.add(outcome, len(data))
            if outcome.failed and outcome.cause not in tally.saved:
                tally.saved[outcome.cause] = str(_save(out, target, index, outcome, data))
            if tally.inputs % _REPORT_EVERY == 0:
                _say({"done": tally.inputs})
    return tally


def _save(out: Path, target: str, index: int, outcome: Outcome, data: bytes) -> Path:
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(outcome.cause.encode()).hexdigest()[:10]
    path = folder / f"{index}-{digest}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(f"{outcome.kind}: {outcome.cause}\n{outcome.detail}\n")
    return path


def _say(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- the parent


@dataclass(frozen=True)
class Plan:
    targets: tuple[str, ...]
    seed: int
    inputs: int  # per target; with a deadline, at most this many
    deadline: float  # wall-clock time.time() by which every worker stops
    jobs: int
    out: Path


def run(plan: Plan) -> list[Tally]:
    """Every target's inputs, ``plan.jobs`` worker processes at a time."""
    with ThreadPoolExecutor(plan.jobs) as pool:
        return list(pool.map(lambda target: _run_target(plan, target), plan.targets))


def _run_target(plan: Plan, target: str) -> Tally:
    """One worker after another until the target's inputs are done (a stuck one is replaced)."""
    tally, first = Tally(target), 0
    while first < plan.inputs and time.time() < plan.deadline:
        part, stuck_at = _worker(plan, target, first)
        tally.merge(part)
        first += part.inputs
        if stuck_at is None:
            break
        data = input_for(target, plan.seed, stuck_at)
        hung = Outcome("slow", "the worker stopped answering", "hang", _SILENCE)
        tally.add(hung, len(data))
        tally.saved.setdefault("hang", str(_save(plan.out, target, stuck_at, hung, data)))
        first = stuck_at + 1
    sys.stderr.write(f"{target}: {tally.inputs:,} inputs, {sum(tally.causes.values())} failed\n")
    return tally


def _worker(plan: Plan, target: str, first: int) -> tuple[Tally, int | None]:
    """A worker process's tally, and the input it was stuck on (``None``: it finished)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.fuzz",
        "--worker",
        json.dumps(
            {"target": target, "seed": plan.seed, "first": first, "count": plan.inputs - first}
            | {"deadline": plan.deadline, "out": str(plan.out)}
        ),
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        at, result = first, None
        for message in _messages(process):
            at = int(str(message.get("at", at)))
            result = message.get("tally", result)
        if not isinstance(result, dict):
            process.kill()
            if process.wait() > 0:  # it raised, outside any input's check: the harness's bug
                raise RuntimeError(f"the {target} worker failed at input {at}: see its traceback")
            return Tally(target, inputs=at - first), at
    return _tally(result), None


def _messages(process: subprocess.Popen[str]) -> Iterator[dict[str, object]]:
    """The worker's messages, until it ends or says nothing for :data:`_SILENCE` seconds."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None  # noqa: S101 - stdout=PIPE

    def pump() -> None:
        for line in stdout:
            lines.put(line)
        lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=_SILENCE)
        except queue.Empty:
            return  # stuck
        if not line:
            return
        yield json.loads(line)


def _tally(document: dict[str, Any]) -> Tally:
    """A tally as a worker wrote it (:meth:`Tally.document`)."""
    return Tally(
        target=document["target"],
        inputs=document["inputs"],
        outcomes=Counter(document["outcomes"]),
        causes=dict(document["causes"]),
        saved=dict(document["saved"]),
        slowest=document["slowest"],
        largest=document["largest"],
    )


# ---------------------------------------------------------------- the report


def table(tallies: Sequence[Tally]) -> str:
    """The Markdown table BENCHMARKS.md records."""
    header = "| target | inputs | read | refused (gates error) | failed | distinct causes |"
    rows = [
        header + " slowest (CPU s) | largest input |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tally in tallies:
        failed = sum(tally.causes.values())
        rows.append(
            f"| `{tally.target}` | {tally.inputs:,} | {tally.outcomes['read']:,} | "
            f"{tally.outcomes['refused']:,} | {failed:,} | {len(tally.causes)} | "
            f"{tally.slowest:.2f} | {tally.largest / 1024:,.0f} KiB |"
        )
    total = sum(tally.inputs for tally in tallies)
    failures = sum(sum(tally.causes.values()) for tally in tallies)
    rows.append(f"| **all** | **{total:,}** | | | **{failures:,}** | | | |")
    return "\n".join(rows)


def causes(tallies: Sequence[Tally]) -> str:
    lines = [
        f"- `{tally.target}`: {cause} ({count} inputs; first saved as {tally.saved.get(cause, '?')})"
        for tally in tallies
        for cause, count in sorted(tally.causes.items())
    ]
    return "\n".join(lines) or "No input failed."


def replay(target: str, path: Path) -> int:
    """Run ``target`` on the saved input ``path``, with the traceback of any failure."""
    data = path.read_bytes()
    outcome = check(TARGETS[target], data)
    sys.stdout.write(f"{outcome}\n")
    if outcome.kind == "crash":
        try:
            TARGETS[target].run(data)
        except Exception:  # noqa: BLE001 - shown, as the point of a replay
            traceback.print_exc()
    return 1 if outcome.failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__)
    parser.add_argument("--inputs", type=int, default=25_000, help="inputs per target")
    parser.add_argument("--minutes", type=float, help="stop every worker after this wall time")
    parser.add_argument("--targets", default="", help="comma-separated (default: all)")
    parser.add_argument(
        "--seed", type=int, default=1, help="the run's seed (inputs differ per seed)"
    )
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) - 1))
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    parser.add_argument("--json", type=Path, help="also write the tallies as JSON here")
    parser.add_argument("--replay", type=Path, help="run one saved input and show its traceback")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        job = json.loads(args.worker)
        tally = work(
            job["target"],
            seed=job["seed"],
            first=job["first"],
            count=job["count"],
            deadline=job["deadline"],
            out=Path(job["out"]),
        )
        _say({"tally": tally.document()})
        return 0
    targets = tuple(name for name in args.targets.split(",") if name) or tuple(TARGETS)
    unknown = [name for name in targets if name not in TARGETS]
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    if args.replay:
        return replay(targets[0], args.replay)
    began = time.time()
    deadline = began + args.minutes * 60 if args.minutes else float("inf")
    plan = Plan(targets, args.seed, args.inputs, deadline, args.jobs, args.out)
    tallies = run(plan)
    elapsed = (time.time() - began) / 60
    sys.stdout.write(
        f"seed {args.seed}, {args.jobs} workers, {elapsed:.1f} min on "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs\n\n{table(tallies)}\n\n{causes(tallies)}\n"
    )
    if args.json:
        args.json.write_text(json.dumps([tally.document() for tally in tallies], indent=1) + "\n")
    return 1 if any(tally.causes for tally in tallies) else 0


if __name__ == "__main__":
    raise SystemExit(main())
