"""``bandit -r PATH -f json -o FILE``: security findings, metrics and scan errors.

Each of ``results`` becomes a finding with the test id as its rule (``B602``)
and bandit's own severity (docs/severity.md): ``HIGH``, ``MEDIUM``, ``LOW``,
``UNDEFINED`` -> ``high``, ``medium``, ``low``, ``info``. The confidence is kept
in the message, not in the severity: the policy filters on one scale.

bandit exits 0 on an incomplete scan, so the report itself is checked:

* every entry of ``errors`` (a file that failed to parse, a path that does not
  exist) is the problem ``scan-errors``, whose subject is the file;
* no file scanned (``metrics`` has only ``_totals``, or only files that failed)
  is the problem ``no-files-checked``;
* fewer results than the issues counted in ``metrics._totals`` means bandit ran
  with a severity or confidence filter (``-l``, ``-i``) or a baseline: problem
  ``findings-filtered``, since gates applies the policy's own filter to the
  full list.

Counts: :attr:`Count.FILES_SCANNED` (files in ``metrics`` that did not fail)
and :attr:`Count.FINDINGS_SUPPRESSED` (``# nosec`` lines plus tests skipped by
``# nosec B...``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import in_range

__all__ = ["FORMAT", "SEVERITIES", "TOOL", "read"]

FORMAT: Final = "bandit-json"
TOOL: Final = "bandit"

SEVERITIES: Final[Mapping[str, Severity]] = {
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "UNDEFINED": Severity.INFO,
}
_LEVELS: Final = ("HIGH", "MEDIUM", "LOW", "UNDEFINED")


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a bandit JSON report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    relpath = functools.cache(context.relpath)
    findings = _findings(doc.array("results"), blob.path, relpath)
    errors = _errors(doc, relpath)
    metrics = doc.obj("metrics")
    totals = metrics.obj("_totals")
    scanned = {relpath(name) for name, _ in metrics.items() if name != "_totals"}
    scanned.difference_update(errors)
    problems = [_scan_error(blob.path, path, reason) for path, reason in errors.items()]
    if not scanned:
        problems.append(_no_files(blob.path))
    found = sum(totals.count(f"SEVERITY.{level}") for level in _LEVELS)
    if found > len(findings):
        problems.append(_filtered(blob.path, found, len(findings)))
    suppressed = totals.count("nosec") + totals.count("skipped_tests")
    counts = {Count.FILES_SCANNED: len(scanned), Count.FINDINGS_SUPPRESSED: suppressed}
    return ReportData(tool=TOOL, findings=findings, counts=counts, problems=problems)


def _findings(items: list[object], path: str, relpath: Callable[[str], str]) -> list[Finding]:
    findings: list[Finding] = []
    for index, item in enumerate(items):
        if type(item) is not dict:
            raise _explain(path, index, item)
        rule = item.get("test_id")
        level = item.get("issue_severity")
        severity = SEVERITIES.get(level) if type(level) is str else None
        confidence = item.get("issue_confidence")
        filename = item.get("filename")
        line = item.get("line_number")
        text = item.get("issue_text")
        if (
            type(rule) is not str
            or severity is None
            or type(confidence) is not str
            or type(filename) is not str
            or type(line) is not int
            or not in_range(line)
            or type(text) is not str
        ):
            raise _explain(path, index, item)
        message = f"{text} (confidence {confidence.lower()}{_cwe(item.get('issue_cwe'))})"
        findings.append(Finding(TOOL, rule, severity, relpath(filename), line, message))
    return findings


def _cwe(value: object) -> str:
    cwe = value.get("id") if type(value) is dict else None
    if type(cwe) is int and in_range(cwe):
        return f", CWE-{cwe}"
    return ""


def _explain(path: str, index: int, item: object) -> EvidenceError:
    """The precise error for a result the fast path rejected."""
    fields = Fields(item, path=path, where=f"results[{index}]")
    for key in ("test_id", "issue_severity", "issue_confidence", "filename", "issue_text"):
        fields.text(key)
    fields.integer("line_number")
    severity = fields.text("issue_severity")
    return malformed(
        path, f"{fields.where}.issue_severity", "HIGH, MEDIUM, LOW or UNDEFINED", severity
    )


def _errors(doc: Fields, relpath: Callable[[str], str]) -> dict[str, str]:
    """The files bandit could not scan, and why."""
    errors: dict[str, str] = {}
    for error in doc.each("errors"):
        errors.setdefault(relpath(error.text("filename")), error.text("reason"))
    return errors


def _scan_error(path: str, file: str, reason: str) -> Problem:
    return Problem(
        slug="scan-errors",
        path=path,
        message=f"bandit could not scan {file}: {reason}",
        hint="fix the file (or the path given to bandit) and rerun the security stage",
        subject=file,
    )


def _no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} scanned 0 files: wrong path or every file excluded",
        hint="check the paths the security stage passes to bandit and bandit's exclusions",
        subject=TOOL,
    )


def _filtered(path: str, found: int, listed: int) -> Problem:
    return Problem(
        slug="findings-filtered",
        path=path,
        message=(
            f"bandit counted {found} issues but listed {listed}: it ran with a severity or "
            "confidence filter (-l, -i) or a baseline (-b)"
        ),
        hint="run bandit without -l/-i/--severity-level/--confidence-level/-b; "
        "gates applies the policy's severity filter itself",
        subject=TOOL,
    )
