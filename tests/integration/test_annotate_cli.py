"""``gates annotate`` on a real git history: findings on the lines the feature branch changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gates.model.reports import Finding, Severity
from gates.outputs import OutputFormat, render
from tests.integration.conftest import Gates
from tests.unit.outputs import _verdicts


def _verdict_file(tmp_path: Path) -> Path:
    findings = (
        (Finding("ruff", "E501", Severity.MEDIUM, "pkg/calc.py", 11, "in clamp, added"), False),
        (Finding("ruff", "D103", Severity.LOW, "pkg/calc.py", 4, "in add, unchanged"), False),
    )
    path = tmp_path / "verdict.json"
    path.write_text(render(replace(_verdicts.passing(), findings=findings), OutputFormat.JSON))
    return path


def test_annotates_only_the_findings_on_changed_lines(bare: Gates, tmp_path: Path) -> None:
    ran = bare(
        "annotate",
        "--verdict",
        str(_verdict_file(tmp_path)),
        "--base",
        "main",
        "--root",
        str(bare.root),
    )
    assert (ran.code, ran.err) == (0, "")
    assert ran.out == "::warning file=pkg/calc.py,line=11,title=ruff E501::in clamp, added\n"


def test_a_base_git_cannot_diff_against_is_an_evidence_error(bare: Gates, tmp_path: Path) -> None:
    ran = bare(
        "annotate",
        "--verdict",
        str(_verdict_file(tmp_path)),
        "--base",
        "origin/nope",
        "--root",
        str(bare.root),
    )
    assert ran.code == 3
    assert ran.err.startswith(
        "evidence error: cannot tell the changed lines: `git diff origin/nope...HEAD` failed"
    )
