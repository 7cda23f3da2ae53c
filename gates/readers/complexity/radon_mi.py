"""``radon mi --json PACKAGE``: the maintainability index of each file.

radon maps each file to ``{"mi": <0-100>, "rank": "A"|"B"|"C"}`` (its index,
clamped to 0-100: A above 19, B 10-19, C below 10). The reader keeps the
index per file for ``complexity.mi_min`` (kinds/complexity.py); it makes no
finding: the index is reported, not a rule.

radon exits 0 whatever it could not read, so the report itself is checked,
as for ``radon cc``: a file mapped to ``{"error": ...}`` is the problem
``scan-errors`` (subject: the file), and a report with no file (``{}``) is
``no-files-checked``.
"""

from __future__ import annotations

import functools
from typing import Final

from gates.model.reports import Maintainability, Problem, ReportData
from gates.readers.complexity.radon_cc import no_files, scan_error
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "radon-mi-json"
TOOL: Final = "radon"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a ``radon mi --json`` report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    relpath = functools.cache(context.relpath)
    files: dict[str, float] = {}
    problems: list[Problem] = []
    for name, value in doc.items():
        entry = Fields(value, path=blob.path, where=name)
        if entry.has("error"):
            problems.append(scan_error(blob.path, relpath(name), entry.text("error")))
            continue
        index = entry.number("mi")
        if not 0 <= index <= 100:
            raise malformed(blob.path, f"{name}.mi", "a number from 0 to 100", index)
        files[relpath(name)] = index
    if not files and not problems:
        problems.append(no_files(blob.path))
    return ReportData(tool=TOOL, problems=problems, maintainability=Maintainability(files))
