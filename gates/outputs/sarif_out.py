"""The SARIF 2.1.0 output: every finding read, for GitHub code scanning and other viewers.

One run per tool (sorted by name), its driver named after the tool, its rules
the rule ids its findings carry (sorted), its results in the verdict's order.

* ``level`` from gates' severity: critical/high -> ``error``, medium ->
  ``warning``, low/info -> ``note``; the severity itself is in
  ``properties.severity``.
* Rules carry ``properties.security-severity`` (critical 9.5, high 8.0,
  medium 5.0, low 2.0, info 0.0; the highest of the rule's findings), which
  GitHub uses to rank alerts of rules tagged ``security``: the rules of the
  tools in :data:`SECURITY_TOOLS` are.
* Locations: the repository-relative path, percent-encoded, with
  ``uriBaseId: "%SRCROOT%"``; ``region.startLine`` only when the line is known.
  A finding without a file has no location (SARIF allows it).
* ``partialFingerprints["gates/v1"]``: sha256 of tool, rule, path and message,
  then ``:n`` for the n-th result with the same hash, so code scanning follows
  a finding across line moves and never merges two of them.
* A waived finding carries ``suppressions: [{"kind": "external", ...}]`` with
  the waiver's reason as justification.

Deterministic like the JSON output: sorted keys, compact, one trailing newline.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeAlias, assert_never
from urllib.parse import quote

from gates.catalog.tools import security_tools
from gates.model.reports import Finding, Severity
from gates.model.verdict import Verdict
from gates.outputs.interface import JsonValue, RenderOptions

__all__ = ["FORMAT", "SARIF_SCHEMA", "SECURITY_TOOLS", "render"]

FORMAT: Final = "sarif"
SARIF_SCHEMA: Final = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SECURITY_TOOLS: Final = security_tools()  # gates.catalog.tools: bandit, pip-audit
FINGERPRINT: Final = "gates/v1"
NO_RULE: Final = "unknown-rule"
_SURROGATES: Final = re.compile("[\ud800-\udfff]")

Item: TypeAlias = tuple[Finding, bool]


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict's findings as one SARIF 2.1.0 log."""
    del options  # SARIF lists every finding: no option changes it
    by_tool: dict[str, list[Item]] = {}
    for item in verdict.findings:
        by_tool.setdefault(item[0].tool, []).append(item)
    reasons = _waiver_reasons(verdict)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [_run(tool, items, reasons) for tool, items in sorted(by_tool.items())],
    }
    text = json.dumps(
        log, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return _SURROGATES.sub("\ufffd", text) + "\n"


def level(severity: Severity) -> str:
    """SARIF's ``level`` of a gates severity."""
    match severity:
        case Severity.CRITICAL | Severity.HIGH:
            return "error"
        case Severity.MEDIUM:
            return "warning"
        case Severity.LOW | Severity.INFO:
            return "note"
        case _:
            assert_never(severity)


def security_severity(severity: Severity) -> str:
    """GitHub's ``security-severity`` score (a CVSS-like number, as text)."""
    match severity:
        case Severity.CRITICAL:
            return "9.5"
        case Severity.HIGH:
            return "8.0"
        case Severity.MEDIUM:
            return "5.0"
        case Severity.LOW:
            return "2.0"
        case Severity.INFO:
            return "0.0"
        case _:
            assert_never(severity)


# Looked up per result: a dict is faster than the match or the enum property.
_LEVELS: Final = {severity: level(severity) for severity in Severity}
_LABELS: Final = {severity: severity.label for severity in Severity}


def _waiver_reasons(verdict: Verdict) -> Mapping[str, str]:
    """Waiver reasons by target (``"finding <tool>:<rule>"`` names a finding)."""
    return {waiver.target: waiver.reason for waiver in verdict.waivers}


class _Run:
    """What the results of one run share: rule indexes, fingerprints seen, artifacts."""

    def __init__(self, rules: Iterable[str]) -> None:
        self.index = {rule_id: position for position, rule_id in enumerate(rules)}
        self.seen: Counter[str] = Counter()
        self.artifacts: dict[str, JsonValue] = {}

    def fingerprint(self, finding: Finding) -> str:
        key = "\0".join((finding.tool, finding.rule, finding.path, finding.message))
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
        self.seen[digest] += 1
        return f"{digest}:{self.seen[digest]}"

    def artifact(self, path: str) -> JsonValue:
        """The path's artifactLocation, built once per path (quote() is slow)."""
        artifact = self.artifacts.get(path)
        if artifact is None:
            artifact = self.artifacts[path] = _artifact(path)
        return artifact


def _run(tool: str, items: Sequence[Item], reasons: Mapping[str, str]) -> JsonValue:
    rules = _rules(tool, (finding for finding, _ in items))
    run = _Run(rules)
    results = []
    for finding, waived in items:
        result = _result(finding, run)
        if waived:
            result["suppressions"] = [_suppression(finding, reasons)]
        results.append(result)
    return {
        "tool": {"driver": {"name": tool, "rules": list(rules.values())}},
        "results": results,
    }


def _rules(tool: str, findings: Iterable[Finding]) -> dict[str, JsonValue]:
    """Each rule id once, sorted, rated by the highest severity of its findings."""
    highest: dict[str, Severity] = {}
    for finding in findings:
        rule_id = finding.rule or NO_RULE
        highest[rule_id] = max(highest.get(rule_id, Severity.INFO), finding.severity)
    tags = ["security"] if tool in SECURITY_TOOLS else []
    return {
        rule_id: {
            "id": rule_id,
            "defaultConfiguration": {"level": _LEVELS[severity]},
            "properties": {"security-severity": security_severity(severity), "tags": tags},
        }
        for rule_id, severity in sorted(highest.items())
    }


def _result(finding: Finding, run: _Run) -> dict[str, JsonValue]:
    rule_id = finding.rule or NO_RULE
    result: dict[str, JsonValue] = {
        "ruleId": rule_id,
        "ruleIndex": run.index[rule_id],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message or rule_id},
        "partialFingerprints": {FINGERPRINT: run.fingerprint(finding)},
        "properties": {"severity": _LABELS[finding.severity]},
    }
    if finding.path:
        physical: dict[str, JsonValue] = {"artifactLocation": run.artifact(finding.path)}
        if finding.line > 0:
            physical["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": physical}]
    return result


def _artifact(path: str) -> JsonValue:
    if path.startswith("/"):  # outside the repository: an absolute file URI
        return {"uri": "file://" + quote(path, errors="replace")}
    return {"uri": quote(path, errors="replace"), "uriBaseId": "%SRCROOT%"}


def _suppression(finding: Finding, reasons: Mapping[str, str]) -> JsonValue:
    reason = reasons.get(f"finding {finding.tool}:{finding.rule}", "")
    return {
        "kind": "external",
        "status": "accepted",
        "justification": reason or "waived by a [[waiver]] in the gates policy",
    }
