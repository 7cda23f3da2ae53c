"""The ruff-json reader against ruff's real JSON (tests/assets/ruff/0.17.6/)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from benchmarks.gen_findings import ROOT as BIG_ROOT
from benchmarks.gen_findings import big_ruff_json
from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers import Reader
from gates.readers.findings import ruff_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "ruff" / "0.17.6"
ROOT = "/tmp/gates-ruff-fixture"  # noqa: S108 - where make.sh ran ruff; never written here
CONTEXT = ReadContext(ROOT)
READER: Reader = ruff_json


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"ruff/{name}")


def derived(value: object) -> Blob:
    data = json.dumps(value).encode()
    return Blob("derived/ruff.json", data, hashlib.sha256(data).hexdigest())


def recorded(name: str) -> list[dict[str, object]]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, list)
    return value


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (ruff_json.FORMAT, ruff_json.TOOL) == ("ruff-json", "ruff")


# ------------------------------------------------------------------ real reports


@pytest.mark.parametrize("name", ["check-clean.json", "check-empty.json"])
def test_clean_report_has_nothing_and_counts_nothing(name: str) -> None:
    data = read(asset(name))
    assert (data.tool, list(data.findings), list(data.problems)) == ("ruff", [], [])
    assert data.counts == {}  # files linted come from the file-list report


def test_findings_keep_ruffs_rule_line_and_message() -> None:
    findings = read(asset("check-findings.json")).findings
    assert findings[0] == Finding(
        "ruff",
        "E711",
        Severity.LOW,
        "findings/app.py",
        7,
        "Comparison to `None` should be `cond is None`",
    )
    assert [(f.rule, f.path, f.line) for f in findings] == [
        ("E711", "findings/app.py", 7),
        ("S307", "findings/app.py", 8),
        ("S105", "findings/app.py", 9),
        ("S602", "findings/app.py", 10),
        ("SIM103", "findings/app.py", 11),
        ("PTH118", "findings/app.py", 20),
        ("F401", "findings/notebook.ipynb", 1),
        ("UP035", "findings/util.py", 1),
        ("UP006", "findings/util.py", 4),
        ("E741", "findings/util.py", 5),
    ]


def test_noqa_lines_are_absent() -> None:
    # app.py:19 silences S101 with a noqa comment: ruff drops it from the JSON
    findings = read(asset("check-findings.json")).findings
    assert ("S101", 19) not in [(f.rule, f.line) for f in findings]


def test_security_rules_are_medium_and_other_rules_low() -> None:
    findings = read(asset("check-findings.json")).findings
    severities = {f.rule: f.severity for f in findings}
    assert {rule for rule, s in severities.items() if s is Severity.MEDIUM} == {
        "S307",
        "S105",
        "S602",
    }
    assert severities["SIM103"] is Severity.LOW  # "S" followed by a letter is not bandit


def test_notebook_finding_names_its_cell() -> None:
    findings = read(asset("check-findings.json")).findings
    notebook = [f for f in findings if f.path.endswith(".ipynb")]
    assert [f.message for f in notebook] == ["cell 2: `json` imported but unused"]


def test_syntax_error_is_a_high_finding_and_an_incomplete_lint() -> None:
    data = read(asset("check-syntax-error.json"))
    assert [(f.rule, f.severity, f.location) for f in data.findings] == [
        ("F401", Severity.LOW, "broken/fine.py:1"),
        ("invalid-syntax", Severity.HIGH, "broken/half.py:8"),
        ("invalid-syntax", Severity.HIGH, "broken/half.py:8"),
    ]
    # half.py's unused `import os` is not reported: ruff did not lint past the error
    [problem] = data.problems
    assert (problem.slug, problem.subject, problem.path) == (
        "lint-incomplete",
        "broken/half.py",
        "ruff/check-syntax-error.json",
    )
    assert "could not parse broken/half.py:8" in problem.message
    assert "Expected a parameter" in problem.message


def test_unreadable_path_is_a_high_finding_and_an_incomplete_lint() -> None:
    data = read(asset("check-nonexistent.json"))
    assert [(f.rule, f.severity, f.path) for f in data.findings] == [
        ("E902", Severity.HIGH, "nonexistent")
    ]
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("lint-incomplete", "nonexistent")
    assert "could not read nonexistent" in problem.message
    assert "No such file or directory" in problem.message


def test_older_ruffs_null_code_is_a_syntax_error() -> None:
    # ruff 0.5-0.8 wrote syntax errors with `"code": null` (derived from this record)
    items = recorded("check-syntax-error.json")
    for item in items:
        if item["code"] == "invalid-syntax":
            item["code"] = None
    data = read(derived(items))
    assert [f.rule for f in data.findings] == ["F401", "invalid-syntax", "invalid-syntax"]
    assert [p.slug for p in data.problems] == ["lint-incomplete"]


def test_a_preview_rule_without_a_code_is_a_finding_known_by_its_name() -> None:
    data = read(asset("check-preview-codeless.json"))
    codeless = [f for f in data.findings if f.rule == "pytest-fixture-autouse"]
    assert len(codeless) == 1
    assert codeless[0].severity is Severity.LOW
    assert codeless[0].path == "preview/conftest.py"
    assert data.problems == []  # not mistaken for a file ruff could not parse
    assert "invalid-syntax" not in {f.rule for f in data.findings}


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        (None, Severity.HIGH),
        ("invalid-syntax", Severity.HIGH),
        ("E999", Severity.HIGH),
        ("E902", Severity.HIGH),
        ("S101", Severity.MEDIUM),
        ("S602", Severity.MEDIUM),
        ("SIM108", Severity.LOW),
        ("SLF001", Severity.LOW),
        ("SLOT000", Severity.LOW),
        ("F401", Severity.LOW),
        ("E501", Severity.LOW),
        ("RUF100", Severity.LOW),
    ],
)
def test_severity_of_each_kind_of_rule(code: str | None, severity: Severity) -> None:
    assert ruff_json.severity_of(code) is severity


def test_absolute_path_outside_the_root_stays_absolute() -> None:
    items = recorded("check-clean.json") + recorded("check-findings.json")[:1]
    data = ruff_json.read(derived(items), ReadContext("/elsewhere"))
    assert data.findings[0].path == f"{ROOT}/findings/app.py"


# ------------------------------------------------------------------ broken reports


def test_truncated_report_is_invalid_json() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(asset("truncated.json"))
    assert caught.value.slug == "invalid-json"
    assert "truncated" in caught.value.message


def test_an_object_instead_of_a_list_is_malformed() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived({"diagnostics": []}))
    assert caught.value.slug == "malformed-report"
    assert "should be a list of diagnostics, found dict" in caught.value.message


def _broken(key: str, value: object) -> list[dict[str, object]]:
    items = recorded("check-findings.json")
    if value is _DELETE:
        del items[3][key]
    else:
        items[3][key] = value
    return items


_DELETE = object()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("filename", 7, "`[3].filename` should be a string, found int"),
        ("filename", _DELETE, "`[3].filename` is missing"),
        ("message", None, "`[3].message` should be a string, found null"),
        ("location", {"column": 1}, "`[3].location.row` is missing"),
        ("location", {"row": "10"}, "`[3].location.row` should be an integer, found str"),
        ("location", None, "`[3].location` should be an object, found null"),
        ("code", 602, "`[3].code` should be a string or null, found int"),
        ("code", _DELETE, "`[3].code` is missing"),
    ],
)
def test_a_bad_field_is_named(key: str, value: object, expected: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(_broken(key, value)))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message


def test_a_diagnostic_that_is_not_an_object_is_named() -> None:
    items: list[object] = [*recorded("check-findings.json"), "S101"]
    with pytest.raises(EvidenceError) as caught:
        read(derived(items))
    assert "`[10]` should be an object, found str" in caught.value.message


def test_duplicate_keys_are_refused() -> None:
    data = b'[{"code": "F401", "code": "S101"}]'
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/dup.json", data, ""))
    assert caught.value.slug == "invalid-json"


# ------------------------------------------------------------------ scale


def test_generated_report_reads_every_diagnostic() -> None:
    data = ruff_json.read(Blob("big.json", big_ruff_json(4000), ""), ReadContext(BIG_ROOT))
    assert len(data.findings) == 4000
    assert len({f.path for f in data.findings}) == 100
    assert all(not f.path.startswith("/") for f in data.findings)
    assert data.problems == []
