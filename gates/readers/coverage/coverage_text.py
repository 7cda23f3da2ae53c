"""``coverage report``'s text table: the TOTAL a person running coverage.py reads.

The unit and integration stages record it (``coverage report --format=text``)
beside the coverage JSON and Cobertura reports of the same data. It adds no
per-file data: the reader keeps the TOTAL row (statements, missed, branches and
partial branches when the table has those columns, and the percentage exactly
as printed, at the project's ``[report] precision``). ``gates check`` then
checks that the figure it computes from the stage's coverage JSON is this one,
and blocks (``coverage-mismatch``) when it is not.

The header row names the columns (``Name Stmts Miss [Branch BrPart] Cover
[Missing]``); the TOTAL row is the last row whose first cell is ``TOTAL``.
Anything else (a Markdown table, ``--format=total``, a truncated file) is
``malformed-report``.
"""

from __future__ import annotations

import re
from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import CoverageTotal, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, decode_text
from gates.untrusted.safetext import decimal, shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "coverage-report"
TOOL: Final = "coverage"

# at most 15 decimals (covround.MAX_PRECISION): a float holds no more of a percentage
_PERCENT: Final = re.compile(r"([0-9]{1,3}(?:\.[0-9]{1,15})?)%")
_REGENERATE: Final = (
    "write only the stdout of `coverage report --format=text` to this report "
    "(rerun the stage, e.g. `nox -s unit`)"
)


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The TOTAL row of one ``coverage report``."""
    del context
    lines = decode_text(blob).splitlines()
    header = _header(lines, blob.path)
    total = _total(lines, header, blob.path)
    return ReportData(
        tool=TOOL,
        coverage_total=total,
        counts={Count.STATEMENTS_MEASURED: total.statements},
    )


def _header(lines: list[str], path: str) -> list[str]:
    columns = lines[0].split() if lines else []
    if columns[:3] != ["Name", "Stmts", "Miss"] or "Cover" not in columns:
        raise _malformed(path, "its first line is not the header `Name Stmts Miss … Cover`")
    return columns


def _total(lines: list[str], header: list[str], path: str) -> CoverageTotal:
    rows = [line.split() for line in lines[1:] if line.split()[:1] == ["TOTAL"]]
    if not rows:
        raise _malformed(path, "it has no TOTAL row: the report is truncated")
    cells = rows[-1]
    cover = header.index("Cover")
    if len(cells) <= cover:
        raise _malformed(path, f"its TOTAL row has {len(cells)} cells, fewer than its header")
    percent = _PERCENT.fullmatch(cells[cover])
    numbers = [number for number in map(decimal, cells[1:cover]) if number is not None]
    if percent is None or len(numbers) != cover - 1:
        row = shown(" ".join(cells), 120)
        raise _malformed(path, f"its TOTAL row {row} is not numbers and a percentage")
    value = dict(zip(header[1:cover], numbers, strict=True))
    return CoverageTotal(
        statements=value["Stmts"],
        missing=value["Miss"],
        branches=value.get("Branch"),
        partial=value.get("BrPart"),
        cover=percent.group(1),
    )


def _malformed(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"is not a `coverage report` text table: {why}",
        slug="malformed-report",
        path=path,
        hint=_REGENERATE,
    )
