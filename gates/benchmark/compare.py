"""``benchmark.regressions``: head against base, in one of two designs (pure).

* **Same-run A/B** (the default, written by ``gates bench``): the stage ran
  base and head in alternating fresh processes, round after round, and wrote
  each process's pytest-benchmark JSON as ``round-NN/base.json`` and
  ``round-NN/head.json`` (roles ``base`` and ``head``). Each round gives one
  ratio per benchmark, head median over base median, and the rounds are
  compared as pairs (:func:`gates.benchmark.stats.compare_paired`).
* **Stored baseline**: reports outside rounds, one or more with role ``base``
  (a run saved from the base branch, with its raw timings) and the others
  head; their raw timings are compared as two independent samples
  (:func:`gates.benchmark.stats.compare_unpaired`). For dedicated quiet runners only:
  numbers from another job or machine drift.

The verdict's reason says which design decided (``same-run A/B, 12 rounds`` or
``stored baseline``). The benchmark stage itself calls :func:`paired` after
each pair of rounds to stop as soon as every benchmark is decided, so the
stage and ``gates check`` decide with the same code on the same numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final, NamedTuple

from gates.benchmark.stats import Decision, compare_paired, compare_unpaired
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement, Unmeasured
from gates.model.reports import Benchmark, BenchmarkRun, Problem
from gates.model.verdict import BenchmarkComparison, BenchmarkOutcome

__all__ = [
    "ROUND",
    "RoleRun",
    "compare",
    "paired",
    "round_of",
    "stored",
    "undecided",
]


ROUND: Final = re.compile(r"^round-(\d{1,4})/")  # a report's path inside its stage folder


class RoleRun(NamedTuple):
    """One pytest-benchmark report as the gate sees it: where it is, its role, its data."""

    stage: str
    path: str  # inside the stage folder, "/"-separated, e.g. "round-03/base.json"
    role: str  # "base"; any other role is head
    run: BenchmarkRun


def round_of(path: str) -> int | None:
    """The round a report belongs to (``round-03/head.json`` -> 3), else ``None``."""
    match = ROUND.match(path)
    return int(match.group(1)) if match else None


def compare(runs: Sequence[RoleRun], *, slowdown: float) -> Measurement:
    """Same-run A/B when the reports are rounds, else a stored baseline."""
    in_rounds = [run for run in runs if round_of(run.path) is not None]
    if in_rounds and len(in_rounds) != len(runs):
        return Unmeasured(problems=(_mixed(),))
    if in_rounds:
        pairs, incomplete = _pairs(in_rounds)
        if not pairs:
            return Unmeasured(problems=(_no_pairs(),))
        result = paired(pairs, slowdown=slowdown)
        if incomplete:
            return _with_note(result, f"{count(incomplete, 'round')} without both sides left out")
        return result
    base = [item.run for item in runs if item.role == "base"]
    head = [item.run for item in runs if item.role != "base"]
    return stored(base, head, slowdown=slowdown)


def _pairs(runs: Sequence[RoleRun]) -> tuple[list[tuple[BenchmarkRun, BenchmarkRun]], int]:
    """Complete rounds, in round order, and how many rounds lack a side (or have two)."""
    sides: dict[tuple[str, int], dict[str, list[BenchmarkRun]]] = {}
    for item in runs:
        number = round_of(item.path)
        assert number is not None  # noqa: S101 - only rounds are passed here
        role = "base" if item.role == "base" else "head"
        sides.setdefault((item.stage, number), {}).setdefault(role, []).append(item.run)
    pairs = []
    incomplete = 0
    for key in sorted(sides):
        found = sides[key]
        bases, heads = found.get("base", []), found.get("head", [])
        if len(bases) == 1 and len(heads) == 1:
            pairs.append((bases[0], heads[0]))
        else:
            incomplete += 1
    return pairs, incomplete


def paired(rounds: Sequence[tuple[BenchmarkRun, BenchmarkRun]], *, slowdown: float) -> Measured:
    """Same-run A/B over ``(base, head)`` rounds: one log ratio of medians per round and benchmark."""
    ratios: dict[str, list[float]] = {}
    only: dict[str, set[str]] = {"base": set(), "head": set()}
    for base_run, head_run in rounds:
        base_by, head_by = _by_name([base_run]), _by_name([head_run])
        for name in base_by.keys() & head_by.keys():
            ratios.setdefault(name, []).append(_log_ratio(head_by[name], base_by[name]))
        only["base"].update(base_by.keys() - head_by.keys())
        only["head"].update(head_by.keys() - base_by.keys())
    named = sorted(ratios.items())
    results = compare_paired(named, Decision(slowdown=slowdown))
    summary = f"same-run A/B, {count(len(rounds), 'round')}: " + _tally(results)
    new = sorted(only["head"] - ratios.keys())
    if new:
        summary += f"; {len(new)} only in head ({_examples(new)})"
    return _measurement(results, summary, gone=sorted(only["base"] - ratios.keys()))


def stored(
    base: Sequence[BenchmarkRun], head: Sequence[BenchmarkRun], *, slowdown: float
) -> Measured | Unmeasured:
    """Head against a stored baseline: the raw timings as two independent samples."""
    if not base or not head:
        side = "base" if not base else "head"
        return Unmeasured(problems=(_no_side(side),))
    base_by = _by_name(base)
    head_by = _by_name(head)
    common = sorted(base_by.keys() & head_by.keys())
    unsampled = [name for name in common if not base_by[name].samples or not head_by[name].samples]
    if unsampled:
        return Unmeasured(problems=(_no_samples(unsampled),))
    named = [(name, base_by[name].samples, head_by[name].samples) for name in common]
    results = compare_unpaired(named, Decision(slowdown=slowdown))
    summary = "stored baseline: " + _tally(results)
    new = sorted(head_by.keys() - base_by.keys())
    if new:
        summary += f"; {len(new)} only in head ({_examples(new)})"
    return _measurement(results, summary, gone=sorted(base_by.keys() - head_by.keys()))


def undecided(measurement: Measured) -> list[BenchmarkComparison]:
    """The comparisons still inconclusive: what more rounds could decide."""
    return [c for c in measurement.comparisons if c.outcome is BenchmarkOutcome.INCONCLUSIVE]


def _measurement(
    results: Sequence[BenchmarkComparison], summary: str, *, gone: Sequence[str] = ()
) -> Measured:
    """The count of regressions; the comparisons (no offenders: they would repeat them).

    ``gone``: benchmarks the base measured and head did not. A benchmark that
    fails or is skipped on head leaves pytest-benchmark's report without it,
    so it cannot pass by absence: it is a problem (waive it for a benchmark
    removed on purpose).
    """
    regressions = sum(r.outcome is BenchmarkOutcome.REGRESSION for r in results)
    problems = (_gone(gone),) if gone else ()
    return Measured(
        value=float(regressions),
        summary=summary,
        problems=problems,
        comparisons=tuple(results),
    )


def _with_note(measurement: Measured, note: str) -> Measured:
    return replace(measurement, summary=f"{measurement.summary}; {note}")


def _tally(results: Sequence[BenchmarkComparison]) -> str:
    tally: Mapping[BenchmarkOutcome, int] = Counter(r.outcome for r in results)
    words = (
        count(tally[BenchmarkOutcome.REGRESSION], "regression"),
        count(tally[BenchmarkOutcome.IMPROVEMENT], "improvement"),
        f"{tally[BenchmarkOutcome.INCONCLUSIVE]:,} inconclusive",
        f"{tally[BenchmarkOutcome.NO_CHANGE]:,} unchanged",
    )
    return f"{count(len(results), 'benchmark')} compared: " + ", ".join(words)


def _examples(names: Sequence[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (", …" if len(names) > 3 else "")


def _log_ratio(head: Benchmark, base: Benchmark) -> float:
    """``log(head median / base median)``; NaN for a timing that is not positive."""
    if not (head.median > 0 and base.median > 0):
        return math.nan
    return math.log(head.median / base.median)


def _by_name(runs: Sequence[BenchmarkRun]) -> dict[str, Benchmark]:
    merged: dict[str, Benchmark] = {}
    for run in runs:
        for bench in run.benchmarks:
            prior = merged.get(bench.name)
            merged[bench.name] = (
                bench
                if prior is None
                else prior._replace(
                    samples=[*prior.samples, *bench.samples], rounds=prior.rounds + bench.rounds
                )
            )
    return merged


def _no_side(side: str) -> Problem:
    return Problem(
        slug="missing-evidence",
        path="",
        message=f"no pytest-benchmark report with role {side!r}: nothing to compare",
        hint="run the benchmark stage, which measures base and head (`nox -s benchmark`)",
        subject="pytest-benchmark",
    )


def _no_pairs() -> Problem:
    return Problem(
        slug="missing-evidence",
        path="",
        message="no round holds both a base and a head report: nothing to compare",
        hint="rerun the benchmark stage (`nox -s benchmark`)",
        subject="pytest-benchmark",
    )


def _mixed() -> Problem:
    return Problem(
        slug="ambiguous-evidence",
        path="",
        message="same-run rounds (round-NN/) and reports outside rounds are both present: "
        "the gate cannot tell which design to judge",
        hint="record either `gates bench` rounds or a stored baseline, not both",
        subject="pytest-benchmark",
    )


def _gone(names: Sequence[str]) -> Problem:
    return Problem(
        slug="benchmark-missing",
        path="",
        message=f"{count(len(names), 'benchmark')} measured on the base did not run on head "
        f"({_examples(names)}): failed, skipped or removed",
        hint="fix the benchmark (`nox -s benchmark` shows pytest's output); for one removed on "
        'purpose, waive `evidence = "pytest-benchmark:benchmark-missing"`',
        subject="pytest-benchmark",
    )


def _no_samples(names: Sequence[str]) -> Problem:
    return Problem(
        slug="no-samples",
        path="",
        message=f"{len(names)} benchmarks have no raw timings (e.g. {names[0]}), so no test can be run",
        hint="run pytest-benchmark with --benchmark-save-data",
        subject="pytest-benchmark",
    )
