"""Fail closed: evidence that cannot be trusted never passes, and says why (RELIABILITY.md).

Every test breaks one thing in a copy of the fixture project whose stages the
real tools ran, then runs ``gates check --format json`` and checks: exit code
3, the gate that reads the broken evidence is an ``error`` (never a pass), the
problem has its own slug, names the file, and says what to do next; the gates
that do not read it are still judged.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import (
    GATE_NAMES,
    Gates,
    Ran,
    commit_all,
    diff_stage,
    edit,
    git,
    lint_stage,
    security_stage,
    type_stage,
    unit_stage,
)


def refused(ran: Ran, gate: str, slug: str, file: str) -> Mapping[str, Any]:
    """Check that ``gate`` errors with a ``slug`` problem naming ``file``; the problem."""
    verdict = ran.verdict()
    assert ran.code == 3, ran.out
    assert ran.err == ""  # the verdict explains; nothing else is printed, no traceback
    assert verdict.exit_code == 3
    assert verdict.document["status"] == "error"
    assert verdict.gate(gate)["status"] == "error", verdict.gate(gate)
    problem = verdict.problem(gate, slug)
    assert file in (problem["path"] or ""), problem
    assert problem["hint"], problem
    return problem


def still_pass(ran: Ran, *gates: str) -> None:
    statuses = ran.verdict().statuses()
    assert {gate: statuses[gate] for gate in gates} == dict.fromkeys(gates, "pass")


@pytest.mark.slow
def test_the_fresh_project_passes_every_gate(gates: Gates) -> None:
    ran = gates.check()
    assert ran.code == 0, ran.out
    verdict = ran.verdict()
    assert verdict.statuses() == dict.fromkeys(GATE_NAMES, "pass")
    counts = verdict.document["counts"]
    assert counts["tests_run"] == 2
    assert counts["files_linted"] == 3
    assert counts["files_type_checked"] == 2
    assert counts["packages_audited"] == 1
    assert counts["changed_lines_measured"] > 0


# ---------------------------------------------------------------- missing


@pytest.mark.slow
def test_a_missing_stage_folder(gates: Gates) -> None:
    shutil.rmtree(gates.root / ".gates" / "unit")
    ran = gates.check()
    for gate in ("coverage", "tests"):
        problem = refused(ran, gate, "missing-evidence", ".gates/unit")
        assert "nox -s unit" in problem["hint"]
    still_pass(ran, "lint", "types", "security", "patch")


@pytest.mark.slow
def test_a_missing_manifest(gates: Gates) -> None:
    (gates.root / ".gates" / "lint" / "manifest.json").unlink()
    ran = gates.check()
    problem = refused(ran, "lint", "missing-manifest", ".gates/lint/manifest.json")
    assert "rerun the stage" in problem["hint"]


@pytest.mark.slow
def test_a_deleted_report(gates: Gates) -> None:
    (gates.root / ".gates" / "unit" / "junit.xml").unlink()
    ran = gates.check()
    refused(ran, "tests", "missing-report", ".gates/unit/junit.xml")
    still_pass(ran, "coverage")


# ---------------------------------------------------------------- empty, truncated


@pytest.mark.slow
def test_an_empty_report(gates: Gates) -> None:
    assert gates.replay("unit", "coverage-json=empty.json", b"", tool="coverage").code == 0
    ran = gates.check()
    refused(ran, "coverage", "empty-report", ".gates/unit/empty.json")
    still_pass(ran, "tests")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("report", "fmt", "tool", "gate", "slug"),
    [
        ("coverage.json", "coverage-json", "coverage", "coverage", "invalid-json"),
        ("junit.xml", "junit-xml", "pytest", "tests", "invalid-xml"),
    ],
)
def test_a_truncated_report(
    gates: Gates, *, report: str, fmt: str, tool: str, gate: str, slug: str
) -> None:
    whole = (gates.root / ".gates" / "unit" / report).read_bytes()
    ran = gates.replay("unit", f"{fmt}=cut-{report}", whole[: len(whole) // 2], tool=tool)
    assert ran.code == 0
    problem = refused(gates.check(), gate, slug, f".gates/unit/cut-{report}")
    assert "truncated" in problem["message"]


# ---------------------------------------------------------------- provenance


@pytest.mark.slow
def test_evidence_from_another_commit(gates: Gates) -> None:
    (gates.root / "README.md").write_text("A change after the stages ran.\n")
    commit_all(gates.root, "docs")
    ran = gates.check()
    for gate, stage in (("coverage", "unit"), ("lint", "lint"), ("patch", "diff")):
        problem = refused(ran, gate, "stale-commit", f".gates/{stage}/manifest.json")
        assert f"nox -s {stage}" in problem["hint"]
    assert set(ran.verdict().statuses().values()) == {"error"}


@pytest.mark.slow
def test_evidence_from_another_commit_than_the_one_ci_names(gates: Gates) -> None:
    measured = git(gates.root, "rev-parse", "HEAD").strip()
    (gates.root / "README.md").write_text("A change after the stages ran.\n")
    commit_all(gates.root, "docs")
    head = git(gates.root, "rev-parse", "HEAD").strip()
    ran = gates.check("--commit", head)
    problem = refused(ran, "tests", "stale-commit", ".gates/unit/manifest.json")
    assert f"evidence is from commit {measured[:12]}, not {head[:12]}" in problem["message"]
    assert gates.check("--commit", measured[:7]).code == 0  # the commit the stages measured
    assert gates.check("--commit", measured[:4]).code == 2  # too short to name one commit


@pytest.mark.slow
def test_evidence_of_other_local_changes(gates: Gates) -> None:
    edit(gates.root / "pkg" / "calc.py", b"return a + b", b"return b + a")
    (gates.root / "pkg" / "extra.py").write_text("VALUE = 1\n")  # untracked source
    ran = gates.check()
    problem = refused(ran, "types", "stale-worktree", ".gates/type/manifest.json")
    assert problem["message"] == ("files changed since the stage ran: pkg/calc.py, pkg/extra.py")


@pytest.mark.slow
def test_a_stage_run_on_uncommitted_changes_stays_fresh_once_they_are_committed(
    gates: Gates,
) -> None:
    edit(gates.root / "pkg" / "calc.py", b"return a + b", b"return b + a")
    assert gates.stage("type", type_stage()) == [0] * len(type_stage())
    commit_all(gates.root, "the change the type stage measured")
    ran = gates.check()
    assert ran.verdict().statuses()["types"] == "pass"  # the code is what it measured
    refused(ran, "tests", "stale-commit", ".gates/unit/manifest.json")  # ran before the change
    # an edit after the commit: the type stage no longer measured what is there
    edit(gates.root / "pkg" / "calc.py", b"return b + a", b"return b + a + 0")
    commit_all(gates.root, "another change")
    problem = refused(gates.check(), "types", "stale-commit", ".gates/type/manifest.json")
    assert problem["message"].endswith("(changed since the stage ran: pkg/calc.py)")


@pytest.mark.slow
def test_a_report_edited_after_the_stage(gates: Gates) -> None:
    edit(
        gates.root / ".gates" / "unit" / "coverage.json",
        b'"percent_covered": ',
        b'"percent_covered":',
    )
    ran = gates.check()
    problem = refused(ran, "coverage", "hash-mismatch", ".gates/unit/coverage.json")
    assert "nox -s unit" in problem["hint"]
    still_pass(ran, "tests", "lint")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("number", "words"),
    [
        (b"NaN", "holds the non-finite number NaN"),
        (b"Infinity", "holds the non-finite number Infinity"),
        (b"-Infinity", "holds the non-finite number -Infinity"),
        (b"1e999", "is not a finite number (inf)"),  # valid JSON that overflows a float
    ],
)
def test_a_non_finite_coverage_number(gates: Gates, number: bytes, words: str) -> None:
    data = (gates.root / ".gates" / "unit" / "coverage.json").read_bytes()
    head, sep, tail = data.partition(b'"percent_covered": ')
    assert sep
    value, _, rest = tail.partition(b",")
    assert float(value) > 0
    replayed = head + sep + number + b"," + rest
    assert gates.replay("unit", "coverage-json=odd.json", replayed, tool="coverage").code == 0
    problem = refused(gates.check(), "coverage", "non-finite", ".gates/unit/odd.json")
    assert words in problem["message"]


# ---------------------------------------------------------------- incomplete runs


@pytest.mark.slow
def test_pip_audit_skipped_every_package(gates: Gates) -> None:
    assert gates.stage("security", security_stage("all-skipped.json")) == [0, 0]
    ran = gates.check()
    problem = refused(ran, "security", "audit-incomplete", ".gates/security/pip-audit.json")
    assert "network" in problem["hint"]
    assert problem["subject"]
    refused(ran, "security", "no-packages-audited", ".gates/security/pip-audit.json")
    assert ran.verdict().document["counts"]["packages_skipped"] > 0


@pytest.mark.slow
def test_pip_audit_skipped_one_package(gates: Gates) -> None:
    assert gates.stage("security", security_stage("vulnerable.json")) == [0, 0]
    problem = refused(
        gates.check(), "security", "audit-incomplete", ".gates/security/pip-audit.json"
    )
    assert problem["subject"] == "acme-internal-lib"


@pytest.mark.slow
def test_bandit_could_not_parse_a_file(gates: Gates) -> None:
    (gates.root / "pkg" / "broken.py").write_text("def broken(:\n    pass\n")
    assert gates.stage("security", security_stage()) == [0, 0]  # bandit exits 0 anyway
    ran = gates.check()
    problem = refused(ran, "security", "scan-errors", ".gates/security/bandit.json")
    assert problem["subject"] == "pkg/broken.py"


@pytest.mark.slow
def test_zero_tests_collected(gates: Gates) -> None:
    assert gates.stage("unit", unit_stage("-k", "no_test_has_this_name")) == [3, 0]
    ran = gates.check()
    refused(ran, "tests", "no-tests", ".gates/unit/junit.xml")
    problem = refused(ran, "tests", "tool-crashed", ".gates/unit/manifest.json")
    assert "pytest exited 5 (no test was collected" in problem["message"]


@pytest.mark.slow
def test_every_test_skipped(gates: Gates) -> None:
    tests = gates.root / "tests" / "test_calc.py"
    tests.write_text(
        "import pytest\n\npytestmark = pytest.mark.skip('no time')\n" + tests.read_text()
    )
    commit_all(gates.root, "skip the tests")
    assert gates.stage("unit", unit_stage()) == [0, 0]
    ran = gates.check()
    problem = refused(ran, "tests", "all-skipped", ".gates/unit/junit.xml")
    assert "all 2 test case(s) were skipped" in problem["message"]


@pytest.mark.slow
def test_zero_statements_measured(gates: Gates, tmp_path: Path) -> None:
    config = tmp_path / "omit.coveragerc"
    config.write_text("[run]\nomit = */calc.py\n")  # pkg/__init__.py is only a docstring
    assert gates.stage("unit", unit_stage(f"--cov-config={config}")) == [0, 0]
    ran = gates.check()
    problem = refused(ran, "coverage", "no-statements", ".gates/unit/coverage.json")
    assert "--cov" in problem["hint"]
    assert ran.verdict().slugs("coverage") == ["no-statements"]  # said once, by the reader
    still_pass(ran, "tests")


@pytest.mark.slow
def test_diff_cover_measured_no_changed_line(gates: Gates, golden: Path) -> None:
    """diff-cover in this checkout, fed coverage measured in another (as on another CI machine).

    The copied ``coverage.xml`` names the golden checkout's absolute paths, so no
    changed line here matches it: diff-cover reports 100 % of 0 lines, and exits 0.
    """
    xml = (gates.root / ".gates" / "unit" / "coverage.xml").read_text()
    assert f"<source>{golden}/pkg</source>" in xml
    assert gates.stage("diff", diff_stage()) == [0, 0]
    ran = gates.check()
    problem = refused(ran, "patch", "vacuous-diff", ".gates/diff/diff-cover.json")
    assert "0 changed lines" in problem["message"]


@pytest.mark.slow
def test_ruff_checked_no_file(gates: Gates) -> None:
    (gates.root / "empty").mkdir()
    assert gates.stage("lint", lint_stage("empty")) == [0, 0]
    ran = gates.check()
    problem = refused(ran, "lint", "no-files-checked", ".gates/lint/files.txt")
    assert "ruff checked 0 files" in problem["message"]


@pytest.mark.slow
def test_mypy_stopped_before_checking_any_file(gates: Gates) -> None:
    (gates.root / "pkg" / "broken.py").write_text("def broken(:\n    pass\n")
    assert gates.stage("type", type_stage()) == [3]
    ran = gates.check()
    refused(ran, "types", "no-files-checked", ".gates/type/lc/linecount.txt")
    refused(ran, "types", "type-check-incomplete", ".gates/type/mypy.json")
    problem = refused(ran, "types", "tool-crashed", ".gates/type/manifest.json")
    assert "mypy exited 2 (a fatal error" in problem["message"]


@pytest.mark.slow
def test_mypy_found_no_file(gates: Gates) -> None:
    (gates.root / "empty").mkdir()
    assert gates.stage("type", type_stage("empty")) == [3]
    ran = gates.check()
    refused(ran, "types", "tool-crashed", ".gates/type/manifest.json")
    refused(ran, "types", "stage-failed", ".gates/type/manifest.json")


# ---------------------------------------------------------------- crashed tools


@pytest.mark.slow
def test_ruff_exit_2(gates: Gates) -> None:
    steps = lint_stage()
    steps[0][-1:] = ["--select", "NO-SUCH-RULE", "pkg"]
    assert gates.stage("lint", steps) == [3, 0]
    ran = gates.check()
    problem = refused(ran, "lint", "tool-crashed", ".gates/lint/manifest.json")
    assert "ruff exited 2" in problem["message"]
    refused(ran, "lint", "stage-failed", ".gates/lint/manifest.json")
    still_pass(ran, "types", "security")


_PLUGINS = {
    2: "def pytest_collection_modifyitems(session, config, items):\n    raise KeyboardInterrupt\n",
    3: "def pytest_sessionstart(session):\n    raise RuntimeError('boom')\n",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "extra"),
    [
        (2, ["-p", "crash_plugin"]),
        (3, ["-p", "crash_plugin"]),
        (4, ["--no-such-option"]),
        (5, ["-k", "no_test_has_this_name"]),
    ],
)
def test_pytest_exit_codes_outside_0_and_1(
    gates: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, extra: list[str]
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "crash_plugin.py").write_text(_PLUGINS.get(code, ""))
    monkeypatch.setenv("PYTHONPATH", str(plugins))
    assert gates.stage("unit", unit_stage(*extra))[0] == 3
    ran = gates.check()
    problem = refused(ran, "tests", "tool-crashed", ".gates/unit/manifest.json")
    assert f"pytest exited {code} (" in problem["message"]
