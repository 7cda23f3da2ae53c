"""``pip-audit -f json``: known vulnerabilities of the audited dependencies.

The report is ``{"dependencies": [...], "fixes": [...]}``. An audited dependency
is ``{"name", "version", "vulns": [{"id", "fix_versions", "aliases"?,
"description"?}]}``; one pip-audit could not audit is ``{"name", "skip_reason"}``.

* Each vulnerability is a finding whose rule is pip-audit's id (it prefers a
  PYSEC id, then a CVE, over a GHSA id) and whose path is "" (a dependency has
  no source line). pip-audit gives no severity, so every vulnerability is
  ``high`` (docs/severity.md): the conservative choice, refined by waivers.
* pip-audit prints "No known vulnerabilities found" and exits 0 when it skipped
  packages (not on the index, the service unreachable). Each skipped dependency
  is the problem ``audit-incomplete`` whose subject is the package name, so a
  waiver can accept a package that is not on PyPI by name. Its message is
  ``"<package>: not audited by pip-audit ("<reason>")"``, the reason pip-audit
  gave without the package and version it appends, so that the verdict shows
  the packages skipped for one reason as one line (:mod:`gates.judge.problems`).
* No dependency audited (an empty report, or every one skipped) is the problem
  ``no-packages-audited``, which no package waiver covers.

Counts: :attr:`Count.PACKAGES_AUDITED` and :attr:`Count.PACKAGES_SKIPPED`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from gates.catalog.counts import Count
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "dependencies", "read"]

FORMAT: Final = "pip-audit-json"
TOOL: Final = "pip-audit"

_WAIVE = (
    'waive a private or local package by name: evidence = "pip-audit:audit-incomplete:<package>"'
)
_HINT_NOT_FOUND = (
    "if they are on PyPI, pip-audit could not reach its vulnerability service: rerun the "
    f"security stage with network access; {_WAIVE}"
)
_HINT_OTHER = f"give pip-audit a released, pinned version of each; {_WAIVE}"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a pip-audit JSON report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    findings, skipped, audited = dependencies(
        doc, finding=_finding, skipped=lambda name, reason: _skipped(blob.path, name, reason)
    )
    problems = skipped if audited else [*skipped, _nothing_audited(blob.path, len(skipped))]
    counts = {Count.PACKAGES_AUDITED: audited, Count.PACKAGES_SKIPPED: len(skipped)}
    return ReportData(tool=TOOL, findings=findings, counts=counts, problems=problems)


def dependencies(
    doc: Fields,
    *,
    finding: Callable[[str, str, Fields], Finding],
    skipped: Callable[[str, str], Problem],
) -> tuple[list[Finding], list[Problem], int]:
    """pip-audit's ``dependencies``: a finding per vulnerability, a problem per skipped package,
    and how many were audited (the offline OSV audit writes the same shape)."""
    findings: list[Finding] = []
    problems: list[Problem] = []
    audited = 0
    for dependency in doc.each("dependencies"):
        name = dependency.text("name")
        if dependency.has("skip_reason"):
            problems.append(skipped(name, dependency.text("skip_reason")))
            continue
        audited += 1
        version = dependency.text("version")
        findings.extend(finding(name, version, vuln) for vuln in dependency.each("vulns"))
    return findings, problems, audited


def _finding(name: str, version: str, vuln: Fields) -> Finding:
    vuln_id = vuln.text("id")
    fixes = vuln.texts("fix_versions")
    aliases = sorted(vuln.texts("aliases", default=[]))  # a set in pip-audit: unordered
    description = " ".join(vuln.text("description", default="").split())
    fix = f"fixed in {', '.join(fixes)}" if fixes else "no fixed version"
    also = f"; also {', '.join(aliases)}" if aliases else ""
    about = f": {description}" if description else ""
    message = f"{name} {version} ({fix}{also}){about}"
    return Finding(TOOL, vuln_id, Severity.HIGH, "", 0, message)


def _skipped(path: str, name: str, reason: str) -> Problem:
    why = _reason(name, reason)
    return Problem(
        slug="audit-incomplete",
        path=path,
        message=f'{name}: not audited by pip-audit ("{why}")',
        hint=_HINT_NOT_FOUND if "not found" in why.casefold() else _HINT_OTHER,
        subject=name,
    )


def _reason(name: str, reason: str) -> str:
    """pip-audit's reason without the ``": <package> (<version>)"`` it ends with."""
    text = reason.strip()
    named = _named(text)
    if named is not None and _canonical(named[1]) == _canonical(name):
        return named[0]
    return text


def _named(text: str) -> tuple[str, str] | None:
    """``"why: name (1.0)"`` -> ``("why", "name")``, read by plain search (no regex).

    The name has no space or parenthesis, the version no parenthesis; spaces
    separate the colon, the name and the parenthesis.
    """
    head, opening, version = text.rpartition("(")
    if not opening or not version.endswith(")") or ")" in version[:-1]:
        return None
    before = head.rstrip()
    words = before.rsplit(None, 1)
    if before == head or len(words) != 2 or "(" in words[1] or ")" in words[1]:
        return None
    why = words[0]
    if not why.endswith(":") or len(why) < 2:
        return None
    return why[:-1], words[1]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).casefold()


def _nothing_audited(path: str, skipped: int) -> Problem:
    if skipped:
        return Problem(
            slug="no-packages-audited",
            path=path,
            message=f"pip-audit audited 0 packages: all {skipped} dependencies were skipped",
            hint="no package waiver covers this: only a machine that cannot reach the "
            'service waives it, evidence = "pip-audit:no-packages-audited"',
            subject=TOOL,
        )
    return Problem(
        slug="no-packages-audited",
        path=path,
        message="pip-audit audited 0 packages: the report lists none",
        hint="check what the security stage gives pip-audit (requirements, environment)",
        subject=TOOL,
    )
