"""The file-list reader against `ruff check --show-files` (tests/assets/ruff/0.17.6/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import ReportData
from gates.readers import Reader
from gates.readers.findings import file_list
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "ruff" / "0.17.6"
CONTEXT = ReadContext("/tmp/gates-ruff-fixture")  # noqa: S108 - where make.sh ran ruff
READER: Reader = file_list


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"ruff/{name}")


def raw(name: str) -> Blob:
    """The file as ruff wrote it, without read_blob's refusal of empty reports."""
    return Blob(f"ruff/{name}", (ASSETS / name).read_bytes(), "")


def derived(text: str) -> Blob:
    return Blob("derived/files.txt", text.encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (file_list.FORMAT, file_list.TOOL) == ("file-list", "ruff")


@pytest.mark.parametrize(
    ("name", "files"), [("show-files-findings.txt", 3), ("show-files-broken.txt", 2)]
)
def test_counts_the_files_ruff_lints(name: str, files: int) -> None:
    data = read(asset(name))
    assert (data.tool, data.counts, list(data.problems)) == (
        "ruff",
        {Count.FILES_LINTED: files},
        [],
    )


@pytest.mark.parametrize("name", ["show-files-empty.txt", "show-files-nonexistent.txt"])
def test_ruffs_empty_listing_is_no_files_checked(name: str) -> None:
    # ruff exits 0 and prints nothing on stdout ("No Python files found" on stderr)
    assert (ASSETS / name).read_bytes() == b""
    data = read(raw(name))
    assert data.counts == {Count.FILES_LINTED: 0}
    [problem] = data.problems
    assert (problem.slug, problem.subject, problem.path) == (
        "no-files-checked",
        "ruff",
        f"ruff/{name}",
    )
    assert problem.message == "ruff checked 0 files: wrong path or every file excluded"


def test_empty_listing_is_refused_by_read_blob_today() -> None:
    # why the loader must let this format's empty report through (see the reader's docstring)
    with pytest.raises(EvidenceError) as caught:
        asset("show-files-empty.txt")
    assert caught.value.slug == "empty-report"


def test_a_file_listed_twice_counts_once() -> None:
    text = (ASSETS / "show-files-findings.txt").read_text() * 2
    assert read(derived(text)).counts == {Count.FILES_LINTED: 3}


def test_windows_paths_are_paths() -> None:
    text = "C:\\work\\app.py\r\nD:/work/util.py\r\n\\\\server\\share\\x.py\r\n"
    assert read(derived(text)).counts == {Count.FILES_LINTED: 3}


def test_stderr_mixed_into_the_listing_is_malformed() -> None:
    text = "warning: No Python files found under the given path(s)\n"
    with pytest.raises(EvidenceError) as caught:
        read(derived(text))
    assert caught.value.slug == "malformed-report"
    assert "line 1 is not a file path ('warning: No Python files" in caught.value.message


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/files.txt", b"/work/\xff.py\n", ""))
    assert caught.value.slug == "invalid-utf8"
