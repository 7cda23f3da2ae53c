"""The bandit-json reader against bandit's real JSON (tests/assets/bandit/1.9.4/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers import Reader
from gates.readers.findings import bandit_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "bandit" / "1.9.4"
CONTEXT = ReadContext("/repo")  # bandit wrote paths relative to where it ran
READER: Reader = bandit_json


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"bandit/{name}")


def recorded(name: str) -> dict[str, object]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, dict)
    return value


def derived(value: object) -> Blob:
    return Blob("derived/bandit.json", json.dumps(value).encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (bandit_json.FORMAT, bandit_json.TOOL) == ("bandit-json", "bandit")


# ------------------------------------------------------------------ real reports


def test_clean_scan_counts_its_file() -> None:
    data = read(asset("clean.json"))
    assert (data.tool, list(data.findings), list(data.problems)) == ("bandit", [], [])
    assert data.counts == {Count.FILES_SCANNED: 1, Count.FINDINGS_SUPPRESSED: 0}


def test_findings_keep_bandits_severity_and_test_id() -> None:
    data = read(asset("findings.json"))
    assert [(f.rule, f.severity, f.location) for f in data.findings] == [
        ("B403", Severity.LOW, "project/findings/pkg/mod.py:2"),
        ("B404", Severity.LOW, "project/findings/pkg/mod.py:3"),
        ("B301", Severity.MEDIUM, "project/findings/pkg/mod.py:7"),
        ("B602", Severity.HIGH, "project/findings/pkg/mod.py:8"),
        ("B324", Severity.HIGH, "project/findings/pkg/mod.py:9"),
        ("B101", Severity.LOW, "project/findings/pkg/mod.py:12"),
        ("B501", Severity.HIGH, "project/findings/pkg/net.py:5"),
        ("B104", Severity.MEDIUM, "project/findings/pkg/net.py:12"),
    ]
    assert data.problems == []


def test_message_carries_confidence_and_cwe() -> None:
    findings = read(asset("findings.json")).findings
    assert findings[-1] == Finding(
        "bandit",
        "B104",
        Severity.MEDIUM,
        "project/findings/pkg/net.py",
        12,
        "Possible binding to all interfaces. (confidence medium, CWE-605)",
    )


def test_nosec_lines_are_counted_as_suppressed() -> None:
    # mod.py:10 `# nosec` (counted in nosec) and mod.py:11 `# nosec B307` (skipped_tests)
    data = read(asset("findings.json"))
    assert data.counts == {Count.FILES_SCANNED: 2, Count.FINDINGS_SUPPRESSED: 2}
    assert not {10, 11} & {f.line for f in data.findings}


def test_severity_filter_is_detected_from_the_totals() -> None:
    data = read(asset("findings-filtered.json"))  # bandit -lll -iii
    assert [f.rule for f in data.findings] == ["B602", "B324", "B501"]
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("findings-filtered", "bandit")
    assert problem.message.startswith("bandit counted 8 issues but listed 3")


def test_file_that_failed_to_parse_is_a_scan_error_and_not_scanned() -> None:
    data = read(asset("syntax-error.json"))
    assert data.counts == {Count.FILES_SCANNED: 1, Count.FINDINGS_SUPPRESSED: 0}
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("scan-errors", "project/broken/pkg/half.py")
    assert problem.message == (
        "bandit could not scan project/broken/pkg/half.py: syntax error while parsing AST from file"
    )


def test_no_python_file_is_no_files_checked() -> None:
    data = read(asset("empty.json"))
    assert data.counts == {Count.FILES_SCANNED: 0, Count.FINDINGS_SUPPRESSED: 0}
    assert [(p.slug, p.subject) for p in data.problems] == [("no-files-checked", "bandit")]


def test_nonexistent_path_is_a_scan_error_and_no_files_checked() -> None:
    data = read(asset("nonexistent.json"))
    assert [(p.slug, p.subject) for p in data.problems] == [
        ("scan-errors", "project/nonexistent"),  # bandit wrote "./project/nonexistent"
        ("no-files-checked", "bandit"),
    ]


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("HIGH", Severity.HIGH),
        ("MEDIUM", Severity.MEDIUM),
        ("LOW", Severity.LOW),
        ("UNDEFINED", Severity.INFO),
    ],
)
def test_every_bandit_level_maps_onto_the_scale(level: str, severity: Severity) -> None:
    report = recorded("findings.json")
    results = report["results"]
    assert isinstance(results, list)
    results[0]["issue_severity"] = level
    assert read(derived(report)).findings[0].severity is severity


def test_result_without_cwe_has_no_cwe_in_its_message() -> None:
    report = recorded("findings.json")
    results = report["results"]
    assert isinstance(results, list)
    del results[0]["issue_cwe"]
    assert read(derived(report)).findings[0].message.endswith("(confidence high)")


# ------------------------------------------------------------------ broken reports


def test_truncated_report_is_invalid_json() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(asset("truncated.json"))
    assert caught.value.slug == "invalid-json"


_DELETE = object()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("issue_severity", "CRITICAL", "`results[2].issue_severity` should be HIGH, MEDIUM, LOW"),
        ("issue_severity", ["HIGH"], "`results[2].issue_severity` should be a string, found list"),
        ("test_id", _DELETE, "`results[2].test_id` is missing"),
        ("line_number", "7", "`results[2].line_number` should be an integer, found str"),
        ("filename", None, "`results[2].filename` should be a string, found null"),
        ("issue_confidence", 3, "`results[2].issue_confidence` should be a string, found int"),
    ],
)
def test_a_bad_result_field_is_named(key: str, value: object, expected: str) -> None:
    report = recorded("findings.json")
    results = report["results"]
    assert isinstance(results, list)
    if value is _DELETE:
        del results[2][key]
    else:
        results[2][key] = value
    with pytest.raises(EvidenceError) as caught:
        read(derived(report))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("results",), "`results` is missing"),
        (("metrics",), "`metrics` is missing"),
        (("metrics", "_totals"), "`metrics._totals` is missing"),
        (("metrics", "_totals", "nosec"), "`metrics._totals.nosec` is missing"),
        (("metrics", "_totals", "SEVERITY.LOW"), "`metrics._totals.SEVERITY.LOW` is missing"),
        (("errors",), "`errors` is missing"),
    ],
)
def test_a_missing_section_is_named(path: tuple[str, ...], expected: str) -> None:
    report = recorded("syntax-error.json")
    parent: dict[str, object] = report
    for key in path[:-1]:
        child = parent[key]
        assert isinstance(child, dict)
        parent = child
    del parent[path[-1]]
    with pytest.raises(EvidenceError) as caught:
        read(derived(report))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message


def test_a_result_that_is_not_an_object_is_named() -> None:
    report = recorded("clean.json")
    report["results"] = ["B101"]
    with pytest.raises(EvidenceError) as caught:
        read(derived(report))
    assert "`results[0]` should be an object, found str" in caught.value.message
