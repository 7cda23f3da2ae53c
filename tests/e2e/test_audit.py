"""The dependency audit: an audit that could not run never passes as clean.

pip-audit needs a vulnerability service. Where it cannot reach one it skips
every package and still exits 0 with "No known vulnerabilities found"; the
verdict must block, and a waiver must show the gate as waived (not run), never
as a pass. Where the service is reachable the same project is audited for real:
the tests then check that the pass is a real audit, and that the waivers are
reported as covering nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Pipeline, Verdict

pytestmark = pytest.mark.slow

_WAIVER = """
[[waiver]]
evidence = "pip-audit:{slug}"
owner = "e2e"
reason = "no route to the vulnerability service here"
expires = 2099-12-31
"""


def _offline(verdict: Verdict) -> bool:
    """Whether pip-audit audited nothing (the vulnerability service was unreachable)."""
    return verdict.counts["packages_audited"] == 0


def _policy(audited: Pipeline, folder: Path, *slugs: str) -> Path:
    """The project's policy with evidence waivers, kept outside the repository."""
    text = (audited.project.root / "gates.toml").read_text(encoding="utf-8")
    path = folder / "waived.toml"
    path.write_text(text + "".join(_WAIVER.format(slug=slug) for slug in slugs), "utf-8")
    return path


def test_gates_init_audits_a_project_with_dependencies(audited: Pipeline) -> None:
    noxfile = (audited.project.root / "noxfile.py").read_text(encoding="utf-8")
    assert 'package="solo.py"' in noxfile
    assert "audit=[]" not in noxfile
    verdict = audited.verdict
    assert verdict.gate("unit-coverage")["observed"] == 100  # the module measured by its name
    assert verdict.gate("dependencies")["stages"] == ["security"]
    others = {name: status for name, status in verdict.statuses().items() if name != "dependencies"}
    assert set(others.values()) == {"pass"}, others
    counts = verdict.counts
    assert (counts["packages_audited"] or 0) + (counts["packages_skipped"] or 0) == 1  # attrs


def test_an_audit_that_could_not_run_blocks(audited: Pipeline) -> None:
    verdict = audited.verdict
    gate = verdict.gate("dependencies")
    if not _offline(verdict):
        # the service answered: a real audit; a pass must have audited every package
        assert gate["status"] != "pass" or verdict.counts["packages_skipped"] == 0
        pytest.skip("pip-audit reached its vulnerability service: nothing was left unaudited")
    assert gate["status"] == "error"
    assert verdict.slugs("dependencies") == {"audit-incomplete", "no-packages-audited"}
    assert any(problem["subject"] == "attrs" for problem in gate["problems"])
    assert ".gates/security/pip-audit.json" in verdict.messages("dependencies")
    assert verdict.exit_code == 3
    assert verdict.document["blocked"]
    assert audited.run.returncode == 3, audited.run  # gates check's own code


def test_a_waived_audit_shows_as_not_run_never_as_pass(audited: Pipeline, tmp_path: Path) -> None:
    project = audited.project.copy(tmp_path / "project")
    policy = _policy(audited, tmp_path, "audit-incomplete", "no-packages-audited")
    run = project.nox("-s", "gates", "--no-dependencies", "--", "--config", str(policy))
    verdict = project.verdict()
    gate = verdict.gate("dependencies")
    if not _offline(verdict):
        assert gate["status"] == "pass"
        assert {waiver["status"] for waiver in verdict.document["waivers"]} == {"unused"}
        pytest.skip("pip-audit reached its vulnerability service: the waivers covered nothing")
    assert gate["status"] == "waived"
    assert "not run" in gate["reason"]
    assert sorted(gate["waivers"]) == [
        "evidence pip-audit:audit-incomplete",
        "evidence pip-audit:no-packages-audited",
    ]
    assert verdict.status == "warn"  # passes, and says what was not checked
    assert verdict.document["summary"].endswith("1 waived")
    assert not verdict.document["blocked"]
    assert verdict.exit_code == 0
    assert run.returncode == 0, run
    assert "waived" in run.output


def test_waiving_the_skipped_packages_alone_still_blocks(audited: Pipeline, tmp_path: Path) -> None:
    if not _offline(audited.verdict):
        pytest.skip("pip-audit reached its vulnerability service: no package was skipped")
    project = audited.project.copy(tmp_path / "project")
    code, verdict = project.check("--config", str(_policy(audited, tmp_path, "audit-incomplete")))
    assert code == 3
    assert verdict.gate("dependencies")["status"] == "error"
    assert verdict.slugs("dependencies") == {"no-packages-audited"}
