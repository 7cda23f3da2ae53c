"""End to end: the real stages, run by Nox, on small fixture projects.

Each scenario copies ``projects/base`` (a tiny package with one test), or its
own base, into a temporary folder, lays its ``setup`` folders over it (or runs
``gates init``), commits that as the base and points ``refs/remotes/origin/main``
at it, then lays its ``change`` folder over it and commits the change. Then
``python -m nox -s gates`` runs every stage for real and writes
``.gates/verdict.json``, which is checked against its JSON Schema.

Nox runs with the interpreter of the tests and one ``--envdir`` for the whole
test session, so the stage environments are made once and reused by every
fixture project (set ``GATES_E2E_ENVDIR`` to keep them across test sessions;
the environments are shared, so these tests do not run in parallel processes).
The stages install gates from a wheel of this checkout built once per test
session (``GATES_INSTALL``), not from the checkout itself in every session.

The pipelines are shared by the test modules (session-scoped fixtures); a test
that breaks evidence works on a copy (:meth:`Project.copy`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gates.cli import main as gates_main

collect_ignore = ["projects"]  # the fixture projects' own tests, broken on purpose

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = Path(__file__).resolve().parent / "projects"
VERDICT_SCHEMA = json.loads((ROOT / "gates" / "data" / "verdict.schema.json").read_text("utf-8"))
NOX_TIMEOUT = 900  # seconds; a cold run downloads and installs every tool
_GIT = (
    "git",
    "-c",
    "user.name=gates e2e",
    "-c",
    "user.email=e2e@gates.invalid",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "core.hooksPath=/dev/null",
)
# Set by an outer run (coverage, a Nox session, a git hook) and able to change
# what Nox, git or the tools do inside the fixture projects.
_SCRUBBED_PREFIXES = ("COV_CORE_", "COVERAGE_", "GIT_", "NOX", "PYTEST_")
_SCRUBBED = ("MYPYPATH", "VIRTUAL_ENV", "GATES_INSTALL", "GATES_BASE")


# ---------------------------------------------------------------- the verdict


@dataclass(frozen=True, slots=True)
class Verdict:
    """``.gates/verdict.json``, checked against its schema, with the lookups the tests need."""

    document: Mapping[str, Any]

    @property
    def status(self) -> str:
        return str(self.document["status"])

    @property
    def exit_code(self) -> int:
        return int(self.document["exit_code"])

    def gate(self, name: str) -> Mapping[str, Any]:
        found = [gate for gate in self.document["gates"] if gate["name"] == name]
        assert found, f"no gate {name!r} in the verdict: {sorted(self.statuses())}"
        gate: Mapping[str, Any] = found[0]
        return gate

    def statuses(self) -> dict[str, str]:
        return {str(gate["name"]): str(gate["status"]) for gate in self.document["gates"]}

    def slugs(self, name: str) -> set[str]:
        return {str(problem["slug"]) for problem in self.gate(name)["problems"]}

    def offenders(self, name: str) -> set[str]:
        """The gate's offenders as ``path:line`` (``path`` alone when there is no line)."""
        return {
            f"{item['path']}:{item['line']}" if item["line"] else str(item["path"])
            for item in self.gate(name)["offenders"]
        }

    def messages(self, name: str) -> str:
        """Every problem of the gate, file, message and hint, as one text to search."""
        return "\n".join(
            f"{problem['path']}: {problem['message']} — {problem['hint']}"
            for problem in self.gate(name)["problems"]
        )

    @property
    def counts(self) -> Mapping[str, int | None]:
        counts: Mapping[str, int | None] = self.document["counts"]
        return counts


def read_verdict(path: Path) -> Verdict:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, VERDICT_SCHEMA)
    return Verdict(document)


# ---------------------------------------------------------------- running Nox


@dataclass(frozen=True, slots=True)
class Run:
    """One ``python -m nox`` run: its exit code and everything it printed."""

    args: tuple[str, ...]
    returncode: int
    output: str

    def __str__(self) -> str:
        tail = "\n".join(self.output.splitlines()[-80:])
        return f"nox {' '.join(self.args)} exited {self.returncode}; its output ends:\n{tail}"


@dataclass(frozen=True, slots=True)
class Nox:
    """Nox with this interpreter, one environment folder, and gates from one wheel."""

    envdir: Path
    env: Mapping[str, str]
    backend: tuple[str, ...]  # ("-db", "uv") when uv is importable

    def run(self, root: Path, *args: str) -> Run:
        argv = ("--envdir", str(self.envdir), *self.backend, "--no-color", *args)
        result = subprocess.run(
            [sys.executable, "-m", "nox", *argv],
            cwd=root,
            env=dict(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=NOX_TIMEOUT,
            check=False,
        )
        return Run(argv, result.returncode, result.stdout)


def scrubbed_environment() -> dict[str, str]:
    """This process's environment without what an outer run (coverage, nox, CI) set."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_SCRUBBED_PREFIXES) and name not in _SCRUBBED
    }


def _environment(wheel: Path) -> dict[str, str]:
    return {**scrubbed_environment(), "GATES_INSTALL": str(wheel)}


def _build_wheel(out: Path) -> Path:
    """A wheel of this checkout: the stages install it instead of rebuilding the checkout."""
    if importlib.util.find_spec("uv") is not None:
        from uv import find_uv_bin  # noqa: PLC0415 - optional: only when uv is there

        command = [find_uv_bin(), "build", "--wheel", "--out-dir", str(out), str(ROOT)]
    else:
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    subprocess.run(command, capture_output=True, check=True, timeout=NOX_TIMEOUT)
    (wheel,) = out.glob("gates-*.whl")
    return wheel


@pytest.fixture(scope="session")
def nox_runner(tmp_path_factory: pytest.TempPathFactory) -> Nox:
    kept = os.environ.get("GATES_E2E_ENVDIR", "")
    envdir = Path(kept).resolve() if kept else tmp_path_factory.mktemp("nox-envs")
    wheel = _build_wheel(tmp_path_factory.mktemp("wheel"))
    backend = ("-db", "uv") if importlib.util.find_spec("uv") is not None else ()
    return Nox(envdir=envdir, env=_environment(wheel), backend=backend)


# ---------------------------------------------------------------- fixture projects


@dataclass(frozen=True, slots=True)
class Project:
    """A fixture project in a git repository, and the Nox that runs its stages."""

    root: Path
    nox_runner: Nox

    def git(self, *args: str) -> str:
        result = subprocess.run(
            [*_GIT, *args],
            cwd=self.root,
            env=dict(self.nox_runner.env),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    def lay(self, layer: str) -> None:
        """Copy ``projects/<layer>`` over the project."""
        shutil.copytree(PROJECTS / layer, self.root, dirs_exist_ok=True)

    def commit(self, message: str) -> str:
        self.git("add", "-A", "--", ".", ":!*.egg-info/*")  # the editable installs' metadata
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def nox(self, *args: str) -> Run:
        """Run Nox here; a verdict left by an earlier run is removed first, never read as this one's."""
        (self.reports / "verdict.json").unlink(missing_ok=True)
        return self.nox_runner.run(self.root, *args)

    @property
    def reports(self) -> Path:
        return self.root / ".gates"

    def verdict(self) -> Verdict:
        return read_verdict(self.reports / "verdict.json")

    def check(self, *args: str) -> tuple[int, Verdict]:
        """``python -m gates check`` with its JSON verdict: the exit code and the verdict."""
        out = self.reports / "check.json"
        result = subprocess.run(
            [sys.executable, "-m", "gates", "check", "--format", f"json:{out}", *args],
            cwd=self.root,
            env=dict(self.nox_runner.env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert out.is_file(), result.stdout + result.stderr
        return result.returncode, read_verdict(out)

    def copy(self, destination: Path) -> Project:
        """The project with its history and evidence, so the evidence stays valid there."""
        shutil.copytree(self.root, destination, symlinks=True)
        return Project(destination, self.nox_runner)


def make_project(
    root: Path,
    nox_runner: Nox,
    *,
    base: str = "base",
    setup: tuple[str, ...] = (),
    init: bool = False,
    change: str | None = None,
) -> Project:
    """Base and setup layers (then ``gates init``) as ``origin/main``; the change on top."""
    project = Project(root, nox_runner)
    project.lay(base)
    project.git("init", "-q", "-b", "main")
    for layer in setup:
        project.lay(layer)
    if init:
        assert gates_main(["init", "--root", str(root)]) == 0
    project.commit("base")
    project.git("update-ref", "refs/remotes/origin/main", "HEAD")
    if change is not None:
        project.lay(change)
        project.commit("change")
    return project


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A fixture project after ``nox -s gates``: the run and its verdict."""

    project: Project
    run: Run
    verdict: Verdict


def _run_pipeline(project: Project) -> Pipeline:
    run = project.nox("-s", "gates")
    assert (project.reports / "verdict.json").is_file(), f"no verdict was written\n{run}"
    return Pipeline(project, run, project.verdict())


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Pipeline:
    """Adopted with ``gates init``; a tested change: every standard gate passes."""
    root = tmp_path_factory.mktemp("clean")
    return _run_pipeline(make_project(root, nox_runner, init=True, change="clean/change"))


@pytest.fixture(scope="session")
def blocked(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Pipeline:
    """A change with one problem for every kind of gate."""
    root = tmp_path_factory.mktemp("blocked")
    project = make_project(root, nox_runner, setup=("blocked/setup",), change="blocked/change")
    return _run_pipeline(project)


@pytest.fixture(scope="session")
def audited(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Pipeline:
    """A single-module project with a runtime dependency, adopted with ``gates init``."""
    root = tmp_path_factory.mktemp("audit")
    project = make_project(root, nox_runner, base="audit/base", init=True, change="audit/change")
    return _run_pipeline(project)


@pytest.fixture(scope="session")
def no_evidence(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Pipeline:
    """Test stages whose pytest cannot produce evidence (exit 4 and exit 5)."""
    root = tmp_path_factory.mktemp("nostage")
    return _run_pipeline(make_project(root, nox_runner, setup=("nostage/setup",)))


@pytest.fixture
def clean_copy(clean: Pipeline, tmp_path: Path) -> Project:
    """A copy of the clean project, its evidence valid, for a test to break."""
    return clean.project.copy(tmp_path / "project")
