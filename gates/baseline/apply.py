"""The baseline and the change, applied to the evidence ``gates check`` judges.

:func:`compare` pairs today's findings with the baseline's entries: it reads
the sources for the identities, follows the renames since the baseline's
commit, and matches (:mod:`gates.baseline.match`); ``gates baseline`` writes
its result. :func:`mark_evidence` turns it, and the lines this change
touched, into the :class:`~gates.baseline.marks.Marks` that ``new`` and
``changed`` gates count with. Only the policy's gates that ask pay for it.

A critical finding is never excused by the baseline: only a waiver, with an
expiry, accepts one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from gates.baseline.git import changed_lines, file_at, renames
from gates.baseline.identity import Identity, Sources, commit_sources, identify, tree_sources
from gates.baseline.marks import Marks
from gates.baseline.match import Matching, match
from gates.baseline.store import Baseline, Entry, load_baseline, parse_baseline
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, Severity
from gates.model.stage import Evidence
from gates.policy import Policy
from gates.system.git import BASELINE_NAME

__all__ = [
    "Comparison",
    "all_findings",
    "baseline_notes",
    "compare",
    "growth",
    "mark_evidence",
]

_SHOWN: Final = 3  # stale entries named in a note
CHANGED_METRIC: Final = "complexity.max_changed"  # a metric that reads the changed lines


@dataclass(frozen=True, slots=True)
class Comparison:
    """Today's findings against a baseline."""

    findings: tuple[Finding, ...]  # sorted by place
    identities: tuple[Identity, ...]  # of each finding, in the same order
    entries: tuple[Entry, ...]  # the baseline's, paths renamed as they are today
    matching: Matching
    notes: tuple[str, ...]

    @property
    def new(self) -> list[Finding]:
        return [self.findings[index] for index in self.matching.new]

    @property
    def stale(self) -> list[Entry]:
        return [self.entries[index] for index in self.matching.stale]


def all_findings(evidence: Evidence) -> list[Finding]:
    """Every finding of every stage, sorted by place (the order matching takes them in)."""
    found = [
        finding
        for stage in evidence.stages
        for report in stage.reports
        for finding in report.data.findings
    ]
    found.sort(key=lambda f: (f.path, f.line, f.tool, f.rule, f.message, f.severity))
    return found


def compare(
    findings: Sequence[Finding], baseline: Baseline, *, root: Path, sources: Sources
) -> Comparison:
    """Pair ``findings`` with ``baseline``'s entries (each at most once)."""
    notes: list[str] = []
    moved = _renames(root, baseline.commit, notes)
    entries = tuple(
        entry._replace(identity=entry.identity._replace(path=moved[entry.identity.path]))
        if entry.identity.path in moved
        else entry
        for entry in baseline.entries
    )
    identities = identify(findings, sources, salt=baseline.salt)
    critical = frozenset(i for i, f in enumerate(findings) if f.severity is Severity.CRITICAL)
    # a critical entry, written by hand, excuses nothing: only a waiver accepts a critical finding
    usable = [e.identity for e in entries if e.severity is not Severity.CRITICAL]
    held = len(entries) - len(usable)
    if held:
        notes.append(
            f"{BASELINE_NAME}: {held:,} critical entr{'y' if held == 1 else 'ies'} ignored: "
            "a critical finding is accepted only by a waiver with an expiry"
        )
    matching = match(usable, identities, excluded=critical)
    if held:  # indexes into `usable` back to indexes into `entries`
        kept = [i for i, e in enumerate(entries) if e.severity is not Severity.CRITICAL]
        matching = Matching(
            {f: kept[e] for f, e in matching.pairs.items()},
            matching.new,
            tuple(kept[e] for e in matching.stale),
        )
    return Comparison(tuple(findings), tuple(identities), entries, matching, tuple(notes))


def _renames(root: Path, commit: str, notes: list[str]) -> dict[str, str]:
    if not commit:
        return {}
    try:
        return renames(root, commit)
    except EvidenceError as error:
        notes.append(f"{BASELINE_NAME}: {error.message} (next: {error.hint})")
        return {}


# ---------------------------------------------------------------- marking the evidence


def mark_evidence(
    policy: Policy, evidence: Evidence, *, root: Path, commit: str | None = None
) -> Evidence:
    """``evidence`` with the marks its ``new`` and ``changed`` gates need (unchanged if none asks).

    ``commit``: the evidence was made at this commit, not from the working
    tree (``gates check --commit``); the sources are read from it.
    """
    wants_new = any(gate.new for gate in policy.gates)
    wants_changed = any(gate.changed or gate.metric.name == CHANGED_METRIC for gate in policy.gates)
    if not wants_new and not wants_changed:
        return evidence
    findings = all_findings(evidence)
    sources = commit_sources(root, commit) if commit else tree_sources(root)
    marks = Marks()
    if wants_new:
        marks = _mark_new(marks, findings, root=root, sources=sources, base=policy.settings.base)
    if wants_changed:
        marks = _mark_changed(marks, findings, root=root, base=policy.settings.base)
    return replace(evidence, marks=marks)


def _mark_new(
    marks: Marks, findings: Sequence[Finding], *, root: Path, sources: Sources, base: str
) -> Marks:
    try:
        baseline = load_baseline(root / BASELINE_NAME, display=BASELINE_NAME)
    except EvidenceError as error:
        return replace(marks, new_problems=(_problem(error, BASELINE_NAME),))
    comparison = compare(findings, baseline, root=root, sources=sources)
    stale = comparison.stale
    notes = [*comparison.notes, *growth(root, base, baseline)]
    if stale:
        named = ", ".join(_entry_name(e) for e in stale[:_SHOWN])
        more = f" and {len(stale) - _SHOWN:,} more" if len(stale) > _SHOWN else ""
        notes.append(
            f"{BASELINE_NAME}: {len(stale):,} entr{'y' if len(stale) == 1 else 'ies'} "
            f"match{'es' if len(stale) == 1 else ''} no finding any more ({named}{more}): "
            "fixed, or changed beyond recognition; `gates baseline --prune` removes them"
        )
    return replace(
        marks,
        new=Counter(comparison.new),
        baselined=len(comparison.matching.pairs),
        notes=(*marks.notes, *notes),
    )


def growth(root: Path, base: str, baseline: Baseline) -> list[str]:
    """A note naming the entries this change adds to the baseline, against ``base``'s file.

    Growing the baseline accepts findings: the note puts it next to the
    verdict, where the reviewer reads it. Nothing is said when ``base`` has no
    baseline (the change adopts one) or git cannot read it.
    """
    data = file_at(root, base, BASELINE_NAME)
    if data is None:
        return []
    try:
        before = parse_baseline(data, display=f"{base}:{BASELINE_NAME}")
    except EvidenceError:
        return [
            f"{BASELINE_NAME}: {base}'s copy cannot be read, so what this change adds is unknown"
        ]
    if before.salt != baseline.salt:
        why = "has another salt (it was recorded afresh), so what this change adds is unknown"
        return [f"{BASELINE_NAME}: {base}'s copy {why}"]
    moved = _renames(root, before.commit, []) if before.commit else {}
    had = [_renamed(e.identity, moved) for e in before.entries]
    matching = match(had, [e.identity for e in baseline.entries])
    added = [baseline.entries[index] for index in matching.new]
    if not added:
        return []
    named = ", ".join(_entry_name(e) for e in added[:_SHOWN])
    more = f" and {len(added) - _SHOWN:,} more" if len(added) > _SHOWN else ""
    findings = f"{len(added):,} finding{'' if len(added) == 1 else 's'}"
    return [f"{BASELINE_NAME}: this change accepts {findings} more than {base}'s ({named}{more})"]


def _renamed(identity: Identity, moved: dict[str, str]) -> Identity:
    return identity._replace(path=moved[identity.path]) if identity.path in moved else identity


def _entry_name(entry: Entry) -> str:
    i = entry.identity
    return f"{i.tool} {i.rule} in {i.path or '-'}" + (f":{entry.line}" if entry.line else "")


def _mark_changed(marks: Marks, findings: Sequence[Finding], *, root: Path, base: str) -> Marks:
    try:
        changes = changed_lines(root, base)
    except EvidenceError as error:
        return replace(marks, changed_problems=(_problem(error, ""),))
    touched = Counter(
        f for f in findings if not f.path or changes.touches_span(f.path, f.line, f.end)
    )
    return replace(
        marks,
        changed=touched,
        against=changes.against,
        lines=changes.lines,
        new_files=changes.new_files,
    )


def _problem(error: EvidenceError, path: str) -> Problem:
    return Problem(
        slug=error.slug,
        path=path or error.path,
        message=error.detail,
        hint=error.hint,
        subject="baseline",
    )


def baseline_notes(evidence: Evidence) -> tuple[str, ...]:
    """What the verdict says about the baseline: stale entries, renames not followed."""
    marks = evidence.marks
    return marks.notes if marks is not None else ()
