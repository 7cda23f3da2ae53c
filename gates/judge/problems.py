"""Problems that say the same thing about different subjects, shown once (pure).

An offline pip-audit skips every package: one ``audit-incomplete`` problem
each, with the package as its subject. The verdict keeps every one (a waiver
may name one package, and the JSON verdict lists them all), but a person reads
them as one: what happened once, then the subjects, a few by name.

A problem whose message reads ``"<subject>: <what>"`` groups with the others
of the same slug, path, ``<what>`` and hint; every other problem stands alone
(identical ones are shown once). One problem of a group reads as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gates.model.reports import Problem

__all__ = ["ProblemGroup", "group_problems"]


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """Problems that differ only in their subject: ``what`` happened to each of ``subjects``."""

    first: Problem
    what: str  # the message without its subject; the whole message for a problem alone
    subjects: tuple[str, ...]  # once each, in order; () for a problem alone
    size: int  # how many problems of the verdict it stands for

    def describe(self, *, names: int = 5) -> str:
        """``"path: what: a, b, c, d, e and 16 more (21 in all)"``; one problem as it reads."""
        if len(self.subjects) < 2:  # one subject: the problem in its own words
            return self.first.describe()
        shown = ", ".join(self.subjects[:names])
        hidden = len(self.subjects) - names
        if hidden > 0:
            shown += f" and {hidden:,} more ({len(self.subjects):,} in all)"
        where = f"{self.first.path}: " if self.first.path else ""
        return f"{where}{self.what}: {shown}"


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """``problems`` in order, those that differ only in their subject as one group each."""
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for problem in problems:
        key = (problem.slug, problem.path, _what(problem), problem.hint)
        groups.setdefault(key, []).append(problem)
    return [
        ProblemGroup(
            first=members[0],
            what=what,
            subjects=tuple(dict.fromkeys(p.subject for p in members if p.subject)),
            size=len(members),
        )
        for (_, _, what, _), members in groups.items()
    ]


def _what(problem: Problem) -> str:
    prefix = f"{problem.subject}: "
    if problem.subject and problem.message.startswith(prefix):
        return problem.message.removeprefix(prefix)
    return problem.message
