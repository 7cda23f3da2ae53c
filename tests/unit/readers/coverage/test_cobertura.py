"""The cobertura-xml reader against coverage.py's real XML (tests/assets/coverage/7.17.4/)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import FileCoverage, ReportData
from gates.readers.coverage import cobertura
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "coverage" / "7.17.4"
ROOT = "/tmp/gates-cov-fixture"  # noqa: S108 - where make.sh ran coverage; never written here
CONTEXT = ReadContext(ROOT)

OPS_EXECUTED = [1, 2, 5, 6, 7, 8, 10, 13, 14, 16, 19]
OPS_MISSING = [9, 15, 20, 21, 22, 23]
# condition-coverage: line 6 "2/2", 8 "1/2", 14 "1/2", 21 "0/2"
OPS_TAKEN = [(6, -1), (6, -2), (8, -1), (14, -1)]
OPS_NOT_TAKEN = [(8, -2), (14, -2), (21, -1), (21, -2)]
BRANCH_FILES = [
    FileCoverage("calc/__init__.py", [3], [], [], []),
    FileCoverage("calc/ops.py", OPS_EXECUTED, OPS_MISSING, OPS_TAKEN, OPS_NOT_TAKEN),
]


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"coverage/{name}")


def derived(data: bytes) -> Blob:
    return Blob("derived/coverage.xml", data, hashlib.sha256(data).hexdigest())


def edited(name: str, old: bytes, new: bytes) -> Blob:
    data = (ASSETS / name).read_bytes()
    assert old in data
    return derived(data.replace(old, new, 1))


def read(blob: Blob, context: ReadContext = CONTEXT) -> ReportData:
    return cobertura.read(blob, context)


def test_module_names_its_format_and_tool() -> None:
    assert (cobertura.FORMAT, cobertura.TOOL) == ("cobertura-xml", "coverage")


# ------------------------------------------------------------------ real reports


@pytest.mark.parametrize("name", ["branch.xml", "relative.xml", "pytest-cov.xml"])
def test_branch_report_gives_lines_and_synthetic_arcs(name: str) -> None:
    # absolute <source>, relative_files (empty <source>), and pytest-cov's
    # <source>.../calc</source> all resolve to the same repository paths.
    result = read(asset(name))
    assert result.tool == "coverage"
    assert result.coverage is not None
    assert result.coverage.branch is True
    assert list(result.coverage.files) == BRANCH_FILES
    assert result.counts == {Count.STATEMENTS_MEASURED: 18}
    assert result.problems == []


def test_line_report_has_no_arcs() -> None:
    result = read(asset("lines.xml"))
    assert result.coverage is not None
    assert result.coverage.branch is False
    assert list(result.coverage.files) == [
        FileCoverage("calc/__init__.py", [3], [], [], []),
        FileCoverage("calc/ops.py", OPS_EXECUTED, OPS_MISSING, [], []),
    ]


def test_line_rate_one_of_nothing_is_no_statements() -> None:
    assert b'line-rate="1"' in (ASSETS / "empty.xml").read_bytes()
    result = read(asset("empty.xml"))
    assert result.counts == {Count.STATEMENTS_MEASURED: 0}
    assert [(problem.slug, problem.path) for problem in result.problems] == [
        ("no-statements", "coverage/empty.xml")
    ]


def test_several_sources_resolve_by_what_exists_in_the_repository(tmp_path: Path) -> None:
    shutil.copytree(ASSETS / "project", tmp_path, dirs_exist_ok=True)
    blob = asset("multi-source.xml").data.replace(ROOT.encode(), str(tmp_path).encode())
    result = read(derived(blob), ReadContext(str(tmp_path)))
    assert result.coverage is not None
    paths = [item.path for item in result.coverage.files]
    assert paths == ["calc/__init__.py", "checks/check_ops.py", "calc/ops.py"]
    assert result.coverage.files[2] == BRANCH_FILES[1]
    # `__init__.py` exists under both sources, and coverage.py kept only one of them
    assert [problem.slug for problem in result.problems] == ["ambiguous-path", "colliding-paths"]
    assert "__init__.py" in result.problems[0].message
    assert "`lines-valid` is 27" in result.problems[1].message
    assert "hold 26 lines" in result.problems[1].message


def test_several_sources_outside_the_repository_are_all_ambiguous() -> None:
    result = read(asset("multi-source.xml"), ReadContext("/nonexistent/repository"))
    assert [problem.slug for problem in result.problems] == ["ambiguous-path", "colliding-paths"]
    assert result.problems[0].message.startswith("3 file(s)")


def test_a_root_without_totals_is_read_from_its_lines() -> None:
    data = (ASSETS / "branch.xml").read_bytes()
    start, end = data.index(b"<coverage "), data.index(b">", data.index(b"<coverage "))
    result = read(derived(data[:start] + b"<coverage" + data[end:]))
    assert result.coverage is not None
    assert result.coverage.branch is True  # from the lines' condition-coverage
    assert list(result.coverage.files) == BRANCH_FILES


# ------------------------------------------------------------------ refused reports

REFUSED = [
    pytest.param(
        b' filename="calc/ops.py"', b"", "malformed-report", "no `filename`", id="filename"
    ),
    pytest.param(b' hits="0"', b"", "malformed-report", "`calc/ops.py`", id="no-hits"),
    pytest.param(b'hits="0"', b'hits="none"', "malformed-report", "`calc/ops.py`", id="hits-text"),
    pytest.param(b'number="9"', b'number="9.5"', "malformed-report", "`calc/ops.py`", id="number"),
    pytest.param(
        b'"50% (1/2)"', b'"half"', "malformed-report", "condition-coverage", id="conditions"
    ),
    pytest.param(
        b'"50% (1/2)"', b'"150% (3/2)"', "malformed-report", "condition-coverage", id="cover>all"
    ),
    pytest.param(
        b'lines-valid="18"', b'lines-valid="19"', "malformed-report", "truncated", id="totals"
    ),
    pytest.param(
        b'lines-valid="18"', b'lines-valid="x"', "malformed-report", "lines-valid", id="valid-x"
    ),
    pytest.param(
        b'branches-valid="8"', b'branches-valid="?"', "malformed-report", "branches", id="br-x"
    ),
    pytest.param(b'line-rate="0.6667"', b'line-rate="nan"', "non-finite", "line-rate", id="nan"),
    pytest.param(b'branch-rate="0.5"', b'branch-rate="inf"', "non-finite", "branch-rate", id="inf"),
    pytest.param(
        b'line-rate="0.6667"', b'line-rate="most"', "malformed-report", "line-rate", id="rate-x"
    ),
    pytest.param(
        b'filename="calc/__init__.py"',
        b'filename="calc/ops.py"',
        "malformed-report",
        "two",
        id="dup",
    ),
]


@pytest.mark.parametrize(("old", "new", "slug", "fragment"), REFUSED)
def test_untrustworthy_report_is_refused_naming_the_file(
    old: bytes, new: bytes, slug: str, fragment: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(edited("branch.xml", old, new))
    assert caught.value.slug == slug
    assert "derived/coverage.xml" in str(caught.value)
    assert fragment in str(caught.value)


def test_xml_that_is_not_cobertura_is_refused() -> None:
    data = (
        asset("branch.xml")
        .data.replace(b"<coverage ", b"<report ")
        .replace(b"</coverage>", b"</report>")
    )
    with pytest.raises(EvidenceError, match="not <coverage>") as caught:
        read(derived(data))
    assert caught.value.slug == "malformed-report"


def test_truncated_xml_is_refused() -> None:
    data = asset("branch.xml").data
    with pytest.raises(EvidenceError, match="truncated") as caught:
        read(derived(data[: len(data) // 2]))
    assert caught.value.slug == "invalid-xml"


def test_xml_with_entities_is_refused_as_hostile() -> None:
    data = asset("branch.xml").data.replace(
        b"<coverage ", b'<!DOCTYPE coverage [<!ENTITY lol "lol">]>\n<coverage ', 1
    )
    with pytest.raises(EvidenceError) as caught:
        read(derived(data))
    assert caught.value.slug == "hostile-xml"
