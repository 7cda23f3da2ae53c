"""The GitLab output: a Code Quality report GitLab reads, with move-robust fingerprints."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Final

import pytest
from jsonschema import Draft202012Validator

from gates.model.reports import Finding, Severity
from gates.model.verdict import Verdict
from gates.outputs import gitlab_out
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden

# The fields GitLab reads from a Code Quality report (docs/outputs.md#gitlab), and nothing else.
SCHEMA: Final[dict[str, Any]] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def _render(verdict: Verdict) -> str:
    return gitlab_out.render(verdict, options=RenderOptions())


def _issues(verdict: Verdict) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(_render(verdict))
    return issues


def _with(*findings: Finding, waived: bool = False) -> Verdict:
    return replace(_verdicts.passing(), findings=tuple((f, waived) for f in findings))


FINDING: Final = Finding(
    "ruff", "E501", Severity.LOW, "gates/cli.py", 12, "Line too long (120 > 100)"
)


def test_golden_mixed() -> None:
    assert_golden("mixed.gitlab.json", _render(_verdicts.mixed()))


@pytest.mark.parametrize(
    "make",
    [_verdicts.passing, _verdicts.mixed, _verdicts.hostile, lambda: _verdicts.huge(2_000, 10)],
)
def test_every_verdict_gives_a_report_with_only_the_fields_gitlab_reads(
    make: Callable[[], Verdict],
) -> None:
    Draft202012Validator(SCHEMA).validate(_issues(make()))


def test_the_schema_of_this_test_refuses_a_broken_report() -> None:
    issue = _issues(_with(FINDING))[0]
    for broken in (
        {**issue, "severity": "high"},
        {**issue, "location": {"path": "a.py", "lines": {"begin": 0}}},
        {key: value for key, value in issue.items() if key != "fingerprint"},
    ):
        assert not Draft202012Validator(SCHEMA).is_valid([broken])


def test_no_findings_is_an_empty_list() -> None:
    assert _render(_verdicts.passing()) == "[]\n"


def test_one_issue_per_unwaived_finding_in_the_verdicts_order() -> None:
    verdict = _verdicts.mixed()
    unwaived = [finding for finding, waived in verdict.findings if not waived]
    issues = _issues(verdict)
    assert len(issues) == len(unwaived) < len(verdict.findings)
    assert [issue["check_name"] for issue in issues] == [f"{f.tool}/{f.rule}" for f in unwaived]


def test_a_waived_finding_is_left_out() -> None:
    assert _issues(_with(FINDING, waived=True)) == []


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Severity.CRITICAL, "blocker"),
        (Severity.HIGH, "critical"),
        (Severity.MEDIUM, "major"),
        (Severity.LOW, "minor"),
        (Severity.INFO, "info"),
    ],
)
def test_severity_moves_one_step_onto_gitlabs_scale(level: Severity, expected: str) -> None:
    assert gitlab_out.severity(level) == expected
    assert _issues(_with(FINDING._replace(severity=level)))[0]["severity"] == expected


def test_an_issue_names_its_check_place_and_message() -> None:
    issue = _issues(_with(FINDING))[0]
    assert issue["check_name"] == "ruff/E501"
    assert issue["location"] == {"path": "gates/cli.py", "lines": {"begin": 12}}
    assert issue["description"] == "[ruff] Line too long (120 > 100)"


def test_a_finding_without_file_line_or_rule_still_has_a_place() -> None:
    verdict = replace(
        _with(Finding("pip-audit", "", Severity.HIGH, "", 0, "")), policy="ci/gates.toml"
    )
    issue = _issues(verdict)[0]
    assert issue["location"] == {"path": "ci/gates.toml", "lines": {"begin": 1}}
    assert issue["check_name"] == "pip-audit/unknown-rule"
    assert issue["description"] == "[pip-audit] (no file) unknown-rule"


def test_the_fingerprint_follows_a_finding_that_moved() -> None:
    before = _issues(_with(FINDING))[0]["fingerprint"]
    moved = _issues(_with(FINDING._replace(line=99, message="Line  too long\n(120 > 100)")))
    assert moved[0]["fingerprint"] == before


@pytest.mark.parametrize(
    "change",
    [{"tool": "flake8"}, {"rule": "E502"}, {"path": "gates/nox.py"}, {"message": "other"}],
)
def test_the_fingerprint_changes_with_tool_rule_path_or_message(change: dict[str, Any]) -> None:
    before = _issues(_with(FINDING))[0]["fingerprint"]
    assert _issues(_with(FINDING._replace(**change)))[0]["fingerprint"] != before


def test_identical_findings_get_distinct_stable_fingerprints() -> None:
    twice = [issue["fingerprint"] for issue in _issues(_with(FINDING, FINDING._replace(line=40)))]
    assert len(set(twice)) == 2
    assert twice[0] == _issues(_with(FINDING))[0]["fingerprint"]
    assert [i["fingerprint"] for i in _issues(_with(FINDING, FINDING._replace(line=40)))] == twice


def test_hostile_text_stays_one_inert_line_of_json() -> None:
    for issue in _issues(_verdicts.hostile()):
        text = issue["description"]
        assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", text), text
        assert len(text) <= 1_000
    assert "\ud800" not in _render(_verdicts.hostile())
