"""The JUnit XML output: one test case per gate, for any CI that shows JUnit.

``<testsuites>`` holds one ``<testsuite name="gates">`` with one
``<testcase classname="gates" name="<gate>">`` per gate, in the verdict's order:

====================  ===========================  ==============================
gate status           JUnit result                 why
====================  ===========================  ==============================
pass                  passed (no child)
fail                  ``<failure type="fail">``    outside its bound: blocks
error                 ``<error type="error">``     evidence missing or incomplete
warn                  ``<skipped type="warn">``    reported, never blocks
waived                ``<skipped type="waived">``  covered by a valid waiver
====================  ===========================  ==============================

Warnings and waivers are *skipped*, the one non-passing JUnit result that no
consumer counts as a failure, and that most show with its message, so a
warning stays visible without failing the build. ``message`` is the gate's
reason; the element's text lists the problems, offenders (at most
``options.max_offenders``) and the reproduce command. ``<system-out>`` says the
metric, observed value, bound and evidence of every gate.

Built with :mod:`xml.etree.ElementTree` (which escapes markup) after removing
the characters XML 1.0 cannot hold at all (controls, lone surrogates).
"""

from __future__ import annotations

from typing import Final, assert_never
from xml.etree import ElementTree as ET

from gates.model.figures import format_value
from gates.model.verdict import GateResult, Status, Verdict
from gates.outputs import _format as fmt
from gates.outputs.interface import RenderOptions

__all__ = ["FORMAT", "render"]

FORMAT: Final = "junit"
_CLASSNAME: Final = "gates"
_DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict as a JUnit XML document."""
    tallies = _tallies(verdict)
    root = ET.Element("testsuites", {"name": "gates", **tallies})
    suite = ET.SubElement(root, "testsuite", {"name": "gates", **tallies})
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(verdict):
        ET.SubElement(properties, "property", {"name": name, "value": fmt.one_line(value)})
    for gate in verdict.gates:
        suite.append(_testcase(gate, options))
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _tallies(verdict: Verdict) -> dict[str, str]:
    statuses = [gate.status for gate in verdict.gates]
    skipped = sum(1 for status in statuses if status in (Status.WARN, Status.WAIVED))
    return {
        "tests": str(len(statuses)),
        "failures": str(statuses.count(Status.FAIL)),
        "errors": str(statuses.count(Status.ERROR)),
        "skipped": str(skipped),
        "time": "0",
    }


def _properties(verdict: Verdict) -> list[tuple[str, str]]:
    return [
        ("status", verdict.status.value),
        ("exit_code", str(verdict.exit_code)),
        ("summary", fmt.summary_line(verdict)),
        ("policy", verdict.policy),
        ("counts", fmt.counts_line(verdict)),
        ("evidence", fmt.stages_line(verdict)),
    ]


def _result_tag(status: Status) -> str:
    match status:
        case Status.PASS:
            return ""
        case Status.FAIL:
            return "failure"
        case Status.ERROR:
            return "error"
        case Status.WARN | Status.WAIVED:
            return "skipped"
        case _:
            assert_never(status)


def _testcase(gate: GateResult, options: RenderOptions) -> ET.Element:
    case = ET.Element(
        "testcase", {"classname": _CLASSNAME, "name": fmt.one_line(gate.name), "time": "0"}
    )
    tag = _result_tag(gate.status)
    if tag:
        message = fmt.one_line(gate.reason)
        result = ET.SubElement(case, tag, {"type": gate.status.value, "message": message})
        result.text = "\n".join(_body(gate, options))
    out = ET.SubElement(case, "system-out")
    out.text = "\n".join(_facts(gate))
    return case


def _body(gate: GateResult, options: RenderOptions) -> list[str]:
    lines = [fmt.one_line(gate.reason), *fmt.detail_lines(gate, options.max_offenders)]
    if gate.reproduce:
        lines.append(f"reproduce: {fmt.one_line(gate.reproduce)}")
    return lines


def _facts(gate: GateResult) -> list[str]:
    return [
        f"metric: {fmt.one_line(gate.metric)}",
        f"status: {gate.status.value} (level {fmt.one_line(gate.level)})",
        f"observed: {format_value(gate.metric, gate.observed, gate.precision)}",
        f"bound: {fmt.one_line(gate.bound)}",
        f"stages: {fmt.one_line(', '.join(gate.stages))}",
        f"evidence: {fmt.one_line(', '.join(gate.evidence))}",
    ]
