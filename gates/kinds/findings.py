"""``findings``: what linters, type checkers and scanners reported, after the gate's filters and waivers (pure).

Findings are split into waived and not waived once for the whole verdict (so
each waiver counts what it covers once); a gate then keeps those of its
tools, at or above its severity, matching its rule and path globs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Final

from gates.baseline.marks import pick
from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds import complexity
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import MAX_OFFENDERS, every_report, tally_counts
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement
from gates.model.reports import Finding
from gates.model.stage import LoadedReport
from gates.model.verdict import Offender
from gates.policy.load import GateSpec

__all__ = ["EXPECTED_TOOL", "KIND", "counts", "dedupe", "findings", "measure", "select_findings"]

KIND: Final = Kind.FINDINGS
EXPECTED_TOOL: Final = "any linter or scanner"


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """Every report counts: each tool's findings are its own."""
    return every_report(reports)


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """Files linted, type-checked and scanned; packages audited and skipped; suppressions."""
    return tally_counts(reports)


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's findings: those no waiver covers, with the waived ones counted beside them.

    The ``complexity.*`` metrics read radon's and complexipy's figures from the same evidence (kinds/complexity.py).
    """
    if gate.metric.name in complexity.METRICS:
        return complexity.measure(gate, reports, context)
    kept = select_findings(gate, (f for r in reports for f in context.kept.get(r.path, ())))
    waived = select_findings(gate, (f for r in reports for f in context.waived.get(r.path, ())))
    picked = pick(kept, context.evidence.marks, new=gate.new, changed=gate.changed)
    measured = findings(picked.findings, len(waived))
    return replace(measured, summary=measured.summary + picked.summary, problems=picked.problems)


def select_findings(gate: GateSpec, findings: Iterable[Finding]) -> list[Finding]:
    """The findings a gate's filters keep: tool, severity at or above, rule and path globs.

    One filter at a time, each a pass over what the previous kept: a gate on
    200,000 findings with no filter but its tool costs one pass.
    """
    kept = list(findings)
    if gate.tools:
        tools = frozenset(gate.tools)
        kept = [finding for finding in kept if finding.tool in tools]
    if gate.severity is not None:
        floor = gate.severity
        kept = [finding for finding in kept if finding.severity >= floor]
    if gate.rules:
        rules = gate.rules
        kept = [f for f in kept if any(fnmatchcase(f.rule, pattern) for pattern in rules)]
    if gate.paths:
        paths = gate.paths
        kept = [f for f in kept if any(fnmatchcase(f.path, pattern) for pattern in paths)]
    return kept


def _worst_first(finding: Finding) -> tuple[int, str, str, int, str]:
    return (-finding.severity, finding.tool, finding.path, finding.line, finding.rule)


def findings(selected: Sequence[Finding], waived: int) -> Measured:
    """``findings``: the selected, unwaived findings, worst first (the first MAX_OFFENDERS)."""
    ordered = heapq.nsmallest(MAX_OFFENDERS, selected, key=_worst_first)
    offenders = [
        Offender(
            path=f.path,
            line=f.line,
            label=f"{f.tool} {f.rule}",
            detail=f"[{f.severity.label}] {f.message.splitlines()[0] if f.message else ''}",
        )
        for f in ordered
    ]
    tools = sorted({f.tool for f in selected})
    summary = count(len(selected), "finding") + (f" ({', '.join(tools)})" if tools else "")
    if waived:
        summary += f", {waived:,} waived"
    return Measured(
        value=float(len(selected)),
        summary=summary,
        offenders=tuple(offenders),
        offenders_total=len(selected),
    )
