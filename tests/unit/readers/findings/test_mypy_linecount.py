"""The mypy-linecount reader against mypy's real linecount.txt (tests/assets/mypy/2.4.1/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import ReportData
from gates.readers import Reader
from gates.readers.findings import mypy_linecount
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "mypy" / "2.4.1"
CONTEXT = ReadContext("/tmp/gates-mypy-fixture")  # noqa: S108 - where make.sh ran mypy
READER: Reader = mypy_linecount


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"mypy/{name}")


def derived(text: str) -> Blob:
    return Blob("derived/linecount.txt", text.encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (mypy_linecount.FORMAT, mypy_linecount.TOOL) == ("mypy-linecount", "mypy")


def test_counts_every_module_including_one_named_total() -> None:
    # rows: total, then modules `total`, `pkg.calc`, `pkg`
    assert (ASSETS / "linecount-clean.txt").read_text().splitlines()[1].endswith(" total")
    data = read(asset("linecount-clean.txt"))
    assert (data.tool, data.counts, list(data.problems)) == (
        "mypy",
        {Count.FILES_TYPE_CHECKED: 3},
        [],
    )


def test_run_with_type_errors_still_counts_its_modules() -> None:
    assert read(asset("linecount-errors.txt")).counts == {Count.FILES_TYPE_CHECKED: 2}


@pytest.mark.parametrize(
    "name",
    ["linecount-syntax-error.txt", "linecount-duplicate-module.txt", "linecount-nonexistent.txt"],
)
def test_blocking_error_leaves_totals_only_which_is_no_files_checked(name: str) -> None:
    data = read(asset(name))
    assert data.counts == {Count.FILES_TYPE_CHECKED: 0}
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("no-files-checked", "mypy")
    assert problem.message.startswith("mypy type-checked 0 files")


def test_a_crashed_run_lists_only_what_it_finished() -> None:
    # boom.py crashed mypy (exit 2); calm.py was checked: only the exit code tells
    assert read(asset("linecount-crash.txt")).counts == {Count.FILES_TYPE_CHECKED: 1}


def test_a_missing_row_is_caught_by_the_totals() -> None:
    text = (ASSETS / "linecount-clean.txt").read_text()
    with pytest.raises(EvidenceError) as caught:
        read(derived("".join(text.splitlines(keepends=True)[:-1])))
    assert caught.value.slug == "malformed-report"
    assert "its rows add up to (16, 16, 3, 3), not to the totals (17, 17, 3, 3)" in (
        caught.value.message
    )


def test_first_row_must_be_the_totals() -> None:
    text = (ASSETS / "linecount-clean.txt").read_text()
    with pytest.raises(EvidenceError) as caught:
        read(derived("".join(text.splitlines(keepends=True)[2:])))
    assert "its first row is not the `total` row" in caught.value.message


@pytest.mark.parametrize(
    "line",
    [
        "Success: no issues found in 3 source files",
        "     17      17      3 total",
        f"{'9' * 30}      17      3      3 total",
        "     17      17     -3      3 total",
    ],
)
def test_a_line_that_is_not_a_row_is_named(line: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(line + "\n"))
    assert caught.value.slug == "malformed-report"
    assert "line 1 is not a linecount row" in caught.value.message


def test_only_blank_lines_is_refused() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived("\n\n"))
    assert "it has no row" in caught.value.message


def test_no_python_file_leaves_no_linecount_report_at_all() -> None:
    # "There are no .py[i] files in directory" (stderr), exit 2, nothing on stdout
    assert not (ASSETS / "linecount-empty.txt").exists()
    assert (ASSETS / "empty.jsonl").read_bytes() == b""
    with pytest.raises(EvidenceError) as caught:
        asset("linecount-empty.txt")
    assert caught.value.slug == "missing-report"
