"""The unit stage's own recipe reruns a failed test in a fresh process: one flaky test, not two.

``Pipeline.run_unit`` runs here with a session that runs each command for
real, in this interpreter's environment (the tools are installed in it, so
nothing is installed): ``gates run`` of ``python -m gates.stage.rerun``
around ``coverage run --parallel-mode -m pytest``, the coverage of every
attempt combined, coverage.py's reports. A test that fails its first run (a
counter file, never a clock) and passes its rerun is one test, passed and
flaky, in the verdict and in the history record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import nox
import pytest

from gates.nox import Pipeline
from tests.integration.conftest import Gates, commit_all, git

TESTS = '''\
"""Tests of pkg.calc."""

from pathlib import Path

from pkg.calc import add, double

COUNTER = Path({counter!r})


def test_add() -> None:
    assert add(1, 2) == 3


def test_first_run_fails() -> None:
    """Fails its first run (counted in a file); only a rerun reaches double()."""
    run = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(run))
    assert run > 1, f"run {{run}} fails"
    assert double(run) == 2 * run
'''

CALC = """\
def add(a: int, b: int) -> int:
    return a + b


def double(a: int) -> int:
    return 2 * a
"""

POLICY = """\
[gates]
base = "main"

[gate.tests]
metric = "tests.failed"
stage = "unit"
max = 0

[gate.total]
metric = "tests.total"
stage = "unit"
min = 2
max = 2

[gate.flaky]
metric = "tests.flaky"
stage = "unit"
max = 0
level = "warn"

[gate.coverage]
metric = "coverage.percent"
stage = "unit"
min = 100
"""

_OUTER = ("COV_CORE_", "COVERAGE_", "PYTEST_", "NOX", "GATES_", "VIRTUAL_ENV")


class LocalSession:
    """What the recipe asks of a Nox session, done in this interpreter's environment."""

    name = "unit"
    posargs: list[str] = []  # noqa: RUF012 - read only

    def __init__(self, root: Path, venv: Path) -> None:
        self.root = root
        self.env: dict[str, str] = {}
        self.virtualenv = type("Venv", (), {"location": str(venv)})()

    def install(self, *args: str) -> None:
        """Nothing to install: coverage, pytest and pytest-reportlog are in this environment."""

    def run(self, *args: str, **kwargs: Any) -> str | None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_OUTER)}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(self.env)
        env.update(kwargs.get("env") or {})
        done = subprocess.run(
            list(args), cwd=self.root, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode in kwargs.get("success_codes", [0]), done.stdout + done.stderr
        return done.stdout if kwargs.get("silent") else None

    def warn(self, message: str) -> None:
        raise AssertionError(message)


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    root = tmp_path / "project"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    (root / "pkg").mkdir()
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""A small package."""\n')
    (root / "pkg" / "calc.py").write_text(CALC)
    counter = tmp_path / "runs.txt"  # outside the repository: the tree stays clean
    (root / "tests" / "test_calc.py").write_text(TESTS.format(counter=str(counter)))
    (root / "gates.toml").write_text(POLICY)
    (root / ".gitignore").write_text(".gates/\n__pycache__/\n")
    commit_all(root, "base")
    return Gates(root, capsys)


def test_the_unit_recipe_counts_a_test_failing_then_passing_once_as_flaky(
    project: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.root)
    session = LocalSession(project.root, project.root.parent / "venv")
    Pipeline(package="pkg", tests="tests", lock=None).run_unit(cast(nox.Session, session))
    folder = project.root / ".gates" / "unit"
    log = (folder / "reportlog.jsonl").read_text()
    assert log.count('"SessionStart"') == 2  # the run, and the rerun of the failed test
    junit = (folder / "junit.xml").read_text()
    assert junit.count("<testcase ") == 2  # the first run's: the rerun wrote none

    verdict = project.check().verdict()
    assert verdict.gate("total")["observed"] == 2  # never 3: the rerun is not another test
    assert verdict.gate("tests")["status"] == "pass"
    flaky = verdict.gate("flaky")
    assert (flaky["status"], flaky["observed"]) == ("warn", 1)
    assert [o["label"] for o in flaky["offenders"]] == ["tests/test_calc.py::test_first_run_fails"]
    assert verdict.gate("coverage")["status"] == "pass"  # double() ran in the rerun alone
    manifest = json.loads((folder / "manifest.json").read_text())
    formats = [report["format"] for report in manifest["reports"]]
    assert formats[:2] == ["pytest-reportlog", "junit-xml"]

    ran = project(
        "history",
        "record",
        "--root",
        str(project.root),
        "--config",
        str(project.root / "gates.toml"),
        "--run-id",
        "1",
    )
    assert ran.code == 0, ran.err
    assert "(warn, 4 gates, 2 tests)" in ran.out  # the JUnit file's tests are not counted again
    commit = git(project.root, "rev-parse", "HEAD").strip()
    record = json.loads(
        git(project.root, "show", f"gates-history:runs/{commit[:2]}/{commit}/1.json")
    )
    assert {t["id"]: (t["outcome"], t["reruns"]) for t in record["tests"]} == {
        "tests/test_calc.py::test_add": ("passed", 0),
        "tests/test_calc.py::test_first_run_fails": ("passed", 1),
    }
