"""The coverage metrics on coverage.py's real reports: the figures coverage.py prints."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.metrics import Kind
from gates.errors import EvidenceError
from gates.kinds import coverage as covmetric
from gates.model.measurement import Measured, Measurement
from gates.model.reports import CoverageData, CoverageTotal, FileCoverage, ReportData
from gates.model.stage import StageEvidence
from gates.model.verdict import GateResult, Status
from gates.readers.coverage import cobertura, coverage_json, coverage_text
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob
from tests.unit import _build as b

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "coverage" / "7.17.5"
CONTEXT = ReadContext("/tmp/gates-cov-fixture")  # noqa: S108 - where make.sh ran; never written


def coverage(metric: str, datas: list[CoverageData], *, paths: list[str] | None = None) -> Measured:
    measurement: Measurement = covmetric.coverage(metric, datas, paths=paths or [])
    assert isinstance(measurement, Measured), measurement
    return measurement


def read(name: str) -> ReportData:
    blob = read_blob(ASSETS / name, display=f".gates/unit/{name}")
    if name.endswith(".txt"):
        return coverage_text.read(blob, CONTEXT)
    return coverage_json.read(blob, CONTEXT)


def data(name: str) -> CoverageData:
    coverage = read(name).coverage
    assert coverage is not None
    return coverage


def total(name: str) -> CoverageTotal:
    row = read(name).coverage_total
    assert row is not None
    return row


def unit_stage(json_name: str = "branch.json", text: str = "branch.txt") -> StageEvidence:
    return b.stage(
        "unit",
        b.report("unit", "coverage.json", "coverage-json", Kind.COVERAGE, read(json_name)),
        b.report("unit", "coverage-report.txt", "coverage-report", Kind.COVERAGE, read(text)),
    )


def gate(metric: str, bound: str, stage: StageEvidence | None = None) -> GateResult:
    policy = f'[gate.unit]\nmetric = "{metric}"\nstage = "unit"\n{bound}\n'
    return b.judge(policy, b.evidence(stage or unit_stage())).gates[0]


# ---------------------------------------------------------------- equal to coverage.py's


def test_the_total_is_coverage_reports_total_at_its_precision() -> None:
    measured = coverage("coverage.total_percent", [data("branch.json")])
    assert measured.value == 90.49773755656109  # 200 of 221, coverage.py's own float
    assert measured.precision == 2
    assert total("branch.txt").cover == "90.50"
    assert "200 of 221 statements and branches covered (the coverage report TOTAL)" in (
        measured.summary
    )


def test_a_rounding_edge_is_shown_and_judged_as_coverage_py_does() -> None:
    passed = gate("coverage.total_percent", "min = 90.5")
    assert passed.status is Status.PASS  # truncated to 90.49 it would have failed
    assert passed.reason.startswith("90.50% — ")
    assert passed.precision == 2
    failed = gate("coverage.total_percent", "min = 90.51")
    assert failed.status is Status.FAIL
    assert failed.reason.startswith("90.50% < 90.51 — ")
    # the bound's decimals count, as in `coverage report --fail-under=90.4978`
    finer = gate("coverage.total_percent", "min = 90.4978")
    assert (finer.status, finer.precision) == (Status.FAIL, 4)
    assert finer.reason.startswith("90.4977% < 90.4978 — ")


def test_a_statements_gate_shows_both_figures_and_which_it_reads() -> None:
    result = gate("coverage.percent", "min = 95")
    assert result.status is Status.FAIL
    assert result.reason == (
        "92.20% < 95 — statements 92.20% (gated), 189 of 205 covered; "
        "coverage report TOTAL 90.50% (statements + branches)"
    )


def test_a_branch_gate_shows_both_figures() -> None:
    result = gate("coverage.branch_percent", "min = 60")
    assert result.status is Status.PASS
    assert result.reason == (
        "68.75% — branches 68.75% (gated), 11 of 16 covered; "
        "coverage report TOTAL 90.50% (statements + branches)"
    )


def test_a_path_filter_says_where_its_total_is_from() -> None:
    measured = coverage("coverage.percent", [data("branch.json")], paths=["edge/core.py"])
    assert measured.summary.endswith("(statements + branches, in edge/core.py)")


def test_without_branches_the_statements_are_the_total() -> None:
    stage = unit_stage("lines.json", "lines.txt")
    result = gate("coverage.percent", "min = 90", stage)
    assert result.status is Status.PASS
    # coverage.py's default precision is 0 ("92%"): gates shows two decimals
    assert result.reason == (
        "92.20% — 189 of 205 statements covered (the coverage report TOTAL, printed as 92%"
        " at coverage.py's precision 0)"
    )
    assert round(result.observed or 0) == int(total("lines.txt").cover)


def test_pytest_cov_lost_the_lines_imported_before_it_started() -> None:
    """The recorded pytest-cov run counts 3 fewer statements than `coverage run`."""
    ran = covmetric.Figures.of(data("branch.json").files)
    late = covmetric.Figures.of(data("pytest-cov.json").files)
    assert (ran.statements - ran.missing, late.statements - late.missing) == (189, 186)


# ---------------------------------------------------------------- the cross-check


def test_the_stage_reports_agree() -> None:
    assert covmetric.mismatch(data("branch.json"), total("branch.txt"), where="x") is None
    assert covmetric.mismatch(data("lines.json"), total("lines.txt"), where="x") is None
    assert gate("coverage.percent", "min = 0").problems == ()


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (CoverageTotal(205, 16, 16, 3, "90.49"), "90.49 %"),  # a truncated percentage
        (CoverageTotal(205, 19, 16, 3, "89.14"), "19 missed"),  # another run's TOTAL
        (CoverageTotal(205, 16, None, None, "90.50"), "205 statements, 16 missed, 90.50 %"),
    ],
)
def test_a_total_that_disagrees_blocks(row: CoverageTotal, words: str) -> None:
    problem = covmetric.mismatch(data("branch.json"), row, where=".gates/unit/r.txt")
    assert problem is not None
    assert problem.slug == "coverage-mismatch"
    assert words in problem.message
    assert "gates computes 205 statements, 16 missed, 16 branches, 3 partial, 90.50 %" in (
        problem.message
    )


def test_a_mismatch_is_an_evidence_error_of_the_gate() -> None:
    pytest_cov = b.report(
        "unit", "coverage.json", "coverage-json", Kind.COVERAGE, read("pytest-cov.json")
    )
    text = b.report(
        "unit", "coverage-report.txt", "coverage-report", Kind.COVERAGE, read("branch.txt")
    )
    result = gate("coverage.percent", "min = 0", b.stage("unit", pytest_cov, text))
    assert result.status is Status.ERROR
    assert [p.slug for p in result.problems] == ["coverage-mismatch"]
    assert result.problems[0].path == ".gates/unit/coverage-report.txt"


# ---------------------------------------------------------------- counting as coverage.py


def test_a_branch_excused_by_a_pragma_counts_as_covered() -> None:
    """coverage JSON lists it neither executed nor missing; coverage.py counts it covered."""
    item = FileCoverage("a.py", [1, 2, 3], [], [[1, 2]], [[3, 4]], branches=4)
    measured = coverage("coverage.branch_percent", [CoverageData([item], True)])
    assert measured.value == 75.0  # (4 - 1 missing) of 4
    both = coverage(
        "coverage.branch_percent",
        [
            CoverageData([item], True),
            CoverageData(
                [item._replace(executed_branches=[[1, 2], [3, 4]], missing_branches=[])], True
            ),
        ],
    )
    assert both.value == 100.0  # the other stage took the arc


def _doc(name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((ASSETS / name).read_bytes())
    return value


def test_a_json_whose_branch_count_is_below_its_arcs_is_refused() -> None:
    doc = _doc("branch.json")
    doc["files"]["edge/core.py"]["summary"]["num_branches"] = 1
    raw = json.dumps(doc).encode()
    blob = Blob("derived/coverage.json", raw, hashlib.sha256(raw).hexdigest())
    with pytest.raises(EvidenceError) as caught:
        coverage_json.read(blob, CONTEXT)
    assert "summary.num_branches" in caught.value.detail


def test_cobertura_of_the_same_run_gives_the_same_figures() -> None:
    """The stage's coverage.xml (what diff-cover reads) counts what its coverage JSON counts."""
    blob = read_blob(ASSETS / "branch.xml", display=".gates/unit/coverage.xml")
    xml = cobertura.read(blob, CONTEXT).coverage
    assert xml is not None
    for metric in ("coverage.percent", "coverage.branch_percent", "coverage.total_percent"):
        from_xml = coverage(metric, [xml])
        from_json = coverage(metric, [data("branch.json")])
        assert from_xml.value == from_json.value, metric
    assert sorted(f.path for f in xml.files) == sorted(f.path for f in data("branch.json").files)


def test_the_total_without_branches_says_statements() -> None:
    """more-itertools: branches not measured, so coverage.py's TOTAL is the statements'."""
    measured = coverage("coverage.total_percent", [data("lines.json")])
    assert "statements and branches" not in measured.summary
    assert " statements covered (the coverage report TOTAL, printed as 92%" in measured.summary
