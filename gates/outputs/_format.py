"""Wording shared by the outputs: values, statuses, the summary line, safe text.

Every human output (terminal, Markdown, JUnit bodies) says things the same
way, so the words live here once. Evidence text is hostile until made safe:
:func:`one_line` and :func:`printable` remove control and bidirectional
characters before any output adds its own escaping.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Final, assert_never

from gates.judge.problems import ProblemGroup, group_problems
from gates.model.figures import NOT_AVAILABLE
from gates.model.reports import Problem
from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Offender,
    Status,
    Verdict,
    WaiverStatus,
)
from gates.outputs.summary import blocked, summary_line
from gates.untrusted.safetext import one_line, printable

__all__ = [
    "blocked",
    "comparison_lines",
    "comparison_text",
    "count_items",
    "counts_line",
    "detail_lines",
    "hidden_offenders",
    "location",
    "more_text",
    "offender_parts",
    "one_line",
    "printable",
    "problem_text",
    "stage_items",
    "stages_line",
    "status_symbol",
    "status_text",
    "summary_line",
    "waiver_symbol",
    "waiver_text",
]


def status_symbol(status: Status) -> str:
    """One character per status; blocking statuses share the cross."""
    match status:
        case Status.PASS:
            return "✔"
        case Status.WARN:
            return "!"
        case Status.WAIVED:
            return "~"
        case Status.FAIL | Status.ERROR:
            return "✖"
        case _:
            assert_never(status)


def status_text(status: Status) -> str:
    """The symbol and the word, e.g. ``"✖ fail"``: never colour alone."""
    return f"{status_symbol(status)} {status.value}"


def location(path: str, line: int) -> str:
    """``path:line``, ``path`` or ``""``, from the model's "unknown" conventions."""
    if not path:
        return ""
    return f"{path}:{line}" if line > 0 else path


def offender_parts(offender: Offender) -> tuple[str, str, str]:
    """An offender's location, label and detail, each one safe, clipped line."""
    return (
        one_line(location(offender.path, offender.line), 200),
        one_line(offender.label, 120),
        one_line(offender.detail, 300),
    )


def hidden_offenders(gate: GateResult, shown: int) -> int:
    """How many of the gate's offenders a list of ``shown`` leaves out."""
    return max(gate.offenders_total, len(gate.offenders)) - shown


def more_text(hidden: int) -> str:
    """The line that ends a truncated list."""
    return f"… and {hidden:,} more not shown — see the JSON verdict / artifacts"


def detail_lines(gate: GateResult, max_offenders: int) -> list[str]:
    """What a person needs under a gate that did not pass, one safe line each.

    Its problems, its first ``max_offenders`` offenders (then how many more),
    its benchmark comparisons (see :func:`comparison_lines`), and the waivers it used.
    """
    lines = problem_lines(gate, max_offenders)
    shown = gate.offenders[:max_offenders]
    lines += ["  ".join(part for part in offender_parts(o) if part) for o in shown]
    hidden = hidden_offenders(gate, len(shown))
    if hidden > 0:
        lines.append(more_text(hidden))
    lines += comparison_lines(gate, max_offenders)
    lines += [f"waived by {one_line(w, 300)}" for w in gate.waivers]
    return lines


def problem_lines(gate: GateResult, limit: int) -> list[str]:
    """The gate's first ``limit`` problems, then how many more of which kinds.

    Problems that differ only in their subject are one line (:mod:`gates.judge.problems`):
    an offline pip-audit skips every package, one problem each, and fifty lines
    would bury the verdict. The JSON verdict keeps them all.
    """
    groups = group_problems(gate.problems)
    lines = [problem_text(group) for group in groups[:limit]]
    rest: Counter[str] = Counter()
    for group in groups[limit:]:
        rest[group.first.slug] += group.size
    if rest:
        kinds = ", ".join(f"{number} {slug}" for slug, number in sorted(rest.items()))
        total = sum(rest.values())
        lines.append(f"… and {total} more problem{'s' if total > 1 else ''} ({kinds})")
    return lines


def problem_text(problem: Problem | ProblemGroup) -> str:
    """``"[slug] path: message — next: hint"`` as one line (a group's subjects after it)."""
    group = problem if isinstance(problem, ProblemGroup) else group_problems([problem])[0]
    text = f"[{group.first.slug}] {group.describe()}"
    if group.first.hint:
        text += f" — next: {group.first.hint}"
    return one_line(text, 500)


def _signed_percent(ratio: float) -> str:
    if not math.isfinite(ratio):
        return NOT_AVAILABLE
    return f"{(ratio - 1) * 100:+.1f}%"


def comparison_text(comparison: BenchmarkComparison) -> str:
    """``"bench_parse regression +12.0% (+5.1% … +19.3%), 40 rounds — reason"``."""
    interval = f"{_signed_percent(comparison.low)} … {_signed_percent(comparison.high)}"
    text = (
        f"{comparison.name} {comparison.outcome} {_signed_percent(comparison.estimate)}"
        f" ({interval}), {comparison.rounds} rounds"
    )
    if comparison.reason:
        text += f" — {comparison.reason}"
    return one_line(text, 400)


_OUTCOME_ORDER: Final = {
    BenchmarkOutcome.REGRESSION: 0,
    BenchmarkOutcome.INCONCLUSIVE: 1,
    BenchmarkOutcome.IMPROVEMENT: 2,
    BenchmarkOutcome.NO_CHANGE: 3,
}


def _ordered_comparisons(gate: GateResult) -> list[BenchmarkComparison]:
    """Regressions first, then inconclusive, improvements, unchanged; slowest first within each."""
    return sorted(
        gate.comparisons,
        key=lambda c: (
            _OUTCOME_ORDER[c.outcome],
            -c.estimate if math.isfinite(c.estimate) else 0.0,
            c.name,
        ),
    )


def comparison_lines(gate: GateResult, limit: int) -> list[str]:
    """Each benchmark's estimate and interval, one line each: every flagged one, then
    unchanged ones while the list stays within ``limit``, then how many more."""
    ordered = _ordered_comparisons(gate)
    flagged = [c for c in ordered if c.outcome is not BenchmarkOutcome.NO_CHANGE]
    unchanged = [c for c in ordered if c.outcome is BenchmarkOutcome.NO_CHANGE]
    shown = unchanged[: max(limit - len(flagged), 0)]
    lines = [comparison_text(c) for c in [*flagged, *shown]]
    if len(unchanged) > len(shown):
        lines.append(f"… and {len(unchanged) - len(shown):,} more unchanged — see the JSON verdict")
    return lines


def waiver_symbol(status: WaiverStatus) -> str:
    """``used`` ✔, ``unused`` !, ``expired`` ✖ (an expired waiver blocks)."""
    match status:
        case WaiverStatus.USED:
            return "✔"
        case WaiverStatus.UNUSED:
            return "!"
        case WaiverStatus.EXPIRED:
            return "✖"
        case _:
            assert_never(status)


def waiver_text(target: str, owner: str, expires: str) -> str:
    """``"finding pip-audit:GHSA-… (owner @sec, expires 2027-01-31)"``."""
    owner_text = owner or "no owner"
    return one_line(f"{target} ({owner_text}, expires {expires or NOT_AVAILABLE})", 300)


def count_items(verdict: Verdict) -> list[str]:
    """``["tests run 412", "tests skipped 3", ...]``, in the verdict's order."""
    return [f"{count.value} {n:,}" for count, n in verdict.counts]


def counts_line(verdict: Verdict) -> str:
    """``"tests run 412 · tests skipped 3 · files linted 57"``; ``""`` without counts."""
    return " · ".join(count_items(verdict))


def stage_items(verdict: Verdict) -> list[str]:
    """``["unit @ 1a2b3c4d5e", "lint @ 1a2b3c4d5e (dirty tree)"]``, safe and clipped."""
    items = []
    for stage, commit, dirty in verdict.stages:
        text = f"{one_line(stage, 100)} @ {one_line(commit[:10]) or 'unknown commit'}"
        items.append(text + (" (dirty tree)" if dirty else ""))
    return items


def stages_line(verdict: Verdict) -> str:
    """``"unit @ 1a2b3c4d5e · lint @ 1a2b3c4d5e (dirty tree)"``; ``""`` without stages."""
    return " · ".join(stage_items(verdict))
