"""``gates-osv-json``: the offline dependency audit's report (``python -m gates.osv``).

The security stage writes it when the pipeline has ``advisories=`` (a local
folder of OSV advisories, for machines without a route to pip-audit's
vulnerability service); :mod:`gates.osv.audit` documents its shape.

* Each advisory that affects a dependency is a finding of tool
  ``osv-offline`` whose rule is the advisory's id and whose path is "" (a
  dependency has no source line). Severity (docs/severity.md): the
  advisory's ``database_specific.severity`` (GitHub's ``CRITICAL``, ``HIGH``,
  ``MODERATE``, ``LOW``), ``high`` when it gives none, like pip-audit.
* Fail closed, one problem each: the folder missing, not a folder or a file
  in it that is not an OSV advisory (``advisories-unusable``, subject the
  file); no advisory read at all (``advisories-unusable``, subject the
  folder); the newest advisory's ``modified`` time older than the audit's
  ``max_age_days`` when it ran (``advisories-stale``): the audit then cannot
  know of recent vulnerabilities. A dependency it could not examine is
  ``audit-incomplete`` (subject the package), none examined
  ``no-packages-audited``, as for pip-audit.

Counts: :attr:`Count.PACKAGES_AUDITED` and :attr:`Count.PACKAGES_SKIPPED`;
how many advisories were read is in the report and in the stale and
unusable problems' messages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.advisories.pip_audit_json import dependencies
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "gates-osv-json"
TOOL: Final = "osv-offline"
_VERSION: Final = 1
_SEVERITIES: Final = {s.name.lower(): s for s in Severity}
_REFRESH: Final = (
    "refresh the folder from https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip "
    "(unzipped) on a machine that can reach it, and rerun the security stage"
)


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read the offline audit's report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    _check_format(doc, blob.path)
    folder = doc.obj("advisories")
    problems = _folder_problems(doc, folder, blob.path)
    findings, skipped, audited = dependencies(
        doc, finding=_finding, skipped=lambda name, reason: _skipped(blob.path, name, reason)
    )
    problems += skipped
    if not audited:
        problems.append(_nothing_audited(blob.path, len(skipped)))
    counts = {Count.PACKAGES_AUDITED: audited, Count.PACKAGES_SKIPPED: len(skipped)}
    return ReportData(tool=TOOL, findings=findings, counts=counts, problems=problems)


def _check_format(doc: Fields, path: str) -> None:
    if doc.raw("format") != "gates-osv":
        raise malformed(path, "format", '"gates-osv"', doc.raw("format"))
    version = doc.integer("version")
    if version != _VERSION:
        raise EvidenceError(
            f"is version {version} of the gates-osv report; this gates reads version {_VERSION}",
            slug="unsupported-format",
            path=path,
            hint="run the security stage with the gates that reads it",
        )


def _folder_problems(doc: Fields, folder: Fields, path: str) -> list[Problem]:
    where = folder.text("folder")
    read_count = folder.count("read")
    problems = [
        _unusable(path, e.text("path"), e.text("reason")[:300]) for e in folder.each("errors")
    ]
    if not read_count:
        problems.append(_unusable(path, where, "holds no OSV advisory (*.json): it audits nothing"))
        return problems
    newest = _time(folder, "newest_modified")
    audited_at = _time(doc, "audited_at")
    max_age = folder.count("max_age_days")
    if not max_age or audited_at - newest > timedelta(days=max_age):
        age = (audited_at - newest).days
        problems.append(
            Problem(
                slug="advisories-stale",
                path=path,
                message=f"the advisories in {where} are {age} days old (newest modified "
                f"{folder.text('newest_modified')}; {read_count} read), more than the "
                f"{max_age} days allowed: the audit cannot know recent vulnerabilities",
                hint=_REFRESH,
                subject=where,
            )
        )
    return problems


def _time(fields: Fields, key: str) -> datetime:
    text = fields.text(key)
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise malformed(fields.path, key, "a UTC time (YYYY-MM-DDTHH:MM:SSZ)", text) from None


def _finding(name: str, version: str, vuln: Fields) -> Finding:
    level = vuln.text("severity")
    severity = _SEVERITIES.get(level)
    if severity is None:
        raise malformed(vuln.path, f"{vuln.where}.severity", "critical, high, medium or low", level)
    fixes = vuln.texts("fixed", default=[])
    aliases = vuln.texts("aliases", default=[])
    summary = " ".join(vuln.text("summary", default="").split())[:300]
    fix = f"fixed in {', '.join(fixes)}" if fixes else "no fixed version"
    also = f"; also {', '.join(aliases)}" if aliases else ""
    about = f": {summary}" if summary else ""
    return Finding(TOOL, vuln.text("id"), severity, "", 0, f"{name} {version} ({fix}{also}){about}")


def _unusable(path: str, subject: str, reason: str) -> Problem:
    return Problem(
        slug="advisories-unusable",
        path=path,
        message=f"the offline audit could not use {subject}: {reason}",
        hint="give Pipeline(advisories=...) a folder of OSV advisories (*.json); " + _REFRESH,
        subject=subject,
    )


def _skipped(path: str, name: str, reason: str) -> Problem:
    return Problem(
        slug="audit-incomplete",
        path=path,
        message=f'{name}: not audited by the offline audit ("{reason[:200]}")',
        hint="install the project in the security stage, or pin it (==) in the requirements "
        'the audit reads; waive a private package by name: evidence = "osv-offline:'
        'audit-incomplete:<package>"',
        subject=name,
    )


def _nothing_audited(path: str, skipped: int) -> Problem:
    why = f"all {skipped} dependencies were skipped" if skipped else "the report lists none"
    return Problem(
        slug="no-packages-audited",
        path=path,
        message=f"the offline audit examined 0 packages: {why}",
        hint="check what the security stage gives the audit (Pipeline(audit=...)) and that "
        "the project is installed in the stage's environment",
        subject=TOOL,
    )
