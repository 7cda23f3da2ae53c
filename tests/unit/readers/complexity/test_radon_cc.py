"""The radon-cc-json reader against radon's real JSON (tests/assets/radon/6.0.1/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers import KINDS, READERS, Reader
from gates.readers.complexity import radon_cc
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "radon" / "6.0.1"
CONTEXT = ReadContext("/repo")  # radon wrote paths relative to where it ran
READER: Reader = radon_cc


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"radon/{name}")


def recorded(name: str) -> dict[str, object]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, dict)
    return value


def derived(value: object) -> Blob:
    return Blob("derived/radon-cc.json", json.dumps(value).encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool_and_is_registered() -> None:
    assert (radon_cc.FORMAT, radon_cc.TOOL) == ("radon-cc-json", "radon")
    assert READERS["radon-cc-json"] is radon_cc
    assert KINDS["radon-cc-json"].value == "findings"


def test_functions_above_ten_are_findings_with_radons_own_figures() -> None:
    data = read(asset("cc-clean.json"))
    assert list(data.problems) == []
    got = sorted((f.path, f.line, f.end, f.rule, f.severity, f.message) for f in data.findings)
    assert got == [
        (
            "app/complex.py",
            4,
            22,
            "CC",
            Severity.LOW,
            "`classify` has cyclomatic complexity 12 (rank C; at most 10)",
        ),
        (
            "app/complex.py",
            26,
            49,
            "CC",
            Severity.LOW,
            "`Router.route` has cyclomatic complexity 14 (rank C; at most 10)",
        ),
    ]


def test_every_finding_is_a_block_radon_ranked_c_or_worse() -> None:
    """The figures are radon's: each finding is one function or method radon ranked C or worse."""
    report = recorded("cc-clean.json")
    ranked = sorted(
        (path, block["lineno"])
        for path, blocks in report.items()
        for block in blocks  # type: ignore[attr-defined]  # a list of blocks: cc-clean.json
        if block["type"] != "class" and block["rank"] not in ("A", "B")
    )
    assert sorted((f.path, f.line) for f in read(asset("cc-clean.json")).findings) == ranked


def test_a_file_that_does_not_parse_makes_the_evidence_incomplete() -> None:
    data = read(asset("cc.json"))
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "app/broken.py")]
    assert "invalid syntax" in data.problems[0].message
    assert len(data.findings) == 2  # the files that parse are still measured


def test_no_file_measured_is_a_problem() -> None:
    data = read(asset("cc-empty.json"))
    assert (list(data.findings), [p.slug for p in data.problems]) == ([], ["no-files-checked"])


@pytest.mark.parametrize(
    ("complexity", "rank", "severity"),
    [
        (10, None, None),
        (11, "C", Severity.LOW),
        (21, "D", Severity.MEDIUM),
        (31, "E", Severity.HIGH),
        (41, "F", Severity.HIGH),
        (500, "F", Severity.HIGH),
    ],
)
def test_rank_and_severity_at_the_bounds(
    complexity: int, rank: str | None, severity: Severity | None
) -> None:
    block = {"type": "function", "rank": "?", "lineno": 3, "endline": 9, "name": "f"}
    data = read(derived({"a.py": [{**block, "complexity": complexity}]}))
    assert [(f.severity, f.message.split("rank ")[1][0]) for f in data.findings] == (
        [(severity, rank)] if rank else []
    )


@pytest.mark.parametrize(
    "report",
    [
        [],
        {"a.py": "text"},
        {"a.py": [{"type": "lambda", "complexity": 1, "lineno": 1, "endline": 1, "name": "f"}]},
        {
            "a.py": [
                {"type": "function", "complexity": "12", "lineno": 1, "endline": 2, "name": "f"}
            ]
        },
        {"a.py": [{"type": "function", "complexity": 12, "lineno": -1, "endline": 2, "name": "f"}]},
        {"a.py": [{"type": "function", "complexity": 12, "lineno": 1, "endline": 2}]},
        {"a.py": {"message": "no error key"}},
    ],
)
def test_a_malformed_report_is_refused_with_its_file(report: object) -> None:
    with pytest.raises(EvidenceError) as raised:
        read(derived(report))
    assert raised.value.path == "derived/radon-cc.json"


def test_not_json_is_refused() -> None:
    with pytest.raises(EvidenceError):
        read(Blob("derived/radon-cc.json", b'{"a.py": [', ""))
