"""The diff-cover-json reader against diff-cover's real reports (tests/assets/diff-cover/)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import PatchCoverage, PatchFile, ReportData
from gates.readers.interface import ReadContext
from gates.readers.patch import diff_cover
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "diff-cover" / "11.0.1"
ROOT = "/tmp/gates-diff-fixture"  # noqa: S108 - where make.sh ran diff-cover; never written here
CONTEXT = ReadContext(ROOT)

FEATURE_FILES = [
    PatchFile("pkg/core.py", [5, 6, 12], [13]),
    PatchFile("pkg/extra.py", [1, 2, 4], [3]),
]
WORKTREE = "main...HEAD, staged and unstaged changes"


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"diff-cover/{name}")


def derived(data: bytes) -> Blob:
    return Blob("derived/diff-cover.json", data, hashlib.sha256(data).hexdigest())


INFINITE = "__1e999__"  # written as the JSON number 1e999, which parses to inf


def rewritten(change: Callable[[dict[str, Any]], object]) -> Blob:
    doc: dict[str, Any] = json.loads((ASSETS / "feature.json").read_bytes())
    change(doc)
    return derived(json.dumps(doc).replace(f'"{INFINITE}"', "1e999").encode())


def read(blob: Blob) -> ReportData:
    return diff_cover.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (diff_cover.FORMAT, diff_cover.TOOL) == ("diff-cover-json", "diff-cover")


# ------------------------------------------------------------------ real reports


@pytest.mark.parametrize(
    ("name", "diff"), [("feature.json", WORKTREE), ("feature-committed.json", "main...HEAD")]
)
def test_measured_change_gives_covered_and_missing_lines_per_file(name: str, diff: str) -> None:
    result = read(asset(name))
    assert result.tool == "diff-cover"
    assert result.patch == PatchCoverage(files=FEATURE_FILES, diff=diff, changed_lines=22)
    assert result.counts == {Count.CHANGED_LINES_MEASURED: 8}
    assert result.problems == ()


@pytest.mark.parametrize(
    ("name", "changed"),
    [("wrong-paths.json", 22), ("docs-only.json", 3), ("no-changes.json", 0)],
)
def test_nothing_measured_is_reported_as_zero_not_as_100_percent(name: str, changed: int) -> None:
    # diff-cover says total_percent_covered 100 for all three; the reader
    # reports what was measured (0 lines) and leaves the judgement to the evaluator.
    assert json.loads(asset(name).data)["total_percent_covered"] == 100
    result = read(asset(name))
    assert result.patch == PatchCoverage(files=[], diff=WORKTREE, changed_lines=changed)
    assert result.counts == {Count.CHANGED_LINES_MEASURED: 0}


def test_files_are_sorted_by_path() -> None:
    def reverse(doc: dict[str, Any]) -> None:
        doc["src_stats"] = dict(reversed(list(doc["src_stats"].items())))

    result = read(rewritten(reverse))
    assert result.patch is not None
    assert result.patch.files == FEATURE_FILES


def test_absolute_paths_under_the_root_become_relative() -> None:
    def absolute(doc: dict[str, Any]) -> None:
        doc["src_stats"] = {f"{ROOT}/{k}": v for k, v in doc["src_stats"].items()}

    result = read(rewritten(absolute))
    assert result.patch is not None
    assert [item.path for item in result.patch.files] == ["pkg/core.py", "pkg/extra.py"]


def test_a_null_file_percentage_is_accepted() -> None:
    def null(doc: dict[str, Any]) -> None:
        doc["src_stats"]["pkg/core.py"]["percent_covered"] = None

    assert read(rewritten(null)).counts == {Count.CHANGED_LINES_MEASURED: 8}


# ------------------------------------------------------------------ refused reports


def _set(value: object, *keys: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = keys
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = keys
        target = doc
        for key in parents:
            target = target[key]
        del target[last]

    return change


CORE = ("src_stats", "pkg/core.py")

REFUSED = [
    pytest.param(_drop("src_stats"), "malformed-report", "`src_stats` is missing", id="no-stats"),
    pytest.param(_drop("diff_name"), "malformed-report", "`diff_name` is missing", id="no-diff"),
    pytest.param(_drop("report_name"), "malformed-report", "report_name", id="no-report-name"),
    pytest.param(
        _set([], "src_stats"), "malformed-report", "`src_stats` should be", id="stats-list"
    ),
    pytest.param(
        _drop(*CORE, "covered_lines"), "malformed-report", "covered_lines", id="no-covered"
    ),
    pytest.param(
        _set("13", *CORE, "violation_lines"), "malformed-report", "violation_lines", id="text"
    ),
    pytest.param(
        _set([13.0], *CORE, "violation_lines"), "malformed-report", "violation_lines", id="float"
    ),
    pytest.param(
        _set(INFINITE, *CORE, "percent_covered"), "non-finite", "percent_covered", id="inf"
    ),
    pytest.param(
        _set(INFINITE, "total_percent_covered"), "non-finite", "total_percent", id="total-inf"
    ),
    pytest.param(
        _set("75", "total_percent_covered"), "malformed-report", "total_percent", id="total-txt"
    ),
    pytest.param(_set(9, "total_num_lines"), "malformed-report", "total_num_lines 9", id="lines"),
    pytest.param(
        _set(1, "total_num_violations"), "malformed-report", "violations 1", id="violations"
    ),
    pytest.param(
        _set(7, "num_changed_lines"), "malformed-report", "num_changed_lines 7", id="changed<"
    ),
    pytest.param(
        _set("22", "num_changed_lines"), "malformed-report", "num_changed_lines", id="changed-t"
    ),
    pytest.param(
        _set([3], *CORE, "covered_lines"), "malformed-report", "src_stats", id="lost-line"
    ),
]


@pytest.mark.parametrize(("change", "slug", "fragment"), REFUSED)
def test_untrustworthy_report_is_refused_naming_the_file(
    change: Callable[[dict[str, Any]], None], slug: str, fragment: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(rewritten(change))
    assert caught.value.slug == slug
    assert "derived/diff-cover.json" in str(caught.value)
    assert fragment in str(caught.value)


def test_truncated_report_is_refused() -> None:
    data = asset("feature.json").data
    with pytest.raises(EvidenceError) as caught:
        read(derived(data[:-20]))
    assert caught.value.slug == "invalid-json"
    assert caught.value.path == "derived/diff-cover.json"


def test_a_project_in_a_sub_folder_names_its_files_from_its_own_root() -> None:
    """diff-cover names files from git's top; coverage and gate globs from the project's."""

    def moved(doc: dict[str, Any]) -> None:
        doc["src_stats"] = {f"backend/{name}": stats for name, stats in doc["src_stats"].items()}

    result = diff_cover.read(
        rewritten(moved), ReadContext(f"{ROOT}/backend", git_prefix="backend/")
    )
    assert result.patch is not None
    assert [item.path for item in result.patch.files] == ["pkg/core.py", "pkg/extra.py"]
