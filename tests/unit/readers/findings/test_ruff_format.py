"""The ruff-format-json reader against `ruff format --check`'s real JSON (ruff 0.17.6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers import Reader
from gates.readers.findings import ruff_format
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "ruff" / "0.17.6"
CONTEXT = ReadContext("/tmp/gates-ruff-fixture")  # noqa: S108 - where make.sh ran ruff
READER: Reader = ruff_format


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"ruff/{name}")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (ruff_format.FORMAT, ruff_format.TOOL) == ("ruff-format-json", "ruff")


def test_formatted_files_give_nothing() -> None:
    data = read(asset("format-clean.json"))
    assert (data.tool, list(data.findings), list(data.problems)) == ("ruff", [], [])


def test_each_file_that_would_change_is_one_low_finding() -> None:
    # project/unformatted holds ugly.py and an already formatted calc.py
    data = read(asset("format-unformatted.json"))
    assert list(data.findings) == [
        Finding(
            "ruff",
            "unformatted",
            Severity.LOW,
            "unformatted/ugly.py",
            1,
            "File would be reformatted",
        )
    ]
    assert data.problems == []


def test_unparsable_file_is_a_problem_not_a_finding() -> None:
    data = read(asset("format-syntax-error.json"))
    assert data.findings == []  # the `ruff check` report carries the syntax error
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("format-incomplete", "broken/half.py")
    assert "could not format-check broken/half.py:8" in problem.message


def test_truncated_report_is_invalid_json() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(asset("truncated.json"))
    assert caught.value.slug == "invalid-json"
