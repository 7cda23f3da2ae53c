"""Evidence broken between the stages and the verdict never passes.

Each test copies the clean project after its stages ran (its evidence valid
and every gate passing), breaks one thing, and judges it again with ``nox -s
gates --no-dependencies``: the verdict session alone. The gate that reads the
broken evidence must block with a message that names the file and says how to
make it again (``nox -s <stage>``); the others still pass.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import Pipeline, Project, Verdict

pytestmark = pytest.mark.slow


def _judge(project: Project) -> Verdict:
    run = project.nox("-s", "gates", "--no-dependencies")
    assert run.returncode == 3, run  # gates check's own code: an evidence error
    assert "Session gates failed" in run.output
    for stage in ("lint", "type", "unit", "security", "diff"):
        assert f"session {stage}" not in run.output  # the stages did not run again
    verdict = project.verdict()
    assert verdict.exit_code == 3
    assert verdict.document["blocked"]
    return verdict


def _blocks_alone(verdict: Verdict, gate: str) -> None:
    statuses = verdict.statuses()
    assert statuses.pop(gate) == "error"
    assert set(statuses.values()) == {"pass"}, statuses


def _delete(project: Project, _blocked: Pipeline) -> Path:
    (project.reports / "unit" / "junit.xml").unlink()
    return Path(".gates/unit/junit.xml")


def _truncate(project: Project, _blocked: Pipeline) -> Path:
    report = project.reports / "lint" / "ruff.json"
    data = report.read_bytes()
    report.write_bytes(data[: len(data) // 2])
    return Path(".gates/lint/ruff.json")


def _swap_report(project: Project, blocked: Pipeline) -> Path:
    """bandit.json from the blocked project's run, under this run's manifest."""
    shutil.copy(blocked.project.reports / "security" / "bandit.json", project.reports / "security")
    return Path(".gates/security/bandit.json")


_BREAKS: dict[str, tuple[Callable[[Project, Pipeline], Path], str, str]] = {
    "deleted": (_delete, "tests", "unit"),
    "truncated": (_truncate, "lint", "lint"),
    "replaced": (_swap_report, "code-security", "security"),
}


@pytest.mark.parametrize("fault", sorted(_BREAKS))
def test_a_broken_report_blocks_its_gate_and_names_it(
    fault: str, clean_copy: Project, blocked: Pipeline
) -> None:
    breaks, gate, stage = _BREAKS[fault]
    path = breaks(clean_copy, blocked)
    verdict = _judge(clean_copy)
    _blocks_alone(verdict, gate)
    said = verdict.messages(gate)
    assert str(path) in said
    assert f"nox -s {stage}" in said


def test_a_stage_folder_from_another_commit_is_stale(
    clean_copy: Project, blocked: Pipeline
) -> None:
    """The type stage's whole folder, manifest included, from the blocked project's run."""
    shutil.rmtree(clean_copy.reports / "type")
    shutil.copytree(blocked.project.reports / "type", clean_copy.reports / "type")
    verdict = _judge(clean_copy)
    _blocks_alone(verdict, "types")
    assert verdict.slugs("types") == {"stale-commit"}
    said = verdict.messages("types")
    assert ".gates/type/manifest.json" in said
    assert blocked.project.git("rev-parse", "HEAD")[:12] in said
    assert "nox -s type" in said


def test_code_edited_after_the_stages_ran_makes_every_gate_stale(clean_copy: Project) -> None:
    source = clean_copy.root / "mini" / "clamp.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n\nLIMIT = 3\n", encoding="utf-8")
    verdict = _judge(clean_copy)
    assert set(verdict.statuses().values()) == {"error"}
    for gate, stage in {
        "lint": "lint",
        "types": "type",
        "tests": "unit",
        "unit-coverage": "unit",
        "code-security": "security",
        "patch-coverage": "diff",
    }.items():
        said = verdict.messages(gate)
        assert f".gates/{stage}/manifest.json" in said, gate
        assert f"nox -s {stage}" in said, gate


def test_a_broken_policy_is_named_and_leaves_no_verdict(
    clean_copy: Project, tmp_path: Path
) -> None:
    policy = tmp_path / "typo.toml"
    policy.write_text('[gate.lint]\nmetric = "findngs"\nmax = 0\n', encoding="utf-8")
    assert (clean_copy.reports / "verdict.md").is_file()  # from the clean run
    run = clean_copy.nox("-s", "gates", "--no-dependencies", "--", "--config", str(policy))
    assert run.returncode == 2, run  # gates check's own code: a policy error
    assert "failed with exit code 2" in run.output  # a policy error, not a verdict
    assert "gate.lint.metric" in run.output
    assert "findings" in run.output  # the closest valid name
    assert not (clean_copy.reports / "verdict.md").exists()  # no earlier verdict to misread
