"""The offline dependency audit: the dependencies against a local folder of OSV advisories.

:func:`audit` makes the report ``gates-osv-json`` that
:mod:`gates.readers.advisories.osv_offline` reads::

    {"format": "gates-osv", "version": 1, "audited_at": "2026-12-04T05:40:00Z",
     "advisories": {"folder": "osv", "read": 3, "newest_modified": "2026-11-30T…Z",
                    "max_age_days": 90, "errors": [{"path": "osv/x.json", "reason": "…"}]},
     "dependencies": [
       {"name": "requests", "version": "2.19.1",
        "vulns": [{"id": "PYSEC-2018-28", "aliases": ["CVE-2018-18074", "GHSA-…"],
                   "severity": "high", "fixed": ["2.20.0"], "summary": "…"}]},
       {"name": "private-lib", "skip_reason": "not pinned (==) and not installed …"}]}

The report states what the audit read, not a judgement: the reader decides
that a folder with errors, no advisory, or a newest ``modified`` older than
``max_age_days`` blocks (fail closed), so the verdict names the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from gates.osv.advisories import Folder, read_folder
from gates.osv.deps import Dependency, Skipped, resolve
from gates.osv.match import Match, matches

__all__ = ["FORMAT", "VERSION", "audit", "report"]

FORMAT: Final = "gates-osv"
VERSION: Final = 1


def audit(
    folder: Path, targets: Sequence[str], *, max_age_days: int, now: datetime
) -> dict[str, object]:
    """Audit ``targets`` (pip-audit's: ``-r FILE``, project folders) against ``folder``."""
    advisories = read_folder(folder, now=now)
    deps, skipped = resolve(targets)
    return report(
        folder=str(folder),
        advisories=advisories,
        deps=deps,
        skipped=skipped,
        max_age_days=max_age_days,
        now=now,
    )


def report(
    *,
    folder: str,
    advisories: Folder,
    deps: Sequence[Dependency],
    skipped: Sequence[Skipped],
    max_age_days: int,
    now: datetime,
) -> dict[str, object]:
    """The report of an audit: what was read, and what matched."""
    newest = advisories.newest
    entries: list[dict[str, object]] = [
        {
            "name": dep.name,
            "version": str(dep.version),
            "vulns": [_vuln(m) for m in matches(advisories.advisories, dep.name, dep.version)],
        }
        for dep in deps
    ]
    entries += [{"name": s.name, "skip_reason": s.reason} for s in skipped]
    return {
        "format": FORMAT,
        "version": VERSION,
        "audited_at": _stamp(now),
        "advisories": {
            "folder": folder,
            "read": len(advisories.advisories),
            "newest_modified": _stamp(newest) if newest is not None else None,
            "max_age_days": max_age_days,
            "errors": [{"path": e.path, "reason": e.reason} for e in advisories.errors],
        },
        "dependencies": entries,
    }


def _vuln(found: Match) -> dict[str, object]:
    advisory = found.advisory
    return {
        "id": advisory.id,
        "aliases": list(advisory.aliases),
        "severity": advisory.severity,
        "fixed": list(found.fixed),
        "summary": advisory.summary,
    }


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
