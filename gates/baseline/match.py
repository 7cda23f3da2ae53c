"""Which findings of today are findings of the baseline (pure).

Both sides are multisets of :class:`~gates.baseline.identity.Identity`: two
identical findings in the baseline excuse two today, and a third copy is new.
Matching runs in passes, each on the findings the earlier passes left, from
the strictest key to the loosest; every key holds the tool, the rule, the
path (after following renames) and the enclosing function or class:

1. the line's text, the line above it and the text after it: the finding
   did not move, or moved with its neighbours (lines inserted far above, a
   function moved);
2. the line's text and the line above it: the code below it changed (lines
   inserted below, a copy pasted right after it);
3. the line's text and the text after it: the code above it changed;
4. the line's text alone;
5. the whole statement: a formatter rewrapped it, so the flagged line's own
   text changed.

The strict passes first mean that of a violation and its copy, the one whose
surroundings are the baseline's keeps the identity and the copy is new; of a
line pasted right below itself, the first is the original. A flagged line
that is edited matches none of them. Within a pass, findings are taken in
their given order (the caller sorts them by place).

Cost: one dictionary per pass, linear in the number of findings.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from gates.baseline.identity import Identity

__all__ = ["PASSES", "Matching", "match"]

_Key = Callable[[Identity], Hashable]


def _placed(identity: Identity) -> Hashable:
    return (*identity[:4], identity.text, identity.preceding, identity.context)


def _after_the_same(identity: Identity) -> Hashable:
    return (*identity[:4], identity.text, identity.preceding)


def _before_the_same(identity: Identity) -> Hashable:
    return (*identity[:4], identity.text, identity.context)


def _same_line(identity: Identity) -> Hashable:
    return (*identity[:4], identity.text)


def _same_statement(identity: Identity) -> Hashable:
    return (*identity[:4], identity.statement)


PASSES: tuple[tuple[str, _Key], ...] = (
    ("line and both neighbours", _placed),
    ("line and what precedes it", _after_the_same),
    ("line and what follows it", _before_the_same),
    ("line", _same_line),
    ("statement", _same_statement),
)


@dataclass(frozen=True, slots=True)
class Matching:
    """How today's findings paired with the baseline's entries."""

    pairs: Mapping[int, int]  # index of a finding today -> index of the entry it matched
    new: tuple[int, ...]  # indexes of today's findings that matched no entry, in order
    stale: tuple[int, ...]  # indexes of entries that matched no finding, in order


def match(
    entries: Sequence[Identity],
    findings: Sequence[Identity],
    *,
    excluded: frozenset[int] = frozenset(),
) -> Matching:
    """Pair ``findings`` with ``entries``, each at most once; ``excluded`` findings stay new."""
    pairs: dict[int, int] = {}
    free_entries = list(range(len(entries)))
    for _, key in PASSES:
        waiting: dict[Hashable, list[int]] = {}
        for index in reversed(free_entries):  # popped from the end: first entries first
            waiting.setdefault(key(entries[index]), []).append(index)
        for index, finding in enumerate(findings):
            if index in pairs or index in excluded:
                continue
            candidates = waiting.get(key(finding))
            if candidates:
                pairs[index] = candidates.pop()
        taken = set(pairs.values())
        free_entries = [index for index in free_entries if index not in taken]
        if not free_entries:
            break
    new = tuple(index for index in range(len(findings)) if index not in pairs)
    return Matching(pairs, new, tuple(free_entries))
