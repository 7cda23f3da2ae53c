"""What several kinds of evidence share: offender lists, path globs, wording, plain counts (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

from gates.catalog.counts import Count
from gates.model.stage import LoadedReport
from gates.model.verdict import Offender

__all__ = [
    "MAX_OFFENDERS",
    "cap",
    "every_report",
    "in_paths",
    "line_ranges",
    "tally_counts",
]

MAX_OFFENDERS = 1000  # kept per gate in the verdict; outputs show fewer


def cap(offenders: Sequence[Offender]) -> tuple[tuple[Offender, ...], int]:
    """The first :data:`MAX_OFFENDERS` offenders, and how many there were."""
    return tuple(offenders[:MAX_OFFENDERS]), len(offenders)


def in_paths(path: str, globs: Sequence[str]) -> bool:
    """Whether ``path`` matches one of the gate's ``path`` globs (every path without globs)."""
    return not globs or any(fnmatchcase(path, pattern) for pattern in globs)


def line_ranges(lines: Iterable[int], *, limit: int = 8) -> str:
    """``[1, 2, 3, 7, 9, 10]`` -> ``"1-3, 7, 9-10"`` (at most ``limit`` ranges)."""
    ranges: list[str] = []
    ordered = sorted(set(lines))
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        first, last = ordered[start], ordered[end]
        ranges.append(str(first) if first == last else f"{first}-{last}")
        start = end + 1
    shown = ", ".join(ranges[:limit])
    return shown + (f", … ({len(ranges) - limit} more)" if len(ranges) > limit else "")


def every_report(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """``dedupe`` of a kind whose reports never repeat one another: all of them count."""
    return list(reports)


def tally_counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    """The completeness counts of ``reports``, summed over stages and tools.

    Within one stage, reports of one tool that count the same thing (the
    coverage JSON and Cobertura XML of one pytest run) measured it once: the
    larger figure counts, not the sum.
    """
    per_tool: dict[tuple[str, str, Count], int] = {}
    for report in reports:
        for item, value in report.data.counts.items():
            key = (report.stage, report.entry.tool, item)
            per_tool[key] = max(per_tool.get(key, 0), value)
    total: Counter[Count] = Counter()
    for (_, _, item), value in per_tool.items():
        total[item] += value
    return total
