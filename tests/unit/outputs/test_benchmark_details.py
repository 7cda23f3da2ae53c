"""A benchmark gate shows each benchmark's estimate and interval, even when it passes."""

from __future__ import annotations

from dataclasses import replace

from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Level,
    Status,
    Verdict,
)
from gates.outputs import OutputFormat, RenderOptions, render
from tests.unit.outputs import _verdicts

COMPARISONS = (
    BenchmarkComparison(
        name="bench.py::test_parse",
        outcome=BenchmarkOutcome.NO_CHANGE,
        estimate=1.012,
        low=0.991,
        high=1.031,
        rounds=12,
        reason="the interval stays below +5.0 %",
    ),
    BenchmarkComparison(
        name="bench.py::test_sort",
        outcome=BenchmarkOutcome.INCONCLUSIVE,
        estimate=1.03,
        low=0.9,
        high=1.16,
        rounds=20,
        reason="too noisy: after 20 rounds the interval still reaches +5.0 %",
    ),
    BenchmarkComparison(
        name="bench.py::test_load",
        outcome=BenchmarkOutcome.IMPROVEMENT,
        estimate=0.8,
        low=0.78,
        high=0.82,
        rounds=12,
        reason="significantly faster (p=0.001 after Holm), by over -4.8 %",
    ),
)


ORDER = (
    "bench.py::test_sort inconclusive +3.0% (-10.0% … +16.0%), 20 rounds",
    "bench.py::test_load improvement",
    "bench.py::test_parse no-change",
    "reproduce: nox -s benchmark",
)


def passing_benchmarks() -> Verdict:
    verdict = _verdicts.passing()
    gate = GateResult(
        name="benchmarks",
        metric="benchmark.regressions",
        status=Status.PASS,
        level=Level.BLOCK,
        observed=0.0,
        bound="<= 0",
        reason="0 — same-run A/B, 20 rounds: 3 benchmarks compared: 0 regressions, "
        "1 improvement, 1 inconclusive, 1 unchanged",
        stages=("benchmark",),
        evidence=(".gates/benchmark/round-01/base.json",),
        reproduce="nox -s benchmark",
        comparisons=COMPARISONS,
    )
    return replace(verdict, gates=(*verdict.gates, gate))


def test_the_terminal_lists_every_estimate_under_a_passing_benchmark_gate() -> None:
    text = render(passing_benchmarks(), OutputFormat.TERMINAL, options=RenderOptions())
    section = text[text.index("✔ benchmarks (pass) — 0 — same-run A/B, 20 rounds") :]
    starts = [section.index(f"    {start}") for start in ORDER]
    assert starts == sorted(starts)  # regressions, inconclusive, improvements, unchanged
    assert (
        "bench.py::test_load improvement -20.0% (-22.0% … -18.0%), 12 rounds — significantly"
        in section
    )
    assert "bench.py::test_parse no-change +1.2% (-0.9% … +3.1%), 12 rounds" in section
    # the gates that passed without comparisons still get no section
    assert "✔ lint (pass)" not in text
    assert text.rstrip().endswith("PASSED — 4 gates passed")


def test_the_markdown_lists_them_too() -> None:
    text = render(passing_benchmarks(), OutputFormat.MARKDOWN, options=RenderOptions())
    assert "<summary>✔ pass — <strong>benchmarks</strong>: 0 — same-run A/B" in text
    assert "- **Benchmark:** bench.py::test\\_parse no-change +1.2% (-0.9% … +3.1%)" in text
    assert "- **Benchmark:** bench.py::test\\_sort inconclusive +3.0%" in text
    assert "<strong>lint</strong>" not in text


def test_many_unchanged_benchmarks_are_counted_not_listed() -> None:
    many = tuple(
        BenchmarkComparison(
            name=f"b{i:02d}",
            outcome=BenchmarkOutcome.NO_CHANGE,
            estimate=1.0,
            low=0.99,
            high=1.01,
            rounds=10,
            reason="",
        )
        for i in range(30)
    )
    verdict = passing_benchmarks()
    gate = replace(verdict.gates[-1], comparisons=many)
    verdict = replace(verdict, gates=(*verdict.gates[:-1], gate))
    text = render(verdict, OutputFormat.TERMINAL, options=RenderOptions(max_offenders=5))
    assert text.count(" no-change +0.0%") == 5
    assert "… and 25 more unchanged — see the JSON verdict" in text
