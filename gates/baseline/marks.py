"""Which findings are new, and which lie on changed lines: what ``new`` and ``changed`` gates count (pure).

``gates check`` works the marks out once for the whole verdict
(:mod:`gates.baseline.apply`: the baseline file, the sources, git) and hangs
them on the evidence; a ``findings`` gate with ``new = true`` or
``changed = true`` then keeps, of the findings its filters selected, only
the marked ones (:func:`pick`). Marks are multisets of findings: of two
identical findings one may be new and the other not.

Fail closed: when the marks could not be worked out (no baseline, a corrupt
one, no merge base), every finding counts, and the gate carries the problem
that says why, so it blocks with its name and the next step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gates.model.reports import Finding, Problem
from gates.model.stage import Marks

__all__ = ["Marks", "Picked", "not_marked", "pick", "touches"]


@dataclass(frozen=True, slots=True)
class Picked:
    """A gate's findings after ``new`` and ``changed``, what its summary adds, and its problems."""

    findings: list[Finding]
    summary: str  # e.g. "; only new ones count: 12 in the baseline"; "" for a plain gate
    problems: tuple[Problem, ...]


def pick(findings: Sequence[Finding], marks: Marks | None, *, new: bool, changed: bool) -> Picked:
    """The findings a gate counts: only new ones with ``new``, only on changed lines with ``changed``."""
    kept = list(findings)
    summary = ""
    problems: list[Problem] = []
    if new:
        if marks is None or marks.new is None:
            problems += (marks.new_problems if marks else ()) or (not_marked("new"),)
            summary += "; the baseline could not be read: every one counts as new"
        else:
            before = len(kept)
            kept = _only(kept, marks.new)
            summary += f"; only new ones count: {before - len(kept):,} in the baseline"
    if changed:
        if marks is None or marks.changed is None:
            problems += (marks.changed_problems if marks else ()) or (not_marked("changed"),)
            summary += "; the changed lines are unknown: every one counts"
        else:
            before = len(kept)
            kept = _only(kept, marks.changed)
            summary += (
                f"; only those on lines changed since {marks.against} count: "
                f"{before - len(kept):,} elsewhere"
            )
    return Picked(kept, summary, tuple(problems))


def touches(
    lines: Mapping[str, frozenset[int]], new_files: frozenset[str], path: str, line: int, end: int
) -> bool:
    """Whether a change touched any of lines ``line`` to ``end`` of ``path``.

    ``lines``: the lines it touched per file; a file of ``new_files`` is touched
    everywhere; line 0 (a finding of the whole file): any line of it; ``end``
    before ``line`` (0): the one line.
    """
    if path in new_files:
        return True
    changed = lines.get(path)
    if changed is None:
        return False
    if line <= 0:
        return True
    if end <= line:
        return line in changed
    if end - line < len(changed):
        return any(number in changed for number in range(line, end + 1))
    return any(line <= number <= end for number in changed)  # bounded by the diff


def _only(findings: Sequence[Finding], marked: Counter[Finding]) -> list[Finding]:
    """The marked findings, as a multiset: each mark is used once."""
    left = Counter(marked)
    kept = []
    for finding in findings:
        if left[finding] > 0:
            left[finding] -= 1
            kept.append(finding)
    return kept


def not_marked(key: str) -> Problem:
    """The problem of a gate whose marks nobody worked out: every finding counts."""
    return Problem(
        slug="baseline-unread",
        path="",
        message=f"the gate counts findings with `{key} = true`, but this command did not "
        "compare them with the baseline or the change, so every finding counts",
        hint="judge the evidence with `gates check` in a checkout of the code it measured",
        subject="baseline",
    )
