"""The ruff-format-text reader against ruff's real text output (tests/assets/ruff/0.15.12, 0.1.2)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gates.catalog.tools import ok_exit_codes
from gates.errors import EvidenceError
from gates.model.reports import Finding, Severity
from gates.readers import MAY_BE_EMPTY, READERS
from gates.readers.findings import ruff_format_text
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "ruff"
CONTEXT = ReadContext("/tmp/gates-ruff-text")  # noqa: S108 - where make.sh ran ruff
VERSIONS = ("0.15.12", "0.1.2")


def asset(version: str, name: str) -> Blob:
    return read_blob(ASSETS / version / name, display=f"ruff/{name}", allow_empty=True)


def derived(text: str) -> Blob:
    data = text.encode()
    return Blob("derived/format.txt", data, hashlib.sha256(data).hexdigest())


def test_it_is_registered_and_may_be_empty() -> None:
    assert READERS["ruff-format-text"] is ruff_format_text
    assert "ruff-format-text" in MAY_BE_EMPTY  # no Python file: ruff prints nothing


@pytest.mark.parametrize("version", VERSIONS)
def test_each_file_to_reformat_is_one_low_finding(version: str) -> None:
    data = ruff_format_text.read(asset(version, "format-unformatted.txt"), CONTEXT)
    assert data.findings == [
        Finding("ruff", "unformatted", Severity.LOW, "bad.py", 0, "File would be reformatted")
    ]
    assert list(data.problems) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", ["clean", "empty"])
def test_nothing_to_reformat_is_no_finding(version: str, case: str) -> None:
    assert ruff_format_text.read(asset(version, f"format-{case}.txt"), CONTEXT).findings == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_file_ruff_cannot_parse_shows_only_in_the_exit_code_which_is_a_crash(
    version: str,
) -> None:
    codes = dict(
        line.split() for line in (ASSETS / version / "exit-codes.txt").read_text().splitlines()
    )
    assert codes["format-syntax.txt"] == "2"
    data = ruff_format_text.read(asset(version, "format-syntax.txt"), CONTEXT)
    assert [f.path for f in data.findings] == ["bad.py"]  # broken.py is nowhere in stdout
    text_form = ["ruff", "format", "--check", "."]
    json_form = ["ruff", "format", "--check", "--output-format", "json", "."]
    assert 2 not in ok_exit_codes("ruff", None, text_form)
    assert 2 in ok_exit_codes("ruff", None, json_form)


@pytest.mark.parametrize(
    "text",
    [
        "Would reformat: a.py\n2 files would be reformatted\n",
        "Would reformat: a.py\n",  # the summary cut off
        "Would reformat: a.py\n1 file would be reformatted\n3 files already formatted\n",
        "Would reformat: a.py\n99999999999999999999 files would be reformatted\n",
        "something else entirely\n",
    ],
)
def test_a_report_whose_summary_does_not_add_up_is_refused(text: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        ruff_format_text.read(derived(text), CONTEXT)
    assert caught.value.slug == "malformed-report"
