"""The coverage-json reader against coverage.py's real reports (tests/assets/coverage/)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import FileCoverage, ReportData
from gates.readers.coverage import coverage_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "coverage"
ROOT = "/tmp/gates-cov-fixture"  # noqa: S108 - where make.sh ran coverage; never written here
CONTEXT = ReadContext(ROOT)

OPS_EXECUTED = [1, 2, 5, 6, 7, 8, 10, 13, 14, 16, 19]
OPS_MISSING = [9, 15, 20, 21, 22, 23]
OPS_ARCS_TAKEN = [[6, 7], [6, 8], [8, 10], [14, 16]]
OPS_ARCS_MISSED = [[8, 9], [14, 15], [21, 22], [21, 23]]
BRANCH_FILES = [
    FileCoverage("calc/__init__.py", [3], [], [], [], 0),
    FileCoverage("calc/ops.py", OPS_EXECUTED, OPS_MISSING, OPS_ARCS_TAKEN, OPS_ARCS_MISSED, 8),
]
LINE_FILES = [
    FileCoverage("calc/__init__.py", [3], [], [], []),
    FileCoverage("calc/ops.py", OPS_EXECUTED, OPS_MISSING, [], []),
]


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"coverage/{name}")


def derived(data: bytes) -> Blob:
    return Blob("derived/coverage.json", data, hashlib.sha256(data).hexdigest())


def read(blob: Blob) -> ReportData:
    return coverage_json.read(blob, CONTEXT)


def document(name: str = "7.17.4/branch.json") -> dict[str, Any]:
    value: dict[str, Any] = json.loads((ASSETS / name).read_bytes())
    return value


INFINITE = "__1e999__"  # written as the JSON number 1e999, which parses to inf


def rewritten(change: Callable[[dict[str, Any]], object], name: str = "7.17.4/branch.json") -> Blob:
    doc = document(name)
    change(doc)
    return derived(json.dumps(doc).replace(f'"{INFINITE}"', "1e999").encode())


def test_module_names_its_format_and_tool() -> None:
    assert (coverage_json.FORMAT, coverage_json.TOOL) == ("coverage-json", "coverage")


# ------------------------------------------------------------------ real reports


@pytest.mark.parametrize("name", ["7.17.4/branch.json", "7.4.4/branch.json"])
def test_branch_report_gives_lines_and_arcs_of_every_file(name: str) -> None:
    result = read(asset(name))
    assert result.tool == "coverage"
    assert result.coverage is not None
    assert result.coverage.branch is True
    assert list(result.coverage.files) == BRANCH_FILES
    assert result.counts == {Count.STATEMENTS_MEASURED: 18}
    assert result.problems == ()


@pytest.mark.parametrize("name", ["7.17.4/lines.json", "7.4.4/lines.json"])
def test_line_report_has_no_arcs(name: str) -> None:
    result = read(asset(name))
    assert result.coverage is not None
    assert result.coverage.branch is False
    assert list(result.coverage.files) == LINE_FILES
    assert result.counts == {Count.STATEMENTS_MEASURED: 18}


def test_format_2_docstring_and_excluded_lines_are_not_statements() -> None:
    # coverage 7.4.4 lists line 1 (docstring) of __init__.py and line 26
    # (excluded `def skipped`) of ops.py as executed; the reader drops both.
    raw = document("7.4.4/branch.json")["files"]
    assert raw["calc/__init__.py"]["executed_lines"] == [1, 3]
    assert 26 in raw["calc/ops.py"]["executed_lines"]
    result = read(asset("7.4.4/branch.json"))
    assert result.coverage is not None
    assert [item.executed for item in result.coverage.files] == [[3], OPS_EXECUTED]


def test_zero_statements_is_a_problem_not_a_pass() -> None:
    result = read(asset("7.17.4/empty.json"))
    assert result.counts == {Count.STATEMENTS_MEASURED: 0}
    assert result.coverage is not None
    assert list(result.coverage.files) == [FileCoverage("emptypkg/__init__.py", [], [], [], [], 0)]
    assert [(problem.slug, problem.path) for problem in result.problems] == [
        ("no-statements", "coverage/7.17.4/empty.json")
    ]
    assert "--source" in result.problems[0].message


def test_report_without_files_has_no_statements() -> None:
    def empty(doc: dict[str, Any]) -> None:
        doc["files"] = {}
        doc["totals"]["num_statements"] = 0

    result = read(rewritten(empty))
    assert result.coverage is not None
    assert result.coverage.files == []
    assert [problem.slug for problem in result.problems] == ["no-statements"]


def test_absolute_paths_under_the_root_become_relative() -> None:
    def absolute(doc: dict[str, Any]) -> None:
        doc["files"] = {f"{ROOT}/{k}": v for k, v in doc["files"].items()}

    result = read(rewritten(absolute))
    assert result.coverage is not None
    assert [item.path for item in result.coverage.files] == ["calc/__init__.py", "calc/ops.py"]


# ------------------------------------------------------------------ refused reports


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = keys
        target = doc
        for key in parents:
            target = target[key]
        del target[last]

    return change


def _set(value: object, *keys: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = keys
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return change


OPS = ("files", "calc/ops.py")

REFUSED = [
    pytest.param(_drop("meta"), "malformed-report", "`meta` is missing", id="no-meta"),
    pytest.param(_drop("meta", "format"), "unsupported-format", "no `meta.format`", id="format-1"),
    pytest.param(_set(4, "meta", "format"), "unsupported-format", "`meta.format` 4", id="format-4"),
    pytest.param(
        _set(1, "meta", "format"), "unsupported-format", "`meta.format` 1", id="format-1-n"
    ),
    pytest.param(_set("3", "meta", "format"), "malformed-report", "meta.format", id="format-text"),
    pytest.param(
        _drop("meta", "branch_coverage"), "malformed-report", "branch_coverage", id="no-branch"
    ),
    pytest.param(
        _set([], "files"), "malformed-report", "`files` should be an object", id="files-list"
    ),
    pytest.param(
        _drop(*OPS, "executed_lines"),
        "malformed-report",
        "executed_lines` is missing",
        id="no-exec",
    ),
    pytest.param(
        _set("1,2", *OPS, "executed_lines"), "malformed-report", "executed_lines", id="exec-text"
    ),
    pytest.param(
        _set([1, 2.0], *OPS, "missing_lines"), "malformed-report", "missing_lines", id="float-line"
    ),
    pytest.param(
        _set([True], *OPS, "missing_lines"), "malformed-report", "missing_lines", id="bool-line"
    ),
    pytest.param(
        _drop(*OPS, "executed_branches"), "malformed-report", "executed_branches", id="no-arcs"
    ),
    pytest.param(
        _set([[8]], *OPS, "missing_branches"), "malformed-report", "[from, to]", id="short-arc"
    ),
    pytest.param(
        _set([[8, "9"]], *OPS, "missing_branches"), "malformed-report", "[from, to]", id="arc-text"
    ),
    pytest.param(
        _set([8, 9], *OPS, "missing_branches"), "malformed-report", "[from, to]", id="flat-arcs"
    ),
    pytest.param(
        _drop(*OPS, "summary"), "malformed-report", "summary` is missing", id="no-summary"
    ),
    pytest.param(
        _set(INFINITE, *OPS, "summary", "percent_covered"),
        "non-finite",
        "percent_covered",
        id="inf",
    ),
    pytest.param(
        _set(INFINITE, "totals", "percent_covered"),
        "non-finite",
        "totals.percent_covered",
        id="tot-inf",
    ),
    pytest.param(
        _set(19, "totals", "num_statements"),
        "malformed-report",
        "totals.num_statements",
        id="totals",
    ),
    pytest.param(
        _set([1, 2, 3], *OPS, "executed_lines"), "malformed-report", "summary says", id="lines-lost"
    ),
    pytest.param(
        _set([*OPS_EXECUTED, 30, 31], *OPS, "executed_lines"),
        "malformed-report",
        "summary",
        id="extra",
    ),
]


@pytest.mark.parametrize(("change", "slug", "fragment"), REFUSED)
def test_untrustworthy_report_is_refused_naming_file_and_field(
    change: Callable[[dict[str, Any]], None], slug: str, fragment: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(rewritten(change))
    assert caught.value.slug == slug
    assert "derived/coverage.json" in str(caught.value)
    assert fragment in str(caught.value)


def test_top_level_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(EvidenceError, match="should be an object") as caught:
        read(derived(b"[1, 2]"))
    assert caught.value.slug == "malformed-report"


def test_truncated_report_is_refused() -> None:
    data = asset("7.17.4/branch.json").data
    with pytest.raises(EvidenceError) as caught:
        read(derived(data[: len(data) // 2]))
    assert caught.value.slug == "invalid-json"
    assert caught.value.path == "derived/coverage.json"


def test_nan_literal_is_refused() -> None:
    data = asset("7.17.4/branch.json").data.replace(
        b'"percent_covered": 100.0', b'"percent_covered": NaN', 1
    )
    assert b"NaN" in data
    with pytest.raises(EvidenceError, match="NaN") as caught:
        read(derived(data))
    # safeio's strict parser refuses the NaN token itself (slug invalid-json);
    # a number that overflows to infinity is the reader's non-finite, above.
    assert caught.value.slug in {"invalid-json", "non-finite"}
