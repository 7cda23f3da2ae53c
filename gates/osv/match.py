"""Which advisories affect one installed version: OSV's range semantics, with :mod:`packaging`.

A version is affected by an advisory's entry for its package when the entry
lists it in ``versions`` (compared as Python versions, so ``1.0`` is ``1.0.0``)
or when one of its ranges holds it. A range's events are read in version
order (OSV: "sorted by version, the order does not matter in the file"):
``introduced`` opens an affected interval at its version (``"0"``: from the
first), ``fixed`` closes it at its version (excluded), ``last_affected``
closes it just after its version (included), ``limit`` ends every interval
at its version. Names match after PEP 503 normalisation (``Jinja2`` is
``jinja2``, ``zope.interface`` is ``zope-interface``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gates.osv.advisories import Advisory, Affected, Range

__all__ = ["Match", "affects", "in_range", "matches"]

_FIRST = Version("0")
_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}


@dataclass(frozen=True, slots=True)
class Match:
    """An advisory that affects a dependency, and the versions that fix it."""

    advisory: Advisory
    fixed: tuple[str, ...]


def matches(advisories: Iterable[Advisory], name: str, version: Version) -> list[Match]:
    """The advisories that affect ``name`` at ``version``, withdrawn ones aside, by id."""
    wanted = canonicalize_name(name)
    found: dict[str, Match] = {}
    for advisory in advisories:
        if advisory.withdrawn:
            continue
        entries = [entry for entry in advisory.affected if entry.name == wanted]
        hits = [entry for entry in entries if affects(entry, version)]
        if hits:
            fixed = sorted({v for e in hits for r in e.ranges for k, v in r.events if k == "fixed"})
            found[advisory.id] = Match(advisory, tuple(sorted(fixed, key=Version)))
    return _distinct(found[key] for key in sorted(found))


def _distinct(found: Iterable[Match]) -> list[Match]:
    """One match per vulnerability: the database holds a PYSEC and a GHSA record of many,
    each naming the other among its aliases; like pip-audit, the PYSEC id is kept."""
    ranked = sorted(found, key=lambda m: (not m.advisory.id.startswith("PYSEC-"), m.advisory.id))
    kept: list[Match] = []
    named: set[str] = set()
    for match in ranked:
        names = {match.advisory.id, *match.advisory.aliases}
        if names.isdisjoint(named):
            kept.append(match)
        named |= names
    return sorted(kept, key=lambda m: m.advisory.id)


def affects(entry: Affected, version: Version) -> bool:
    """Whether one ``affected`` entry holds ``version``: listed, or in one of its ranges."""
    return _listed(entry.versions, version) or any(in_range(r, version) for r in entry.ranges)


def in_range(span: Range, version: Version) -> bool:
    """Whether ``version`` lies in one of the intervals the range's events describe."""
    affected = False
    events = sorted(span.events, key=lambda event: (_at(event[1]), _ORDER[event[0]]))
    for kind, value in events:
        at = _at(value)
        if kind == "limit" and version >= at:
            return False
        if kind == "introduced" and version >= at:
            affected = True
        elif _closes(kind, at, version):
            affected = False
    return affected


def _closes(kind: str, at: Version, version: Version) -> bool:
    """Whether a ``fixed`` (excluded) or ``last_affected`` (included) event ends ``version``'s interval."""
    return (kind == "fixed" and version >= at) or (kind == "last_affected" and version > at)


def _at(value: str) -> Version:
    return _FIRST if value == "0" else Version(value)


def _listed(versions: frozenset[str], version: Version) -> bool:
    for listed in versions:
        try:
            if Version(listed) == version:
                return True
        except InvalidVersion:  # a legacy version in the list: equal only as written
            if listed == str(version):
                return True
    return False
