"""``gitleaks … --report-format json``: the secrets gitleaks found, without the secrets.

gitleaks (8.x: ``gitleaks dir``, ``gitleaks git``, the older ``gitleaks
detect``) writes a JSON list, one object per finding: ``RuleID``,
``Description`` (the rule's), ``File``, ``StartLine``, ``EndLine``,
``Commit`` (empty for a folder scan), and the secret itself in ``Secret``
and ``Match``. Each becomes a finding of tool ``gitleaks`` whose rule is the
``RuleID`` and whose message is the rule's description: the secret, the
matched text, the commit's message and author are never kept, and a rule,
file or description that holds a piece of the secret is refused or left out
(:mod:`gates.readers.secrets.hidden`).

The file is the project-relative path: a git scan's ``File`` is named from
the top of the work tree (:meth:`ReadContext.git_path`), a folder scan's as
gitleaks was given it.

Severity (docs/severity.md): ``high``, whatever the rule; gitleaks verifies
nothing.

Complete: gitleaks writes ``[]`` when it finds nothing, so an empty list is
zero findings; the exit code in the manifest says it ran, and its 1 is both
"leaks found" and "an error, a partial scan": the stage runs it with
``--exit-code 0`` so that 1 means only the error (gates/catalog/tools.py).
Anything but a list of such objects is ``malformed-report``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final

from gates.model.reports import Finding, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.readers.secrets.hidden import Hidden
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "gitleaks-json"
TOOL: Final = "gitleaks"
_SECRETS: Final = ("Secret",)  # looked for in pieces
_WHOLES: Final = ("Match",)  # the secret in its context: looked for whole
_MAX_RULE: Final = 200
_MAX_TEXT: Final = 200


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a gitleaks JSON report."""
    doc = parse_json(blob).value
    if not isinstance(doc, list):
        raise malformed(blob.path, "", "a list of findings", doc)
    relpath = functools.cache(context.relpath)
    git_path = functools.cache(context.git_path)
    findings = []
    for index, value in enumerate(doc):
        item = Fields(value, path=blob.path, where=f"[{index}]")
        findings.append(_finding(item, git_path if item.opt_text("Commit") else relpath))
    return ReportData(tool=TOOL, findings=findings)


def _finding(item: Fields, path_of: Callable[[str], str]) -> Finding:
    hidden = Hidden(item, secrets=_SECRETS, wholes=_WHOLES)
    rule = item.text("RuleID")
    if not rule or len(rule) > _MAX_RULE:
        raise malformed(item.path, f"{item.where}.RuleID", "a rule id", rule)
    hidden.kept(rule, path=item.path, where=f"{item.where}.RuleID")
    file = hidden.kept(path_of(item.text("File")), path=item.path, where=f"{item.where}.File")
    start = item.count("StartLine")
    end = item.count("EndLine", default=start)
    description = " ".join(item.opt_text("Description").split())[:_MAX_TEXT]
    if hidden.reveals(description):
        description = ""
    message = f"potential secret: {description or rule}"
    return Finding(TOOL, rule, Severity.HIGH, file, start, message, end=end if end > start else 0)
