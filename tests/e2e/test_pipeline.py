"""``nox -s gates`` on fixture projects: a clean change passes, each kind of problem blocks.

One Nox run per project (see conftest.py); each test reads its verdict.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Pipeline, Project

pytestmark = pytest.mark.slow

STANDARD = ("unit-coverage", "patch-coverage", "tests", "lint", "types", "code-security")


def test_a_project_adopted_with_gates_init_passes_every_standard_gate(clean: Pipeline) -> None:
    verdict = clean.verdict
    assert clean.run.returncode == 0, clean.run
    assert verdict.status == "pass"
    assert verdict.exit_code == 0
    assert not verdict.document["blocked"]
    assert verdict.statuses() == dict.fromkeys(STANDARD, "pass")
    assert "dependencies" not in verdict.statuses()  # init saw no runtime dependency
    assert verdict.gate("unit-coverage")["observed"] == 100
    assert verdict.gate("patch-coverage")["observed"] == 100
    counts = verdict.counts
    assert counts["tests_run"] == 2
    assert counts["files_type_checked"] == 2  # mini/__init__.py, mini/clamp.py
    assert counts["files_scanned"] == 2
    assert counts["changed_lines_measured"] == 2  # clamp's def and return
    stages = {stage["name"] for stage in verdict.document["stages"]}
    assert stages == {"lint", "type", "unit", "security", "diff"}
    root = clean.project.root
    assert (root / "gates-tools.txt").is_file()  # the stages installed the pinned tools
    assert (root / ".gates" / "verdict.md").is_file()
    assert ".gates" not in clean.project.git("status", "--porcelain")  # init ignores it


def test_a_change_that_only_adds_tests_has_no_patch_to_cover(clean_copy: Project) -> None:
    """No line of the measured package changed: patch coverage does not apply (not vacuous)."""
    clean_copy.git("update-ref", "refs/remotes/origin/main", "HEAD")
    clean_copy.lay("testsonly/change")
    clean_copy.commit("tests only")
    run = clean_copy.nox("-s", "gates")
    verdict = clean_copy.verdict()
    assert run.returncode == 0, run
    gate = verdict.gate("patch-coverage")
    assert gate["status"] == "pass"
    assert gate["observed"] is None
    assert gate["reason"].startswith("not applicable")
    assert verdict.counts["changed_lines_measured"] == 0
    # the new unittest test's 3 passing subtests are in pytest's JUnit tests=, not its cases
    junit = (clean_copy.root / ".gates" / "unit" / "junit.xml").read_text("utf-8")
    assert (re.findall(r' tests="(\d+)"', junit), junit.count("<testcase ")) == (["7"], 4)
    assert verdict.gate("tests")["status"] == "pass"
    assert verdict.gate("tests")["reason"].endswith("; and 3 subtests passed")
    assert verdict.counts["tests_run"] == 4


def test_a_change_with_one_problem_per_gate_is_blocked_by_each(blocked: Pipeline) -> None:
    verdict = blocked.verdict
    assert blocked.run.returncode == 1, blocked.run
    assert verdict.status == "fail"
    assert verdict.exit_code == 1
    assert verdict.statuses() == {
        **dict.fromkeys(STANDARD, "fail"),
        "critical-security": "pass",
        "tests-ran": "pass",
    }
    # the report-log gives the failing test its line: its `def`
    assert verdict.offenders("tests") == {"tests/test_bad.py:5"}
    assert "test_half" in verdict.gate("tests")["offenders"][0]["label"]
    assert verdict.offenders("lint") == {"mini/bad.py:3", "mini/ugly.py:4"}  # F401, format
    assert verdict.offenders("types") == {"mini/bad.py:8"}  # a float returned as int
    assert verdict.offenders("code-security") == {"mini/bad.py:13"}  # eval, B307 medium
    assert verdict.offenders("unit-coverage") == {"mini/bad.py:13"}  # the first missing line
    assert "13, 18-20" in verdict.gate("unit-coverage")["offenders"][0]["detail"]
    assert verdict.offenders("patch-coverage") == {"mini/bad.py:13"}
    assert "13, 18-20" in verdict.gate("patch-coverage")["offenders"][0]["detail"]
    assert verdict.gate("unit-coverage")["observed"] < 90
    assert verdict.gate("patch-coverage")["observed"] < 90
    for gate in STANDARD:  # the evidence was complete: each gate judged, none errored
        assert verdict.gate(gate)["problems"] == [], gate
    # every problem at once: no stage stopped the pipeline
    assert "Session gates failed" in blocked.run.output
    for stage in ("lint", "type", "unit", "security", "diff"):
        assert f"* {stage}: success" in blocked.run.output


def test_stages_that_cannot_produce_evidence_still_reach_the_verdict(no_evidence: Pipeline) -> None:
    verdict = no_evidence.verdict
    output = no_evidence.run.output
    assert no_evidence.run.returncode == 3, no_evidence.run  # gates check's own code
    assert verdict.exit_code == 3
    assert verdict.status == "error"
    for stage in ("unit", "integration"):
        assert f"* {stage}: success" in output  # recorded, not aborted: Nox reached `gates`
        assert f"{stage}: could not produce evidence" in output  # and warned
    assert verdict.statuses() == {
        "unit-coverage": "error",
        "integration-tests": "error",
        "lint": "pass",
    }
    assert verdict.slugs("unit-coverage") & {"stage-failed", "tool-crashed"}
    assert "nox -s unit" in verdict.messages("unit-coverage")
    assert "exited 4" in verdict.messages("unit-coverage")
    assert "said: ERROR: file or directory not found: tests/unit" in verdict.messages(
        "unit-coverage"
    )
    assert verdict.slugs("integration-tests") & {"stage-failed", "tool-crashed"}
    assert "nox -s integration" in verdict.messages("integration-tests")
    assert "exited 5" in verdict.messages("integration-tests")
    said = verdict.messages("integration-tests")
    assert "CoverageWarning: No data was collected" in said  # the warning, not the code under it
    assert "_warn(" not in said
