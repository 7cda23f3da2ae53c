"""complexity.cognitive_* on complexipy's real SARIF, complexity.duplicated_lines on pylint's json2."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gates.catalog.metrics import Kind
from gates.model.stage import Evidence, Marks, StageProblem
from gates.model.verdict import GateResult, Status
from gates.readers.complexity import complexipy_sarif, pylint_duplicates
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import read_blob
from tests.unit import _build as b

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def evidence(*, marks: Marks | None = None, pylint: str = "clean.json") -> Evidence:
    """The lint stage with complexipy's and pylint's reports, as the loader makes them."""
    sarif = ASSETS / "complexipy" / "8.3.0" / "clean.sarif"
    cognitive = complexipy_sarif.read(read_blob(sarif, display="c.sarif"), ReadContext("/r"))
    duplicates = ASSETS / "pylint" / "4.1.5" / pylint
    copies = pylint_duplicates.read(read_blob(duplicates, display="p.json"), ReadContext("/r"))
    reports = (
        b.report("lint", "complexipy.sarif", "complexipy-sarif", Kind.FINDINGS, cognitive),
        b.report("lint", "p.json", "pylint-duplicate-code-json", Kind.FINDINGS, copies),
    )
    problems = [StageProblem(p, "pylint", Kind.FINDINGS) for p in copies.problems]
    return replace(b.evidence(b.stage("lint", *reports, problems=problems)), marks=marks)


def gate(metric: str, tool: str, bound: str, ev: Evidence) -> GateResult:
    policy = f'[gate.g]\nmetric = "{metric}"\ntool = "{tool}"\n{bound}\n'
    return b.judge(policy, ev).gates[0]


def changed(lines: dict[str, frozenset[int]]) -> Marks:
    return Marks(changed=None, against="main (merge base 0123)", lines=lines, new_files=frozenset())


def test_the_highest_cognitive_complexity_and_its_function() -> None:
    result = gate("complexity.cognitive_max", "complexipy", "max = 36", evidence())
    assert (result.status, result.observed) == (Status.FAIL, 37.0)
    assert [(o.path, o.label, o.line, o.detail) for o in result.offenders][:2] == [
        ("app/tangled.py", "tangled", 4, "cognitive complexity 37"),
        ("app/complex.py", "Router.route", 26, "cognitive complexity 16"),
    ]


def test_only_the_functions_the_change_touched_count() -> None:
    marks = changed({"app/complex.py": frozenset({30})})  # inside Router.route (26-49)
    result = gate(
        "complexity.cognitive_max_changed", "complexipy", "max = 15", evidence(marks=marks)
    )
    assert (result.status, result.observed) == (Status.FAIL, 16.0)
    assert [o.label for o in result.offenders] == ["Router.route"]
    untouched = changed({"app/complex.py": frozenset({24})})  # between the two functions
    quiet = gate(
        "complexity.cognitive_max_changed", "complexipy", "max = 15", evidence(marks=untouched)
    )
    assert (quiet.status, quiet.observed) == (Status.PASS, 0.0)


def test_unknown_changed_lines_block() -> None:
    result = gate("complexity.cognitive_max_changed", "complexipy", "max = 15", evidence())
    assert (result.status, result.observed) == (Status.ERROR, None)
    assert [p.slug for p in result.problems] == ["baseline-unread"]  # nobody worked them out


def test_radons_figures_are_not_complexipys() -> None:
    """complexity.max reads radon's report: without one it is missing evidence, not 37."""
    result = gate("complexity.max", "complexipy", "max = 100", evidence())
    assert (result.status, result.observed) == (Status.ERROR, None)
    assert [p.slug for p in result.problems] == ["missing-evidence"]
    assert "radon" in result.problems[0].message


def test_the_duplicated_lines_are_the_copies() -> None:
    result = gate("complexity.duplicated_lines", "pylint", "max = 20", evidence())
    assert (result.status, result.observed) == (Status.FAIL, 21.0)
    assert [(o.path, o.line) for o in result.offenders] == [("app/copy.py", 5)]
    assert "app/tangled.py:5-25" in result.offenders[0].detail


def test_no_duplicate_is_zero_and_no_pylint_report_is_missing_evidence() -> None:
    result = gate("complexity.duplicated_lines", "pylint", "max = 0", evidence(pylint="empty.json"))
    assert (result.status, result.observed) == (Status.PASS, 0.0)
    without = b.evidence(b.stage("lint"))
    missing = gate("complexity.duplicated_lines", "pylint", "max = 0", without)
    assert (missing.status, missing.observed) == (Status.ERROR, None)
    assert [p.slug for p in missing.problems] == ["missing-evidence"]
    assert "pylint" in missing.problems[0].message
