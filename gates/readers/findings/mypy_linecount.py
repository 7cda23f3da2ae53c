"""``mypy --linecount-report DIR``: ``DIR/linecount.txt``, the modules mypy checked.

mypy's ``LineCountReporter`` (mypy/report.py) writes one row per module it
type-checked, sorted by size, after a first row of totals::

         17      17      3      3 total
         10      10      1      1 total
          6       6      2      2 pkg.calc

The columns are: lines counted as annotated (all physical lines times the share
of annotated functions), physical lines, annotated functions, functions, and
the module's full name. Only the first row is the totals: the second row above
is a module named ``total``.

Each row gives :attr:`Count.FILES_TYPE_CHECKED` one module. No module is the
problem ``no-files-checked``: mypy writes a totals-only report when a blocking
error (a syntax error, a duplicate module) stopped it before type-checking. The
totals must equal the sum of the rows, which catches a truncated report.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Problem, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, decode_text
from gates.untrusted.safetext import shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "mypy-linecount"
TOOL: Final = "mypy"

_ROW = re.compile(r"\s*([0-9]{1,15})\s+([0-9]{1,15})\s+([0-9]{1,15})\s+([0-9]{1,15}) (\S.*)")
_HINT = "the report is not mypy's linecount.txt or was cut short; rerun the type stage"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Count the modules of a ``linecount.txt`` report."""
    rows = _rows(blob)
    totals, modules = rows[0], rows[1:]
    if totals.name != "total":
        raise _bad(blob.path, "its first row is not the `total` row")
    sums = tuple(sum(row.counts[column] for row in modules) for column in range(4))
    if sums != totals.counts:
        raise _bad(blob.path, f"its rows add up to {sums}, not to the totals {totals.counts}")
    problems = [] if modules else [_no_files(blob.path)]
    return ReportData(tool=TOOL, counts={Count.FILES_TYPE_CHECKED: len(modules)}, problems=problems)


class _Row(NamedTuple):
    counts: tuple[int, ...]  # annotated lines, lines, annotated functions, functions
    name: str


def _rows(blob: Blob) -> list[_Row]:
    rows: list[_Row] = []
    for number, line in enumerate(decode_text(blob).splitlines(), start=1):
        if not line.strip():
            continue
        match = _ROW.fullmatch(line.rstrip())
        if match is None:
            raise _bad(blob.path, f"line {number} is not a linecount row ({shown(line)})")
        *numbers, name = match.groups()
        rows.append(_Row(tuple(int(number) for number in numbers), name))
    if not rows:  # only blank lines: read_blob refuses those, but a caller may not use it
        raise _bad(blob.path, "it has no row")
    return rows


def _bad(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"is not a complete mypy linecount report: {why}",
        slug="malformed-report",
        path=path,
        hint=_HINT,
    )


def _no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} type-checked 0 files: a blocking error stopped it, or no file matched",
        hint="read the type stage's log for mypy's error, and check the paths it is given",
        subject=TOOL,
    )
