"""Every finding of a verdict in reading order, and whether a waiver covers it (pure)."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from operator import attrgetter

from gates.model.reports import Finding

__all__ = ["all_findings"]

_READING_ORDER = attrgetter("tool", "path", "line", "rule", "message")


def all_findings(
    kept_by_report: Mapping[str, Sequence[Finding]],
    waived_by_report: Mapping[str, Sequence[Finding]],
) -> tuple[tuple[Finding, bool], ...]:
    """Every finding, and whether a waiver covers it, in reading order (tool, path, line, ...).

    The two lists are sorted apart (a C key, no Python call per finding) and
    merged; of two findings that read alike the unwaived one comes first.
    """
    kept = sorted((f for fs in kept_by_report.values() for f in fs), key=_READING_ORDER)
    waived = sorted((f for fs in waived_by_report.values() for f in fs), key=_READING_ORDER)
    unwaived = [(finding, False) for finding in kept]
    if not waived:
        return tuple(unwaived)
    rows = heapq.merge(
        unwaived,
        [(finding, True) for finding in waived],
        key=lambda row: (_READING_ORDER(row[0]), row[1]),
    )
    return tuple(rows)
