"""``gates baseline``: record today's findings as accepted, in one reviewed file.

Part of the command line (:mod:`gates.cli` builds the parser, catches every
:class:`gates.errors.GatesError` and exits). It reads the evidence as
``gates check`` does (fresh, complete, from the working tree's state), pairs
its findings with ``gates-baseline.json`` and writes the file again:

* ``gates baseline``: entries that still match are updated to where their
  findings are today, new findings are added, and entries that match
  nothing are **kept** (and listed): removing them is a decision;
* ``gates baseline --prune``: entries that match nothing are removed, and no
  finding is added;
* ``gates baseline --fresh``: the file is written from today's findings
  alone, ignoring the old one (after a merge conflict in it).

A critical finding is never recorded: only a waiver, with an expiry, accepts
one. Evidence with a problem (stale, incomplete, a tool that crashed) is
refused: a baseline recorded from half a lint run would excuse the other half
later.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from gates.baseline.apply import Comparison, all_findings, compare
from gates.baseline.identity import tree_sources
from gates.baseline.store import (
    Baseline,
    Entry,
    entry_of,
    load_baseline,
    new_salt,
    write_baseline,
)
from gates.catalog.metrics import Kind
from gates.cli.options import root_folder
from gates.errors import EvidenceError, InternalError
from gates.judge.evidence import load_evidence
from gates.model.reports import Finding, Severity
from gates.model.stage import Evidence
from gates.policy.load import load_settings
from gates.system.git import BASELINE_NAME, tree_state

__all__ = ["COMMANDS", "add_parsers", "record"]

_LISTED: Final = 10  # critical findings and stale entries named one per line


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates baseline`` to the ``gates`` command line."""
    baseline = sub.add_parser(
        "baseline",
        help=f"record today's findings as accepted, in {BASELINE_NAME}",
        description=_HELP,
    )
    mode = baseline.add_mutually_exclusive_group()
    mode.add_argument(
        "--prune",
        action="store_true",
        help="remove the entries that match no finding any more; add nothing",
    )
    mode.add_argument(
        "--fresh",
        action="store_true",
        help="ignore the current file (a merge conflict in it): record today's findings alone",
    )
    baseline.add_argument(
        "--config", default="gates.toml", type=Path, help="policy whose [gates] settings are read"
    )
    baseline.add_argument(
        "--reports", default=None, help="evidence folder (default: [gates] reports, else .gates)"
    )
    baseline.add_argument("--root", default=".", type=Path, help="repository root (default: .)")
    baseline.add_argument("-v", "--verbose", action="store_true")


_HELP = f"""\
Read the findings of every stage (ruff, mypy, bandit, SARIF, ...) and record
them in {BASELINE_NAME} at the repository root, one per line, sorted. A
findings gate with `new = true` then counts only findings absent from it.
Entries that no longer match a finding are kept until --prune removes them.
Critical findings are never recorded: waive them, with an expiry. Review the
file and commit it: growing the baseline is a change like any other.
"""


def _baseline(args: argparse.Namespace) -> int:
    root = root_folder(args.root)
    summary = record(
        root, config=args.config, reports=args.reports, prune=args.prune, fresh=args.fresh
    )
    sys.stdout.write("".join(f"{line}\n" for line in summary))
    return 0


def record(
    root: Path, *, config: Path, reports: str | None, prune: bool = False, fresh: bool = False
) -> list[str]:
    """Write the baseline file from the evidence; the lines that tell what changed."""
    settings = load_settings(config, root=root)
    folder = reports or settings.reports
    state = tree_state(root, exclude=folder, unaffected=settings.unaffected)
    evidence = load_evidence(
        root,
        reports=folder,
        state=state,
        max_bytes=settings.max_report_mb * 1024 * 1024,
        unaffected=settings.unaffected,
        budget=settings.budget,
    )
    _refuse_incomplete(evidence)
    path = root / BASELINE_NAME
    existing = Baseline("", (), new_salt())
    if not fresh and (path.exists() or path.is_symlink()):
        existing = load_baseline(path, display=BASELINE_NAME)
    findings = all_findings(evidence)
    comparison = compare(findings, existing, root=root, sources=tree_sources(root))
    entries = _entries(comparison, prune=prune)
    write_baseline(path, Baseline(state.commit, tuple(entries), existing.salt))
    return _summary(comparison, entries, prune=prune)


def _refuse_incomplete(evidence: Evidence) -> None:
    """Only complete, fresh findings evidence is recorded."""
    stages = [s for s in evidence.stages if s.manifest is None or s.tools(Kind.FINDINGS)]
    problems = [
        p.problem
        for stage in stages
        for p in stage.problems
        if p.kind is None or p.kind is Kind.FINDINGS
    ]
    if evidence.crashes:
        crash = evidence.crashes[0]
        raise InternalError(
            f"gates crashed reading {crash.path or 'the evidence'} ({crash.error}): "
            "no baseline recorded",
            slug="internal-error",
            hint="report the bug with the output of `gates check -v`, which shows the traceback",
        )
    if problems:
        listed = "; ".join(f"[{p.slug}] {p.describe()}" for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        raise EvidenceError(
            f"the findings evidence cannot be trusted, so no baseline was recorded: {listed}{more}",
            slug=problems[0].slug,
            hint=problems[0].hint or "rerun the stages (`nox -s gates`)",
        )
    if not stages:
        raise EvidenceError(
            f"no stage under {evidence.folder}/ holds findings: there is nothing to record",
            slug="missing-evidence",
            hint="run the stages first (`nox -s gates`, or `nox -s lint type security`)",
        )


def _entries(comparison: Comparison, *, prune: bool) -> list[Entry]:
    """What the file holds now: matched entries where they are today, then the rest."""
    findings, identities = comparison.findings, comparison.identities
    entries = [entry_of(findings[f], identities[f]) for f in sorted(comparison.matching.pairs)]
    if not prune:
        entries += [
            entry_of(findings[f], identities[f])
            for f in comparison.matching.new
            if findings[f].severity is not Severity.CRITICAL
        ]
        entries += [e for e in comparison.stale if e.severity is not Severity.CRITICAL]
    return entries


def _summary(comparison: Comparison, entries: Sequence[Entry], *, prune: bool) -> list[str]:
    new = comparison.new
    critical = [f for f in new if f.severity is Severity.CRITICAL]
    added = len(new) - len(critical)
    stale = comparison.stale
    tools = _by_tool(e.identity.tool for e in entries)
    lines = [
        f"{BASELINE_NAME}: {_count(len(entries), 'finding')} accepted ({tools})",
        f"  {len(comparison.matching.pairs):,} already in the baseline, "
        + (
            f"{added:,} new not added (`gates baseline` adds them)" if prune else f"{added:,} added"
        ),
    ]
    if stale:
        verb = "removed" if prune else "kept (`gates baseline --prune` removes them)"
        lines.append(f"  {len(stale):,} no longer found, {verb}:")
        lines += [f"    {_entry_line(e)}" for e in stale[:_LISTED]]
        lines += [f"    … and {len(stale) - _LISTED:,} more"] if len(stale) > _LISTED else []
    lines += comparison.notes
    if critical:
        lines.append(
            f"  {len(critical):,} critical finding{'' if len(critical) == 1 else 's'} not "
            "recorded: only a [[waiver]] with an expiry accepts one (docs/policy.md):"
        )
        lines += [f"    {_finding_line(f)}" for f in critical[:_LISTED]]
    lines.append(f"review {BASELINE_NAME} and commit it")
    return lines


def _by_tool(tools: Iterable[str]) -> str:
    counted = Counter(tools)
    return ", ".join(f"{tool} {n:,}" for tool, n in sorted(counted.items())) or "none"


def _entry_line(entry: Entry) -> str:
    i = entry.identity
    where = f"{i.path}:{entry.line}" if entry.line else (i.path or "-")
    return f"{i.tool} {i.rule} {where}" + (f" ({i.scope})" if i.scope else "")


def _finding_line(finding: Finding) -> str:
    first = finding.message.splitlines()[0] if finding.message else ""
    return f"{finding.tool} {finding.rule} {finding.location}: {first}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"baseline": _baseline}
