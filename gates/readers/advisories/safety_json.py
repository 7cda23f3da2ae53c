"""``safety check --output json``: a safety report a project supplies (gates does not run safety).

``safety scan`` needs an account and Safety's free data is non-commercial, so
pip-audit stays the stages' dependency audit; a project that already runs
safety (with its own licence, or a local database: ``--db``) records the
report itself and gates reads it. The report (``report_meta.json_version``
1, safety 2.x and ``safety check`` of 3.x) is::

    {"report_meta": {"packages_found": 4, "vulnerabilities_found": 3, "json_version": 1, …},
     "scanned_packages": {"requests": {"name": "requests", "version": "2.19.1"}, …},
     "vulnerabilities": [{"vulnerability_id": "36546", "package_name": "requests",
                          "analyzed_version": "2.19.1", "vulnerable_spec": "<2.20.0",
                          "advisory": "…", "CVE": "CVE-2018-18074",
                          "severity": {"cvssv3": {"base_severity": "CRITICAL", …}} | null,
                          "fixed_versions": [], …}],
     "ignored_vulnerabilities": [...], …}

* Each vulnerability is a finding of tool ``safety`` whose rule is safety's
  id and whose path is "". Severity (docs/severity.md): CVSS v3's
  ``base_severity``, else ``high``. A vulnerability safety's own policy file
  ignores is a finding too (its message says so): what a project accepts is
  a gates waiver, with an owner and an expiry, not a line in another tool's
  policy.
* No package scanned is ``no-packages-audited``. A report whose count of
  vulnerabilities disagrees with its list is malformed (cut short). safety
  drops an unpinned requirement without a word (tests/assets/safety/), which
  no report shows: pin the requirements it reads.

Counts: :attr:`Count.PACKAGES_AUDITED`.
"""

from __future__ import annotations

from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "safety-json"
TOOL: Final = "safety"
_JSON_VERSION: Final = 1
_CVSS: Final = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "NONE": Severity.INFO,
}


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a ``safety check --output json`` report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    meta = doc.obj("report_meta")
    version = meta.integer("json_version")
    if version != _JSON_VERSION:
        raise EvidenceError(
            f"is a safety report of json_version {version}; gates reads json_version "
            f"{_JSON_VERSION} (`safety check --output json`)",
            slug="unsupported-format",
            path=blob.path,
            hint="record `safety check --output json`; `safety scan`'s JSON is another format",
        )
    found = [_finding(item, ignored=False) for item in doc.each("vulnerabilities")]
    said = meta.count("vulnerabilities_found")
    if len(found) != said:
        raise EvidenceError(
            f"report_meta.vulnerabilities_found says {said}, the report lists {len(found)}: "
            "it was cut short or edited",
            slug="malformed-report",
            path=blob.path,
            hint="rerun safety and record its report whole",
        )
    found += [_finding(item, ignored=True) for item in doc.each("ignored_vulnerabilities")]
    scanned = len(list(doc.obj("scanned_packages").items()))
    problems = [] if scanned else [_nothing_scanned(blob.path)]
    counts = {Count.PACKAGES_AUDITED: scanned}
    return ReportData(tool=TOOL, findings=found, counts=counts, problems=problems)


def _finding(item: Fields, *, ignored: bool) -> Finding:
    name = item.text("package_name")
    version = item.opt_text("analyzed_version") or "?"
    cve = item.opt_text("CVE")
    spec = item.opt_text("vulnerable_spec")
    advisory = " ".join(item.opt_text("advisory").split())[:300]
    fixes = [str(v) for v in item.array("fixed_versions", default=[]) if isinstance(v, str)]
    fix = f"fixed in {', '.join(fixes)}" if fixes else f"affected {spec}" if spec else ""
    policy = "ignored by safety's policy" if ignored else ""
    details = "; ".join(part for part in (fix, cve, policy) if part)
    about = f": {advisory}" if advisory else ""
    message = f"{name} {version}" + (f" ({details})" if details else "") + about
    return Finding(TOOL, item.text("vulnerability_id"), _severity(item), "", 0, message)


def _severity(item: Fields) -> Severity:
    raw = item.raw("severity")
    if raw is None:
        return Severity.HIGH  # no CVE, no score: the conservative choice, as for pip-audit
    severity = item.obj("severity")
    cvss = severity.raw("cvssv3")
    if not isinstance(cvss, dict):
        return Severity.HIGH
    level = severity.obj("cvssv3").text("base_severity", default="")
    if level.upper() not in _CVSS:
        raise malformed(
            item.path, f"{item.where}.severity.cvssv3.base_severity", "a CVSS level", level
        )
    return _CVSS[level.upper()]


def _nothing_scanned(path: str) -> Problem:
    return Problem(
        slug="no-packages-audited",
        path=path,
        message="safety scanned 0 packages: the report lists none",
        hint="check what the step gives safety (`-r` pinned requirements, or the environment)",
        subject=TOOL,
    )
