"""``ruff format --check --output-format json``: the files ruff would reformat.

Ruff prints the same JSON as ``ruff check``; each file that would change is one
diagnostic with code ``unformatted``, located at the first difference. Each
becomes a ``low`` finding with rule ``unformatted``.

A file ruff could not parse (``invalid-syntax``) or read (``E902``) was not
format-checked: it is the problem ``format-incomplete`` naming the file, and
not a finding, because the ``ruff check`` report of the same files already
carries the syntax error as a finding.
"""

from __future__ import annotations

from typing import Final

from gates.model.reports import Finding, Problem, ReportData
from gates.readers.findings.ruff_json import UNCHECKED_RULES, read_diagnostics
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "ruff-format-json"
TOOL: Final = "ruff"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a ``ruff format --check`` JSON report."""
    result = read_diagnostics(blob, context)
    findings = [item for item in result.findings if item.rule not in UNCHECKED_RULES]
    problems = [_format_incomplete(blob.path, error) for error in result.unchecked.values()]
    return ReportData(tool=TOOL, findings=findings, problems=problems)


def _format_incomplete(path: str, error: Finding) -> Problem:
    return Problem(
        slug="format-incomplete",
        path=path,
        message=f"ruff could not format-check {error.location} ({error.message})",
        hint="fix the file, or exclude it in ruff's configuration if it is not Python source",
        subject=error.path,
    )
