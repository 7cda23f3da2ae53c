"""The GitLab output: a Code Quality report of the findings, for merge request widgets.

GitLab reads a JSON array of issues (``artifacts:reports:codequality``), each
with exactly these fields::

    {"description": "...", "check_name": "ruff/E501", "fingerprint": "<sha256>",
     "severity": "minor", "location": {"path": "src/a.py", "lines": {"begin": 12}}}

* Every finding that no waiver covers, in the verdict's order. A waived
  finding is left out: GitLab has no suppressions, and the merge request
  widget would show an accepted finding as a new problem. The SARIF and JSON
  outputs list waived findings too.
* ``severity`` from gates' scale, one step each: critical -> ``blocker``,
  high -> ``critical``, medium -> ``major``, low -> ``minor``, info -> ``info``.
* ``check_name``: ``<tool>/<rule>`` (``unknown-rule`` without a rule).
* ``location.path``: the repository-relative path. A finding without a file
  (a vulnerable package) is placed on the policy file, line 1, and its
  description says so. ``lines.begin`` is the line, or 1 when unknown.
* ``fingerprint``: sha256 of tool, rule, path and the message with its
  whitespace collapsed, then the number of earlier issues with the same
  hash. Not the line: GitLab compares the fingerprints of the base and the
  merge request to say which issues are new, and a finding that only moved
  must not count as new. Two identical findings in one file still differ.
* ``description``: ``[tool] message`` as one safe line (control and
  bidirectional characters made visible, at most 1,000 characters). GitLab
  escapes it when it shows it; gates adds no markup of its own.

Deterministic like the JSON output: sorted keys, compact, one trailing newline.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Final, assert_never

from gates.model.reports import Finding, Severity
from gates.model.verdict import Verdict
from gates.outputs import _format as fmt
from gates.outputs.interface import JsonValue, RenderOptions

__all__ = ["FORMAT", "fingerprint_key", "render", "severity"]

FORMAT: Final = "gitlab"
NO_RULE: Final = "unknown-rule"
_SPACES: Final = re.compile(r"\s+")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
_DESCRIPTION: Final = 1_000


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict's unwaived findings as a GitLab Code Quality report."""
    del options  # the report lists every unwaived finding: no option changes it
    seen: Counter[str] = Counter()
    issues = [
        _issue(finding, verdict.policy, seen) for finding, waived in verdict.findings if not waived
    ]
    text = json.dumps(
        issues, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )
    return _SURROGATES.sub("\ufffd", text) + "\n"


def severity(level: Severity) -> str:
    """GitLab's severity of a gates severity."""
    match level:
        case Severity.CRITICAL:
            return "blocker"
        case Severity.HIGH:
            return "critical"
        case Severity.MEDIUM:
            return "major"
        case Severity.LOW:
            return "minor"
        case Severity.INFO:
            return "info"
        case _:
            assert_never(level)


def fingerprint_key(finding: Finding) -> str:
    """What identifies a finding across line moves: tool, rule, path, normalised message."""
    message = _SPACES.sub(" ", finding.message).strip()
    return "\0".join(("gates/v1", finding.tool, finding.rule, finding.path, message))


def _issue(finding: Finding, policy: str, seen: Counter[str]) -> JsonValue:
    digest = hashlib.sha256(fingerprint_key(finding).encode("utf-8", "replace")).hexdigest()
    seen[digest] += 1
    if seen[digest] > 1:  # the n-th identical finding: a hash of its own, still stable
        digest = hashlib.sha256(f"{digest}:{seen[digest]}".encode()).hexdigest()
    rule = finding.rule or NO_RULE
    where = "" if finding.path else "(no file) "
    return {
        "description": fmt.one_line(
            f"[{finding.tool}] {where}{finding.message or rule}", _DESCRIPTION
        ),
        "check_name": f"{finding.tool}/{rule}",
        "fingerprint": digest,
        "severity": severity(finding.severity),
        "location": {
            "path": finding.path or policy,
            "lines": {"begin": finding.line if finding.line > 0 else 1},
        },
    }
