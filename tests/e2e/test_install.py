"""The stages install the project the way it declares itself: a dependency group, a uv.lock.

``projects/locked/base`` declares its development environment as a dependency
group (``dev``: pytest, attrs, mypy, unpinned) and locks it in ``uv.lock``
(resolved as of 2024-08-01: attrs 23.2.0, pytest 8.3.2, mypy 1.11.1). One of
its tests passes only with the locked attrs. Adopted with ``gates init``, the
unit and type stages run for real, each scenario in environments of its own
(never the shared ones the other end-to-end tests reuse).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from gates.stage.pins import bundled_pins
from tests.e2e.conftest import Nox, Project, make_project

pytestmark = pytest.mark.slow


def _tools(project: Project, stage: str) -> dict[str, dict[str, Any]]:
    manifest = json.loads((project.reports / stage / "manifest.json").read_text("utf-8"))
    assert manifest["error"] == "", manifest["error"]
    return {str(tool["name"]): tool for tool in manifest["tools"]}


def _failed(project: Project, stage: str) -> set[str]:
    root = ElementTree.parse(project.reports / stage / "junit.xml").getroot()
    assert root is not None
    cases = list(root.iter("testcase"))
    assert len(cases) == 2
    return {str(case.get("name")) for case in cases if case.find("failure") is not None}


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Project:
    root = tmp_path_factory.mktemp("locked")
    own = replace(nox_runner, envdir=tmp_path_factory.mktemp("locked-envs"))
    project = make_project(root, own, base="locked/base", init=True)
    run = project.nox("-s", "unit", "type")
    assert run.returncode == 0, run
    return project


def test_gates_init_installs_the_development_group_at_the_locked_versions(
    locked: Project,
) -> None:
    noxfile = (locked.root / "noxfile.py").read_text("utf-8")
    assert 'install=["-e", ".", "--group", "dev"],' in noxfile
    pins = (locked.root / "gates-tools.txt").read_text("utf-8").splitlines()
    assert not any(line.startswith("mypy==") for line in pins)  # uv.lock's mypy is the project's
    assert any(
        line.startswith("# mypy: the project's own version (locked: uv.lock") for line in pins
    )
    assert any(line.startswith("bandit==") for line in pins)  # not locked: gates' pin


def test_the_stages_run_the_locked_tools_on_the_locked_dependencies(locked: Project) -> None:
    assert _failed(locked, "unit") == set()  # attrs is 23.2.0, as locked
    pytest_run = _tools(locked, "unit")["pytest"]
    assert pytest_run["version"] == "8.3.2"
    assert pytest_run["source"] == "locked: uv.lock (pytest==8.3.2)"
    mypy_run = _tools(locked, "type")["mypy"]
    assert mypy_run["version"] == "1.11.1"
    assert mypy_run["source"] == "locked: uv.lock (mypy==1.11.1)"
    assert (locked.reports / "type" / "mypy.json").read_text("utf-8").strip() == ""  # no finding


def test_without_the_lock_the_group_is_installed_as_declared(
    locked: Project, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The same project, its uv.lock removed: `--group dev` at the newest versions it allows."""
    project = locked.copy(tmp_path / "project")
    (project.root / "uv.lock").unlink()
    project.commit("no lock")
    own = replace(project.nox_runner, envdir=tmp_path_factory.mktemp("group-envs"))
    run = Project(project.root, own).nox("-s", "unit", "type")
    assert run.returncode == 0, run
    assert "--group dev" in run.output  # installed by uv, which knows PEP 735 groups
    assert _failed(project, "unit") == {"test_the_environment_has_the_locked_attrs"}
    mypy = bundled_pins()["mypy"]  # the group names mypy without a version: gates' pin
    assert _tools(project, "type")["mypy"]["source"] == f"gates: gates' pins (mypy=={mypy})"
    assert _tools(project, "type")["mypy"]["version"] == mypy
    assert _tools(project, "unit")["pytest"]["source"] == "unpinned: pytest"
