"""``python -m gates.secrets_scan``: detect-secrets' findings, without the secrets.

The security stage runs detect-secrets through :mod:`gates.secrets_scan`,
which writes this report: the detectors used, the files read, and per
potential secret its file, line and type (``AWS Access Key``), never the
secret nor a hash of it. Each becomes a finding of tool ``detect-secrets``
whose rule is the type as a slug (``aws-access-key``, ``secret-keyword``).

Severity (docs/severity.md): ``high``; ``critical`` for a secret
detect-secrets verified as live (the stage runs offline and verifies none, a
report from elsewhere may). A critical finding cannot be baselined, only
waived: a live secret is rotated, not accepted.

Incomplete (problems): a path that does not exist or a file that could not
be read is ``scan-errors`` (subject: the path); no file read is
``no-files-checked``; no detector enabled is ``no-detectors``. It adds no
count: the verdict's "files scanned" is bandit's, and the two added up would
count every file twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read", "rule_of"]

FORMAT: Final = "gates-secrets-json"
TOOL: Final = "detect-secrets"
_VERSION: Final = 1
_MAX_TYPE: Final = 100


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read the secret scan's report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    if doc.raw("format") != "gates-secrets":
        raise malformed(blob.path, "format", '"gates-secrets"', doc.raw("format"))
    version = doc.integer("version")
    if version != _VERSION:
        raise EvidenceError(
            f"is version {version} of the gates-secrets report; this gates reads version "
            f"{_VERSION}",
            slug="unsupported-format",
            path=blob.path,
            hint="run the security stage with the gates that reads it",
        )
    relpath = functools.cache(context.relpath)
    findings = [_finding(item, relpath) for item in doc.each("secrets")]
    problems = [
        _scan_error(blob.path, relpath(e.text("path")), e.text("reason"))
        for e in doc.each("errors")
    ]
    scanned = doc.count("files_scanned")
    detectors = doc.obj("scanner").array("detectors")
    if not detectors:
        problems.append(_no_detectors(blob.path))
    if not scanned:
        problems.append(_no_files(blob.path))
    # no count: the verdict's "files scanned" is bandit's, which reads the same files; added
    # up with this scan's it would say twice as many
    return ReportData(tool=TOOL, findings=findings, problems=problems)


def rule_of(kind: str) -> str:
    """A detect-secrets type as a rule: ``"AWS Access Key"`` -> ``"aws-access-key"``."""
    words = "".join(c if c.isalnum() else " " for c in kind.lower()).split()
    return "-".join(words) or "secret"


def _finding(item: Fields, relpath: Callable[[str], str]) -> Finding:
    kind = item.text("type")
    if len(kind) > _MAX_TYPE:
        raise malformed(item.path, f"{item.where}.type", "a detector's type", kind[:40] + "…")
    verified = item.raw("verified", default=False)
    if not isinstance(verified, bool):
        raise malformed(item.path, f"{item.where}.verified", "true or false", verified)
    severity = Severity.CRITICAL if verified else Severity.HIGH
    message = f"potential secret: {kind}" + (" (verified live)" if verified else "")
    return Finding(
        TOOL, rule_of(kind), severity, relpath(item.text("path")), item.count("line"), message
    )


def _scan_error(report: str, path: str, reason: str) -> Problem:
    return Problem(
        slug="scan-errors",
        path=report,
        message=f"the secret scan could not read {path} ({reason[:200]})",
        hint="fix the stage's paths, or the file's permissions, and rerun the security stage",
        subject=path,
    )


def _no_detectors(report: str) -> Problem:
    return Problem(
        slug="no-detectors",
        path=report,
        message="the secret scan ran with no detector enabled, so it could find nothing",
        hint="run `python -m gates.secrets_scan` with detect-secrets' default detectors",
        subject=TOOL,
    )


def _no_files(report: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=report,
        message="the secret scan read no file (detect-secrets scans the files git tracks)",
        hint="scan folders that hold tracked files (the package), from the repository's root",
        subject=TOOL,
    )
