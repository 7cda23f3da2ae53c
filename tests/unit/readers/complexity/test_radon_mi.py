"""The radon-mi-json reader against radon's real JSON (tests/assets/radon/6.0.1/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData
from gates.readers import KINDS, READERS, Reader
from gates.readers.complexity import radon_mi
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "radon" / "6.0.1"
READER: Reader = radon_mi


def read(blob: Blob) -> ReportData:
    return READER.read(blob, ReadContext("/repo"))


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"radon/{name}")


def derived(value: object) -> Blob:
    return Blob("derived/radon-mi.json", json.dumps(value).encode(), "")


def test_module_names_its_format_and_tool_and_is_registered() -> None:
    assert (radon_mi.FORMAT, radon_mi.TOOL) == ("radon-mi-json", "radon")
    assert READERS["radon-mi-json"] is radon_mi
    assert KINDS["radon-mi-json"].value == "findings"


def test_the_index_of_each_file_is_radons_own_and_no_finding() -> None:
    data = read(asset("mi-clean.json"))
    recorded = json.loads((ASSETS / "mi-clean.json").read_bytes())
    assert data.maintainability is not None
    assert dict(data.maintainability.files) == {k: v["mi"] for k, v in recorded.items()}
    assert (list(data.findings), list(data.problems)) == ([], [])


def test_a_file_that_does_not_parse_makes_the_evidence_incomplete() -> None:
    data = read(asset("mi.json"))
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "app/broken.py")]
    assert data.maintainability is not None
    assert sorted(data.maintainability.files) == [
        "app/__init__.py",
        "app/complex.py",
        "app/simple.py",
    ]


def test_no_file_measured_is_a_problem() -> None:
    assert [p.slug for p in read(asset("mi-empty.json")).problems] == ["no-files-checked"]


@pytest.mark.parametrize(
    "report",
    [
        [],
        {"a.py": 42.0},
        {"a.py": {"rank": "A"}},
        {"a.py": {"mi": "42", "rank": "A"}},
        {"a.py": {"mi": 101.0, "rank": "A"}},
        {"a.py": {"mi": -1, "rank": "C"}},
        {"a.py": {"error": 3}},
    ],
)
def test_a_malformed_report_is_refused_with_its_file(report: object) -> None:
    with pytest.raises(EvidenceError) as raised:
        read(derived(report))
    assert raised.value.path == "derived/radon-mi.json"


def test_nan_is_refused() -> None:
    with pytest.raises(EvidenceError):
        read(Blob("derived/radon-mi.json", b'{"a.py": {"mi": NaN, "rank": "A"}}', ""))
