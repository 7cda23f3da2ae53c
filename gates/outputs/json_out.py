"""The JSON output: the machine contract (``gates/data/verdict.schema.json``).

``{"schema": "gates.verdict", "version": 1, ...}``. Every field is always
present with one type; where the verdict does not know a value (no file, no
line, no commit, no observed value) the field is ``null``, never ``""`` or
``0``. Output is deterministic: keys sorted, lists in the verdict's order,
``ensure_ascii=False``, no ``NaN``, compact (one line: indenting costs 4x the
time on 100,000 findings; ``jq .`` shows it indented), one trailing newline:
the same verdict gives the same bytes.

Text is kept as the evidence gave it (JSON escapes control characters), but
lone surrogates, which no UTF-8 file can hold, become U+FFFD.

Version history (bump :data:`VERSION` and the schema's ``const`` on any change
a consumer could notice):

* 1: first version.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final

from gates.catalog.counts import Count
from gates.model.figures import format_value
from gates.model.reports import Finding, Problem, Severity
from gates.model.verdict import BenchmarkComparison, GateResult, Offender, Verdict, WaiverResult
from gates.outputs import _format as fmt
from gates.outputs.interface import JsonValue, RenderOptions

__all__ = ["FORMAT", "SCHEMA", "VERSION", "document", "render"]

FORMAT: Final = "json"
SCHEMA: Final = "gates.verdict"
VERSION: Final = 1

_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict as the versioned JSON document, with a trailing newline.

    No option changes it: a field's type and presence never depend on a flag.
    """
    del options
    # the findings (100,000s of them) are written by _findings_text, then put in their place:
    # the same bytes json.dumps would write, at a third of its time
    skeleton = {**document(verdict, findings=False), "findings": []}
    text = _dumps(skeleton).replace(_FINDINGS_KEY, _findings_text(verdict.findings), 1)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which no UTF-8 file can hold
        text = _SURROGATES.sub("\ufffd", text)
    return text + "\n"


def _dumps(value: object) -> str:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
    )


# The key under which the findings go: its first occurrence in the text is the document's own
# (JSON escapes every quote inside a string, and the keys sorted before it hold no list).
_FINDINGS_KEY: Final = '"findings":[]'
_STRING: Final = json.encoder.encode_basestring  # json.dumps' own escaping (ensure_ascii=False)
_NULL: Final = "null"
_BOOL: Final = {False: "false", True: "true"}


def _findings_text(findings: Sequence[tuple[Finding, bool]]) -> str:
    """``"findings":[...]``, as :func:`_dumps` writes the list of :func:`_finding` objects."""
    text = _STRING
    labels = [f'"{severity.label}"' for severity in sorted(Severity)]  # by value: no enum hash
    items = [
        f'{{"line":{line if line > 0 else _NULL},"message":{text(message)},'
        f'"path":{text(path) if path else _NULL},"rule":{text(rule) if rule else _NULL},'
        f'"severity":{labels[severity]},"tool":{text(tool)},"waived":{_BOOL[waived]}}}'
        for (tool, rule, severity, path, line, message, _end), waived in findings
    ]
    return '"findings":[' + ",".join(items) + "]"


def document(verdict: Verdict, *, findings: bool = True) -> Mapping[str, JsonValue]:
    """The verdict as JSON-ready values, exactly as the schema describes them.

    ``findings``: with them (the default); :func:`render` writes them apart.
    """
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "status": verdict.status.value,
        "exit_code": verdict.exit_code,
        "blocked": fmt.blocked(verdict),
        "summary": fmt.summary_line(verdict),
        "policy": verdict.policy,
        "gates": [_gate(gate) for gate in verdict.gates],
        "waivers": [_waiver(waiver) for waiver in verdict.waivers],
        "counts": _counts(verdict.counts),
        "findings": [_finding(finding, waived=waived) for finding, waived in verdict.findings]
        if findings
        else [],
        "stages": [
            {"name": stage, "commit": commit or None, "dirty": dirty}
            for stage, commit, dirty in verdict.stages
        ],
        "notes": list(verdict.notes),
    }


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _gate(gate: GateResult) -> Mapping[str, JsonValue]:
    return {
        "name": gate.name,
        "metric": gate.metric,
        "status": gate.status.value,
        "level": gate.level,
        "observed": _number(gate.observed),
        "observed_text": format_value(gate.metric, gate.observed, gate.precision),
        "bound": gate.bound,
        "reason": gate.reason,
        "stages": list(gate.stages),
        "evidence": list(gate.evidence),
        "offenders": [_offender(offender) for offender in gate.offenders],
        "offenders_total": max(gate.offenders_total, len(gate.offenders)),
        "problems": [_problem(problem) for problem in gate.problems],
        "waivers": list(gate.waivers),
        "reproduce": gate.reproduce or None,
        "comparisons": [_comparison(comparison) for comparison in gate.comparisons],
    }


def _offender(offender: Offender) -> Mapping[str, JsonValue]:
    return {
        "path": offender.path or None,
        "line": offender.line if offender.line > 0 else None,
        "label": offender.label,
        "detail": offender.detail,
    }


def _problem(problem: Problem) -> Mapping[str, JsonValue]:
    return {
        "slug": problem.slug,
        "path": problem.path or None,
        "message": problem.message,
        "hint": problem.hint or None,
        "subject": problem.subject or None,
    }


def _comparison(comparison: BenchmarkComparison) -> Mapping[str, JsonValue]:
    return {
        "name": comparison.name,
        "outcome": comparison.outcome,
        "estimate": _number(comparison.estimate),
        "low": _number(comparison.low),
        "high": _number(comparison.high),
        "rounds": comparison.rounds,
        "reason": comparison.reason,
    }


def _waiver(waiver: WaiverResult) -> Mapping[str, JsonValue]:
    return {
        "target": waiver.target,
        "owner": waiver.owner or None,
        "reason": waiver.reason,
        "expires": waiver.expires or None,
        "status": waiver.status,
        "matched": waiver.matched,
    }


def _counts(counts: tuple[tuple[Count, int], ...]) -> Mapping[str, JsonValue]:
    """Every :class:`Count`, ``null`` when the evidence did not measure it."""
    measured = dict(counts)
    return {count.key: measured.get(count) for count in Count}


def _finding(finding: Finding, *, waived: bool) -> Mapping[str, JsonValue]:
    return {
        "tool": finding.tool,
        "rule": finding.rule or None,
        "severity": finding.severity.label,
        "path": finding.path or None,
        "line": finding.line if finding.line > 0 else None,
        "message": finding.message,
        "waived": waived,
    }
