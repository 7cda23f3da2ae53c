"""The JUnit output: one test case per gate, well-formed whatever the evidence says."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest

from gates.model.verdict import Status, Verdict
from gates.outputs import junit_out
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden


def _parse(verdict: Verdict, max_offenders: int = 10) -> Element:
    text = junit_out.render(verdict, options=RenderOptions(max_offenders=max_offenders))
    root: Element = SafeET.fromstring(text.encode("utf-8"))
    return root


def test_golden_mixed() -> None:
    assert_golden("mixed.junit.xml", junit_out.render(_verdicts.mixed(), options=RenderOptions()))


@pytest.mark.parametrize("make", [_verdicts.passing, _verdicts.mixed, _verdicts.hostile])
def test_one_testcase_per_gate_in_order(make: Callable[[], Verdict]) -> None:
    verdict = make()
    cases = _parse(verdict).findall("./testsuite/testcase")
    assert [case.get("classname") for case in cases] == ["gates"] * len(verdict.gates)
    names = [case.get("name") for case in cases]
    assert len(names) == len(verdict.gates)


@pytest.mark.parametrize(
    ("status", "child"),
    [
        (Status.PASS, None),
        (Status.FAIL, "failure"),
        (Status.ERROR, "error"),
        (Status.WARN, "skipped"),
        (Status.WAIVED, "skipped"),
    ],
)
def test_each_status_maps_to_its_junit_result(status: Status, child: str | None) -> None:
    verdict = _verdicts.mixed()
    index = next(i for i, gate in enumerate(verdict.gates) if gate.status is status)
    case = _parse(verdict).findall("./testsuite/testcase")[index]
    results = [e for e in case if e.tag != "system-out"]
    if child is None:
        assert results == []
    else:
        assert [e.tag for e in results] == [child]
        assert results[0].get("type") == status.value
        assert results[0].get("message") == verdict.gates[index].reason


def test_only_fail_and_error_count_against_the_build() -> None:
    suite = _parse(_verdicts.mixed()).find("./testsuite")
    assert suite is not None
    tallies = {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")}
    assert tallies == {"tests": "7", "failures": "3", "errors": "1", "skipped": "2"}


def test_the_body_lists_offenders_more_and_reproduce() -> None:
    case = _parse(_verdicts.mixed(), max_offenders=1).findall("./testsuite/testcase")[1]
    failure = case.find("failure")
    assert failure is not None
    assert (failure.text or "").splitlines() == [
        "line coverage 89.99% is below 90%",
        "gates/evaluate.py  71.42%  missing lines 40-52, 97",
        "… and 4 more not shown — see the JSON verdict / artifacts",
        "reproduce: nox -s unit && coverage report --fail-under=90",
    ]
    system_out = case.find("system-out")
    assert system_out is not None
    assert "observed: 89.99%" in (system_out.text or "")


def test_hostile_text_survives_as_text() -> None:
    root = _parse(_verdicts.hostile())
    case = root.findall("./testsuite/testcase")[3]
    failure = case.find("failure")
    assert failure is not None
    message = failure.get("message") or ""
    assert "<script>alert(1)</script>" in message
    assert "]]><![CDATA[ x" in message
    assert "\x1b" not in message
    assert "\ufffd[31mred" in message


def test_verdict_properties() -> None:
    properties = _parse(_verdicts.mixed()).findall("./testsuite/properties/property")
    values = {p.get("name"): p.get("value") for p in properties}
    assert values["status"] == "error"
    assert values["exit_code"] == "3"
    assert (values["summary"] or "").startswith("BLOCKED — ")
