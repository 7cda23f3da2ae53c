"""diff-cover's JSON report (``diff-cover coverage.xml --format json:out.json``).

Per changed file with coverage data (``src_stats``), the changed lines that
were covered (``covered_lines``) and not (``violation_lines``); the diff it
compared (``diff_name``, e.g. ``"origin/main...HEAD"``; diff-cover appends
``", staged and unstaged changes"`` unless run with ``--ignore-staged
--ignore-unstaged``); and ``num_changed_lines``, the lines changed in *every*
file of the diff, Python or not.

Completeness: ``Count.CHANGED_LINES_MEASURED`` is ``total_num_lines``, the
changed lines that had coverage data. diff-cover reports 100 % when that is 0
(a wrong base, paths that do not match the coverage report, a shallow clone);
this reader does not decide whether 0 is vacuous or a docs-only change: the
evaluator does, with the ``git-numstat`` evidence of changed Python lines.
Totals that disagree with ``src_stats`` mean a truncated or edited report
(``malformed-report``); a non-finite percentage is ``non-finite``.
"""

from __future__ import annotations

from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import PatchCoverage, PatchFile, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, ints
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "diff-cover-json"
TOOL: Final = "diff-cover"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The changed lines diff-cover measured, file by file."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    doc.text("report_name")
    files = sorted(
        _file(context.git_path(name), Fields(value, path=blob.path, where=f"src_stats.{name}"))
        for name, value in doc.obj("src_stats").items()
    )
    measured = _check_totals(doc, files)
    return ReportData(
        tool=TOOL,
        patch=PatchCoverage(
            files=files,
            diff=doc.text("diff_name"),
            changed_lines=doc.count("num_changed_lines"),
        ),
        counts={Count.CHANGED_LINES_MEASURED: measured},
    )


def _file(path: str, stats: Fields) -> PatchFile:
    where = stats.where
    covered = ints(stats.array("covered_lines"), path=stats.path, where=f"{where}.covered_lines")
    missing = ints(
        stats.array("violation_lines"), path=stats.path, where=f"{where}.violation_lines"
    )
    if stats.raw("percent_covered") is not None:
        stats.number("percent_covered")  # finite, or the report is refused
    return PatchFile(path, covered, missing)


def _check_totals(doc: Fields, files: list[PatchFile]) -> int:
    """``total_num_lines``, once it agrees with the files and the diff."""
    doc.number("total_percent_covered")
    measured = doc.count("total_num_lines")
    violations = doc.count("total_num_violations")
    changed = doc.count("num_changed_lines")
    held = sum(len(item.covered) + len(item.missing) for item in files)
    held_violations = sum(len(item.missing) for item in files)
    if (measured, violations) != (held, held_violations) or not 0 <= measured <= changed:
        raise EvidenceError(
            f"the totals (total_num_lines {measured}, total_num_violations {violations}, "
            f"num_changed_lines {changed}) disagree with `src_stats` ({held} lines, "
            f"{held_violations} violations): the report is truncated or edited",
            slug="malformed-report",
            path=doc.path,
            hint="rerun the stage that runs diff-cover",
        )
    return measured
