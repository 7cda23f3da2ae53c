"""The complexipy-sarif reader against complexipy's real SARIF (tests/assets/complexipy/8.3.0/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.tools import ok_exit_codes
from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers import KINDS, READERS, Reader
from gates.readers.complexity import complexipy_sarif
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "complexipy" / "8.3.0"
CONTEXT = ReadContext("/repo")  # complexipy wrote paths relative to where it ran
READER: Reader = complexipy_sarif


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"complexipy/{name}")


def recorded(name: str) -> dict[str, Any]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, dict)
    return value


def derived(value: object) -> Blob:
    return Blob("derived/complexipy.sarif", json.dumps(value).encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool_and_is_registered() -> None:
    assert (complexipy_sarif.FORMAT, complexipy_sarif.TOOL) == ("complexipy-sarif", "complexipy")
    assert READERS["complexipy-sarif"] is complexipy_sarif
    assert KINDS["complexipy-sarif"].value == "findings"


def test_functions_above_fifteen_are_findings_spanning_their_lines() -> None:
    data = read(asset("clean.sarif"))
    assert list(data.problems) == []
    got = sorted((f.path, f.line, f.end, f.rule, f.severity, f.message) for f in data.findings)
    assert got == [
        (
            "app/complex.py",
            26,
            49,
            "cognitive",
            Severity.LOW,
            "`Router.route` has cognitive complexity 16 (at most 15; complexipy)",
        ),
        (
            "app/tangled.py",
            4,
            25,
            "cognitive",
            Severity.MEDIUM,
            "`tangled` has cognitive complexity 37 (at most 15; complexipy)",
        ),
    ]


def test_every_function_is_kept_with_complexipys_own_figure() -> None:
    data = read(asset("clean.sarif"))
    assert data.cognitive is not None
    got = sorted((b.path, b.name, b.line, b.end, b.complexity) for b in data.cognitive.blocks)
    assert got == [
        ("app/complex.py", "Router.route", 26, 49, 16),
        ("app/complex.py", "classify", 4, 22, 12),
        ("app/simple.py", "Greeter.greet", 9, 12, 1),
        ("app/simple.py", "outer", 15, 19, 1),
        ("app/tangled.py", "tangled", 4, 25, 37),
    ]
    assert data.cognitive.files == 3
    assert data.complexity is None  # radon's figures are another field


def test_the_findings_are_those_complexipy_itself_finds_above_its_default() -> None:
    """complexipy's own threshold (15, default.sarif) lists exactly the functions gates flags."""
    results = recorded("default.sarif")["runs"][0]["results"]
    own = sorted(
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
        for r in results
    )
    assert [line for line, _ in own] == sorted(f.line for f in read(asset("clean.sarif")).findings)
    assert all("exceeds the maximum allowed complexity of 15" in text for _, text in own)


def test_a_report_with_a_file_that_did_not_parse_still_reads_the_others() -> None:
    """complexipy leaves the file out and exits 1: the exit code is what blocks (tools.py)."""
    exits = dict(line.split() for line in (ASSETS / "exit-codes.txt").read_text().splitlines())
    assert exits["report.sarif"] == "1"
    assert exits["clean.sarif"] == "0"
    assert 1 not in ok_exit_codes("complexipy", None)
    assert 0 in ok_exit_codes("complexipy", None)
    assert len(read(asset("report.sarif")).findings) == 2


def test_no_function_reported_is_a_problem() -> None:
    data = read(asset("empty.sarif"))
    assert (list(data.findings), [p.slug for p in data.problems]) == ([], ["no-files-checked"])


@pytest.mark.parametrize(
    ("complexity", "severity"),
    [
        (15, None),
        (16, Severity.LOW),
        (25, Severity.LOW),
        (26, Severity.MEDIUM),
        (51, Severity.HIGH),
    ],
)
def test_severity_at_the_bounds(complexity: int, severity: Severity | None) -> None:
    report = recorded("clean.sarif")
    result = report["runs"][0]["results"][0]
    name = result["locations"][0]["logicalLocations"][0]["name"]
    result["message"]["text"] = (
        f"Function '{name}' has a cognitive complexity of {complexity}, which exceeds the "
        "maximum allowed complexity of 0."
    )
    report["runs"][0]["results"] = [result]
    data = read(derived(report))
    assert [f.severity for f in data.findings] == ([severity] if severity else [])


def _broken(change: str) -> dict[str, Any]:
    report = copy.deepcopy(recorded("clean.sarif"))
    result = report["runs"][0]["results"][0]
    if change == "message":
        result["message"]["text"] = "Function 'classify' is complicated"
    elif change == "other-name":
        result["message"]["text"] = result["message"]["text"].replace("classify", "other")
    elif change == "huge":
        result["message"]["text"] = result["message"]["text"].replace(" 12,", " " + "9" * 40 + ",")
    elif change == "digits":
        result["message"]["text"] = result["message"]["text"].replace(" 12,", " \u0661\u0662,")
    elif change == "tool":
        report["runs"][0]["tool"]["driver"]["name"] = "ruff"
    elif change == "locations":
        result["locations"] = []
    elif change == "logical":
        result["locations"][0]["logicalLocations"] = []
    elif change == "line":
        result["locations"][0]["physicalLocation"]["region"]["startLine"] = -1
    elif change == "version":
        report["version"] = "2.0.0"
    elif change == "runs":
        report["runs"] = []
    return report


@pytest.mark.parametrize(
    "change",
    [
        "message",
        "other-name",
        "huge",
        "digits",
        "tool",
        "locations",
        "logical",
        "line",
        "version",
        "runs",
    ],
)
def test_a_report_of_another_shape_is_malformed_never_a_traceback(change: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(_broken(change)))
    assert caught.value.slug == "malformed-report"
    assert caught.value.path == "derived/complexipy.sarif"


@pytest.mark.parametrize("text", [b"", b"{", b"[]", b'{"version": "2.1.0"}', b"\xff\xfe"])
def test_a_truncated_or_foreign_report_is_refused_with_a_named_problem(text: bytes) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/complexipy.sarif", text, ""))
    assert caught.value.slug
    assert caught.value.path == "derived/complexipy.sarif"
