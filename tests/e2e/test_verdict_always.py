"""Always one verdict, and no work twice: real Nox runs of one adopted project.

In order, on one project adopted with ``gates init`` (``[gates] unaffected = ["*.md", "*.rst"]``):
a full run; a rerun with nothing changed, which keeps every stage's evidence;
a README edit, which keeps it too except the lint stage's (ruff formats
Markdown, so that stage applies no ``unaffected`` glob); then a dependency that does not exist, which
no stage can install: ``nox -s gates`` still ends in a verdict that names each
stage that failed with the installer's own words, judges the others, and exits
with ``gates check``'s code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Nox, Project, make_project

pytestmark = pytest.mark.slow

_UP_TO_DATE = re.compile(r"nox > (\w+): up to date, its evidence kept")
_RUNS = re.compile(r"nox > (\w+): runs \(")


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Project:
    project = make_project(tmp_path_factory.mktemp("always"), nox_runner, init=True)
    policy = (project.root / "gates.toml").read_text(encoding="utf-8")
    assert '\nunaffected = ["*.md", "*.rst"]' in policy  # what gates init writes
    (project.root / "README.md").write_text("# mini\n", encoding="utf-8")
    project.commit("a README")
    project.git("update-ref", "refs/remotes/origin/main", "HEAD")
    return project


def test_nothing_changed_reruns_nothing_and_an_unaffected_edit_keeps_the_evidence(
    adopted: Project,
) -> None:
    first = adopted.nox("-s", "gates")
    assert first.returncode == 0, first
    stages = sorted(_RUNS.findall(first.output))
    assert stages == ["diff", "lint", "security", "type", "unit"], first
    verdict = adopted.verdict().document

    again = adopted.nox("-s", "gates")
    assert again.returncode == 0, again
    assert sorted(_UP_TO_DATE.findall(again.output)) == stages, again
    assert _RUNS.findall(again.output) == []
    assert adopted.verdict().document == verdict  # the same evidence, the same verdict

    (adopted.root / "README.md").write_text("# mini\n\nEdited after the run.\n", encoding="utf-8")
    code, stale = adopted.check()  # ruff formats Markdown: the lint stage reads the README
    assert code == 3
    assert {name for name, status in stale.statuses().items() if status == "error"} == {"lint"}
    edited = adopted.nox("-s", "gates")
    assert edited.returncode == 0, edited
    assert _RUNS.findall(edited.output) == ["lint"], edited
    assert sorted(_UP_TO_DATE.findall(edited.output)) == [s for s in stages if s != "lint"]
    code, _ = adopted.check()
    assert code == 0


def test_a_stage_that_cannot_install_still_ends_in_a_verdict(adopted: Project) -> None:
    noxfile = adopted.root / "noxfile.py"
    text = noxfile.read_text(encoding="utf-8")
    assert 'install=["-e", ".", "pytest"]' in text
    noxfile.write_text(
        text.replace(
            'install=["-e", ".", "pytest"]',
            'install=["-e", ".", "pytest", "gates-e2e-no-such-distribution"]',
        ),
        encoding="utf-8",
    )
    adopted.commit("a dependency that does not exist")
    old = adopted.reports / "verdict.md"
    old.write_text("the last run's verdict\n", encoding="utf-8")  # must not survive this run

    run = adopted.nox("-s", "gates")
    assert run.returncode == 3, run  # gates check's own code: an evidence error
    verdict = adopted.verdict()
    assert verdict.exit_code == 3
    for gate, stage in (("types", "type"), ("unit-coverage", "unit"), ("tests", "unit")):
        assert verdict.gate(gate)["status"] == "error", gate
        assert "stage-failed" in verdict.slugs(gate)
        messages = verdict.messages(gate)
        assert f".gates/{stage}/manifest.json" in messages
        assert "gates-e2e-no-such-distribution" in messages  # the installer's own words
    assert "the unit stage produced no coverage" in verdict.messages("patch-coverage")
    for gate in ("lint", "code-security"):  # judged on their own evidence
        assert verdict.gate(gate)["status"] == "pass", gate
    assert "the last run's verdict" not in old.read_text(encoding="utf-8")


def test_the_stage_log_says_why_a_stage_runs(adopted: Project, tmp_path: Path) -> None:
    copy = adopted.copy(tmp_path / "copy")
    (copy.root / "mini" / "__init__.py").write_text("VALUE = 2\n", encoding="utf-8")
    run = copy.nox("-s", "lint")
    assert "nox > lint: runs (.gates/lint/manifest.json: files changed since the stage ran: " in (
        run.output
    ), run
