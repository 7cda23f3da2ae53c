"""The complexity metrics on radon's real report: radon's own figures, judged by the policy."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from gates.catalog.metrics import Kind
from gates.history.model import BaseEntry, BaseHistory, GateRecord, RunRecord
from gates.judge.evaluate import evaluate
from gates.model.reports import Problem, ReportData
from gates.model.stage import Evidence, Marks, StageProblem
from gates.model.verdict import GateResult, Status
from gates.policy.load import parse_policy
from gates.readers.complexity import radon_cc, radon_mi
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import read_blob
from tests.unit import _build as b

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "radon" / "6.0.1"


def read(name: str) -> ReportData:
    return radon_cc.read(read_blob(ASSETS / name, display=f".gates/lint/{name}"), ReadContext("/r"))


def evidence(name: str = "cc-clean.json", *, marks: Marks | None = None) -> Evidence:
    """The lint stage with radon's report, its problems made the stage's as the loader makes them."""
    data = read(name)
    report = b.report("lint", "radon-cc.json", "radon-cc-json", Kind.FINDINGS, data)
    problems = [StageProblem(p, "radon", Kind.FINDINGS) for p in data.problems]
    return replace(b.evidence(b.stage("lint", report, problems=problems)), marks=marks)


def gate(metric: str, bound: str, ev: Evidence, extra: str = "") -> GateResult:
    policy = f'[gate.cc]\nmetric = "{metric}"\ntool = "radon"\n{bound}\n{extra}'
    return b.judge(policy, ev).gates[0]


def changed(lines: dict[str, frozenset[int]], new_files: frozenset[str] = frozenset()) -> Marks:
    return Marks(changed=None, against="main (merge base 0123)", lines=lines, new_files=new_files)


def test_the_average_is_radons_own() -> None:
    printed = (ASSETS / "cc-clean-average.txt").read_text().split("(")[-1].rstrip(")\n")
    result = gate("complexity.average", "max = 7", evidence())
    assert (result.status, result.observed) == (Status.PASS, float(printed))  # 6.375
    assert "average of 8 blocks (classes, functions, methods) in 2 files" in str(result)


def test_the_highest_function_and_its_name() -> None:
    result = gate("complexity.max", "max = 13", evidence())
    assert (result.status, result.observed) == (Status.FAIL, 14.0)  # Router.route, not Router (15)
    assert [(o.label, o.line) for o in result.offenders][:2] == [
        ("Router.route", 26),
        ("classify", 4),
    ]


def test_a_change_inside_a_complex_function_blocks_and_one_elsewhere_does_not() -> None:
    inside = gate(
        "complexity.max_changed",
        "max = 10",
        evidence(marks=changed({"app/complex.py": frozenset({10})})),
    )
    assert (inside.status, inside.observed) == (Status.FAIL, 12.0)
    assert [o.label for o in inside.offenders] == ["classify"]
    elsewhere = evidence(
        marks=changed({"app/complex.py": frozenset({1, 23}), "app/simple.py": frozenset({6})})
    )
    outside = gate("complexity.max_changed", "max = 10", elsewhere)
    assert (outside.status, outside.observed) == (Status.PASS, 0.0)


def test_a_new_file_touches_all_its_functions() -> None:
    result = gate(
        "complexity.max_changed",
        "max = 10",
        evidence(marks=changed({}, frozenset({"app/complex.py"}))),
    )
    assert (result.status, result.observed) == (Status.FAIL, 14.0)


def test_exactly_at_the_bound_passes() -> None:
    result = gate(
        "complexity.max_changed",
        "max = 12",
        evidence(marks=changed({"app/complex.py": frozenset({4})})),
    )
    assert (result.status, result.observed) == (Status.PASS, 12.0)


def test_unknown_changed_lines_block_and_say_why() -> None:
    wrong = Problem(slug="wrong-base", path="", message="no merge base", hint="fetch the base")
    marks = Marks(changed_problems=(wrong,))
    for ev in (evidence(marks=marks), evidence(marks=None)):
        result = gate("complexity.max_changed", "max = 10", ev)
        assert result.status is not Status.PASS
        assert result.observed is None


def test_a_file_radon_could_not_parse_blocks_every_complexity_gate() -> None:
    for metric in ("complexity.max", "complexity.average", "complexity.max_changed"):
        result = gate(metric, "max = 100", evidence("cc.json", marks=changed({})))
        assert result.status is not Status.PASS, metric
        assert "app/broken.py" in str(result), metric


@pytest.mark.parametrize("metric", ["complexity.max", "complexity.average"])
def test_no_radon_report_is_missing_evidence(metric: str) -> None:
    ruff = b.report("lint", "ruff.json", "ruff-json", Kind.FINDINGS, ReportData(tool="ruff"))
    result = b.judge(
        f'[gate.cc]\nmetric = "{metric}"\nmax = 100\n', b.evidence(b.stage("lint", ruff))
    ).gates[0]
    assert result.status is not Status.PASS
    assert "radon" in str(result)


def test_the_findings_gate_on_changed_lines_names_the_complex_function() -> None:
    touched = read("cc-clean.json").findings
    marks = Marks(changed=Counter(f for f in touched if f.line == 4), against="main")
    result = gate("findings", "max = 0", evidence(marks=marks), "changed = true\n")
    assert (result.status, result.observed) == (Status.FAIL, 1.0)
    assert [o.path + ":" + str(o.line) for o in result.offenders] == ["app/complex.py:4"]


def mi_evidence(name: str) -> Evidence:
    blob = read_blob(ASSETS / name, display=f".gates/lint/{name}")
    data = radon_mi.read(blob, ReadContext("/r"))
    report = b.report("lint", "radon-mi.json", "radon-mi-json", Kind.FINDINGS, data)
    problems = [StageProblem(p, "radon", Kind.FINDINGS) for p in data.problems]
    return b.evidence(b.stage("lint", report, problems=problems))


def test_the_lowest_maintainability_index_is_radons_own() -> None:
    result = gate("complexity.mi_min", "min = 50", mi_evidence("mi-clean.json"))
    assert (result.status, result.observed) == (Status.FAIL, 42.49528782007781)
    assert [o.path for o in result.offenders] == [
        "app/complex.py",
        "app/simple.py",
        "app/__init__.py",
    ]
    passed = gate("complexity.mi_min", "min = 42", mi_evidence("mi-clean.json"))
    assert passed.status is Status.PASS


def test_a_file_radon_mi_could_not_parse_blocks() -> None:
    result = gate("complexity.mi_min", "min = 0", mi_evidence("mi.json"))
    assert result.status is not Status.PASS
    assert "app/broken.py" in str(result)


def test_the_cc_metrics_need_the_cc_report_and_mi_the_mi_report() -> None:
    assert "radon mi" in str(gate("complexity.mi_min", "min = 0", evidence()))
    assert gate("complexity.mi_min", "min = 0", evidence()).status is not Status.PASS
    no_cc = gate("complexity.max", "max = 100", mi_evidence("mi-clean.json"))
    assert (no_cc.status is not Status.PASS, "radon cc" in str(no_cc)) == (True, True)


def test_a_path_filter_that_keeps_no_file_is_not_applicable_and_says_so() -> None:
    result = gate(
        "complexity.mi_min", "min = 50", mi_evidence("mi-clean.json"), 'path = "lib/**"\n'
    )
    assert result.status is Status.PASS
    assert "no file the gate's paths match" in str(result)


def _base(gate_name: str, metric: str, value: float) -> BaseHistory:
    record = RunRecord(
        run_id="1",
        commit="c" * 40,
        parent="",
        branch="main",
        recorded="2026-11-24T00:00:00Z",
        gates_version="0.1.0",
        policy="gates.toml",
        policy_sha256="",
        status="pass",
        exit_code=0,
        gates=(
            GateRecord(
                name=gate_name,
                metric=metric,
                status="pass",
                value=0.0,
                measured=value,
                base=value,
                bound="<= 0",
                stages=("lint",),
            ),
        ),
        counts={},
        tests=(),
        tools=(),
    )
    entry = BaseEntry(commit="c" * 40, record=record, corrupt=())
    return BaseHistory(base="main", merge_base="c" * 40, entries=(entry,))


@pytest.mark.parametrize(
    ("metric", "then", "status", "observed"),
    [
        ("complexity.average", 6.375, Status.PASS, 0.0),  # radon's 6.375 both times
        ("complexity.average", 6.0, Status.FAIL, 0.375),  # it grew
        ("complexity.max", 14.0, Status.PASS, 0.0),
        ("complexity.max", 12.0, Status.FAIL, 2.0),
    ],
)
def test_vs_base_ratchets_the_repository_figures(
    metric: str, then: float, status: Status, observed: float
) -> None:
    policy = parse_policy(
        tomllib.loads(f'[gate.cc]\nmetric = "{metric}"\ntool = "radon"\nvs = "base"\nmax = 0\n')
    )
    verdict = evaluate(policy, evidence(), today=b.TODAY, history=_base("cc", metric, then))
    assert (verdict.gates[0].status, verdict.gates[0].observed) == (status, observed)
