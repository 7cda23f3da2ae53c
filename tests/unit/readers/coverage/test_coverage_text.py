"""The coverage-report reader against coverage.py's real text tables (tests/assets/coverage/)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import CoverageTotal, ReportData
from gates.readers.coverage import coverage_text
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "coverage" / "7.17.5"
CONTEXT = ReadContext("/tmp/gates-cov-fixture")  # noqa: S108 - where make.sh ran; never written


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"coverage/7.17.5/{name}")


def derived(text: str) -> Blob:
    data = text.encode()
    return Blob("derived/coverage-report.txt", data, hashlib.sha256(data).hexdigest())


def read(blob: Blob) -> ReportData:
    return coverage_text.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (coverage_text.FORMAT, coverage_text.TOOL) == ("coverage-report", "coverage")


def test_branch_table_gives_the_total_row_as_printed() -> None:
    result = read(asset("branch.txt"))
    assert result.coverage_total == CoverageTotal(205, 16, 16, 3, "90.50")
    assert result.coverage_total.precision == 2
    assert result.counts == {Count.STATEMENTS_MEASURED: 205}
    assert result.coverage is None  # no per-file data: the JSON gives that
    assert result.problems == ()


def test_statement_table_with_missing_column_and_default_precision() -> None:
    result = read(asset("lines.txt"))
    assert result.coverage_total == CoverageTotal(205, 16, None, None, "92")
    assert result.coverage_total.precision == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda text: "", "its first line is not the header"),
        (lambda text: text.replace("Name", "| Name"), "its first line is not the header"),
        (lambda text: text.rsplit("TOTAL", 1)[0], "it has no TOTAL row"),
        (lambda text: text.replace("90.50%", "90.50"), "is not numbers and a percentage"),
        (lambda text: text.replace(" 16      3", " x      3"), "is not numbers and a percentage"),
        (lambda text: text.rsplit("16", 1)[0], "cells, fewer than its header"),
    ],
)
def test_what_is_not_a_text_table_is_refused(change: object, words: str) -> None:
    text = (ASSETS / "branch.txt").read_text()
    assert callable(change)
    with pytest.raises(EvidenceError) as caught:
        read(derived(change(text)))
    assert caught.value.slug == "malformed-report"
    assert words in caught.value.detail
    assert "coverage report --format=text" in caught.value.hint
