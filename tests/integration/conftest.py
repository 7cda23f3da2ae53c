"""A small git project gated through the real command line.

The session builds one project once: a package, its tests and a ``gates.toml``
on a ``feature`` branch one commit ahead of ``main``, with every stage run by
the real tools through ``gates run`` (pytest with coverage, ruff, mypy,
bandit, diff-cover, git; pip-audit, which needs the network, is its recorded
real report replayed with ``cat``). Each test gets a copy, made with ``.git``,
so the evidence stays valid for the copy's commit, and breaks one thing.

The ``gates`` fixture runs ``gates.cli.main`` in-process and captures what it
prints; :func:`run_module` runs ``python -m gates`` in a subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gates.cli import main

ASSETS = Path(__file__).resolve().parents[1] / "assets"
PY = sys.executable
# Set by an outer run (coverage, CI) and able to change what the inner tools do.
_SCRUBBED = (
    "PYTEST_ADDOPTS",
    "COVERAGE_PROCESS_START",
    "COVERAGE_FILE",
    "COV_CORE_SOURCE",
    "COV_CORE_CONFIG",
    "COV_CORE_DATAFILE",
    "MYPYPATH",
)

GATES_TOML = """\
[gates]
base = "main"

[gate.coverage]
metric = "coverage.percent"
stage = "unit"
min = 80

[gate.tests]
metric = "tests.failed"
stage = "unit"
max = 0

[gate.lint]
metric = "findings"
tool = "ruff"
max = 0

[gate.types]
metric = "findings"
tool = "mypy"
max = 0

[gate.security]
metric = "findings"
tool = ["bandit", "pip-audit"]
severity = "high"
max = 0

[gate.patch]
metric = "coverage.patch_percent"
stage = "diff"
min = 50
"""

GATE_NAMES = ("coverage", "tests", "lint", "types", "security", "patch")

BASE_CALC = '''\
"""Arithmetic."""


def add(a: int, b: int) -> int:
    """The sum."""
    return a + b
'''

FEATURE_CALC = (
    BASE_CALC
    + '''

def clamp(value: int, low: int, high: int) -> int:
    """``value`` within ``[low, high]``."""
    if value < low:
        return low
    if value > high:
        return high
    return value
'''
)

BASE_TESTS = '''\
"""Tests of pkg.calc."""

from pkg.calc import add


def test_add() -> None:
    assert add(1, 2) == 3
'''

FEATURE_TESTS = (
    BASE_TESTS.replace("import add", "import add, clamp")
    + """

def test_clamp() -> None:
    assert clamp(5, 0, 10) == 5
    assert clamp(-1, 0, 10) == 0
"""
)

_IGNORED = ".gates/\n__pycache__/\n.coverage\n.coverage.*\n.mypy_cache/\n.ruff_cache/\n"


# ---------------------------------------------------------------- running gates


@dataclass(frozen=True, slots=True)
class Verdict:
    """The JSON verdict, with the lookups the tests need."""

    document: Mapping[str, Any]

    @property
    def exit_code(self) -> int:
        return int(self.document["exit_code"])

    def gate(self, name: str) -> Mapping[str, Any]:
        found = [gate for gate in self.document["gates"] if gate["name"] == name]
        assert found, f"no gate {name!r} in the verdict"
        gate: Mapping[str, Any] = found[0]
        return gate

    def statuses(self) -> dict[str, str]:
        return {str(gate["name"]): str(gate["status"]) for gate in self.document["gates"]}

    def problems(self, name: str) -> list[Mapping[str, Any]]:
        return list(self.gate(name)["problems"])

    def slugs(self, name: str) -> list[str]:
        return [str(problem["slug"]) for problem in self.problems(name)]

    def problem(self, name: str, slug: str) -> Mapping[str, Any]:
        """The first problem of gate ``name`` with ``slug``; fails naming the slugs found."""
        found = [problem for problem in self.problems(name) if problem["slug"] == slug]
        assert found, f"gate {name!r} has no {slug!r} problem, only {self.slugs(name)}"
        return found[0]


@dataclass(frozen=True, slots=True)
class Ran:
    """One run of the command line: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def verdict(self) -> Verdict:
        return Verdict(json.loads(self.out))


class Gates:
    """``gates`` on the command line, in-process, inside one project."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str] | None = None) -> None:
        self.root = root
        self._capsys = capsys

    def __call__(self, *argv: str) -> Ran:
        if self._capsys is None:
            return Ran(main(list(argv)), "", "")
        self._capsys.readouterr()
        code = main(list(argv))
        captured = self._capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    def check(self, *argv: str, config: Path | None = None) -> Ran:
        """``gates check --format json`` of the project (its own gates.toml by default)."""
        policy = config or self.root / "gates.toml"
        return self(
            "check", "--root", str(self.root), "--config", str(policy), "--format", "json", *argv
        )

    def run(self, stage: str, *argv: str) -> Ran:
        """``gates run STAGE ...`` in the project."""
        return self("run", stage, "--root", str(self.root), *argv)

    def stage(self, stage: str, steps: Sequence[Sequence[str]]) -> list[int]:
        """Run every step of ``stage``; the exit code of each."""
        return [self.run(stage, *step).code for step in steps]

    def replay(
        self,
        stage: str,
        report: str,
        data: bytes,
        *,
        tool: str,
        version: str = "unknown",
        fresh: bool = False,
    ) -> Ran:
        """Add ``data`` to ``stage`` (or start it, when ``fresh``) as the report ``FORMAT=NAME``
        of ``tool``, written to standard output by ``cat``."""
        source = self.root.parent / f"replayed-{report.partition('=')[2].replace('/', '-')}"
        source.write_bytes(data)
        return self.run(
            stage,
            *([] if fresh else ["--append"]),
            "--tool",
            tool,
            "--tool-version",
            version,
            "--stdout",
            report,
            "--",
            "cat",
            str(source),
        )


def run_module(
    *argv: str, cwd: Path, timeout: float = 120, program: str = ""
) -> subprocess.CompletedProcess[str]:
    """``python -m gates ARGV`` in a subprocess (``python -c PROGRAM ARGV`` when given)."""
    start = ["-c", program] if program else ["-m", "gates"]
    return subprocess.run(
        [PY, *start, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# ---------------------------------------------------------------- the project


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, timeout=60
    )
    return result.stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def write_project(root: Path) -> None:
    """``main``: a package with one function; ``feature`` (checked out): one more, tested."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    (root / "pkg").mkdir()
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text('"""A small package."""\n')
    (root / "pkg" / "calc.py").write_text(BASE_CALC)
    (root / "tests" / "test_calc.py").write_text(BASE_TESTS)
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    (root / "gates.toml").write_text(GATES_TOML)
    (root / ".gitignore").write_text(_IGNORED)
    commit_all(root, "base")
    git(root, "checkout", "-q", "-b", "feature")
    (root / "pkg" / "calc.py").write_text(FEATURE_CALC)
    (root / "tests" / "test_calc.py").write_text(FEATURE_TESTS)
    commit_all(root, "clamp")


def step(*options: str, command: Sequence[str]) -> list[str]:
    """The arguments of one ``gates run`` step after the stage name: options, ``--``, command."""
    return [*options, "--", *command]


def unit_stage(*extra: str) -> list[list[str]]:
    """pytest with coverage: JUnit XML, coverage JSON, and coverage XML for diff-cover."""
    command = [PY, "-m", "pytest", "-q", "--cov=pkg", "--cov-branch"]
    command += ["--junitxml={stage_dir}/junit.xml", "--cov-report=json:{stage_dir}/coverage.json"]
    command += ["--cov-report=xml:{stage_dir}/coverage.xml", *extra, "tests"]
    return [
        step("--tool", "pytest", "--report", "junit-xml=junit.xml", command=command),
        step(
            "--append",
            "--tool",
            "coverage",
            "--report",
            "coverage-json=coverage.json",
            command=["true"],
        ),
    ]


def lint_stage(*paths: str) -> list[list[str]]:
    """ruff's findings, and the files it checked."""
    ruff = [PY, "-m", "ruff", "check", "--isolated", "--no-cache"]
    where = list(paths or ("pkg", "tests"))
    return [
        step(
            "--tool",
            "ruff",
            "--stdout",
            "ruff-json=ruff.json",
            command=[*ruff, "--output-format", "json", *where],
        ),
        step(
            "--append",
            "--tool",
            "ruff",
            "--stdout",
            "file-list=files.txt",
            command=[*ruff, "--show-files", *where],
        ),
    ]


def type_stage(*paths: str) -> list[list[str]]:
    """mypy's JSON lines, and the modules it checked."""
    command = [
        PY,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir=/dev/null",
        "-O",
        "json",
    ]
    command += ["--linecount-report", "{stage_dir}/lc", *(paths or ("pkg",))]
    options = ["--stdout", "mypy-json=mypy.json", "--report", "mypy-linecount=lc/linecount.txt"]
    return [step("--tool", "mypy", *options, command=command)]


def security_stage(pip_audit: str = "clean.json") -> list[list[str]]:
    """bandit, and pip-audit's recorded real report (pip-audit needs the network)."""
    recorded = ASSETS / "pip-audit" / "2.10.1" / pip_audit
    bandit = [PY, "-m", "bandit", "-q", "-r", "pkg", "-f", "json", "-o", "{stage_dir}/bandit.json"]
    options = ["--tool-version", "2.10.1", "--stdout", "pip-audit-json=pip-audit.json"]
    return [
        step("--tool", "bandit", "--report", "bandit-json=bandit.json", command=bandit),
        step("--append", "--tool", "pip-audit", *options, command=["cat", str(recorded)]),
    ]


def diff_stage(coverage_xml: str = ".gates/unit/coverage.xml") -> list[list[str]]:
    """diff-cover against main, and git's count of the Python lines the change adds."""
    numstat = (
        'echo "# git diff --numstat main...HEAD -- *.py"; git diff --numstat main...HEAD -- "*.py"'
    )
    diff_cover = [str(Path(PY).with_name("diff-cover")), coverage_xml, "--compare-branch=main"]
    diff_cover += ["--ignore-staged", "--ignore-unstaged", "-q"]
    diff_cover += ["--format", "json:{stage_dir}/diff-cover.json"]
    return [
        step(
            "--tool",
            "diff-cover",
            "--report",
            "diff-cover-json=diff-cover.json",
            command=diff_cover,
        ),
        step(
            "--append",
            "--tool",
            "git",
            "--stdout",
            "git-numstat=numstat.txt",
            command=["sh", "-c", numstat],
        ),
    ]


def build_stages(gates: Gates) -> None:
    """Run every stage; each step must produce its evidence (exit 0)."""
    for name, steps in (
        ("unit", unit_stage()),
        ("lint", lint_stage()),
        ("type", type_stage()),
        ("security", security_stage()),
        ("diff", diff_stage()),
    ):
        codes = gates.stage(name, steps)
        assert codes == [0] * len(steps), f"stage {name} exited {codes}"


@pytest.fixture(scope="session")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project with fresh evidence of every stage (built once; copy it, never change it)."""
    root = tmp_path_factory.mktemp("golden") / "project"
    with pytest.MonkeyPatch.context() as patch:
        for name in _SCRUBBED:
            patch.delenv(name, raising=False)
        write_project(root)
        build_stages(Gates(root))
    yield root


@pytest.fixture(autouse=True)
def _quiet_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(golden: Path, tmp_path: Path) -> Path:
    """A private copy of the golden project, evidence and history included."""
    root = tmp_path / "project"
    shutil.copytree(golden, root, symlinks=True)
    return root


@pytest.fixture
def gates(project: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    return Gates(project, capsys)


@pytest.fixture
def bare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    """A fresh project (both commits, no evidence) for tests that need no real tool."""
    root = tmp_path / "project"
    write_project(root)
    return Gates(root, capsys)


def edit(path: Path, old: bytes, new: bytes) -> None:
    """Replace the first ``old`` in ``path`` (which must hold it) by ``new``."""
    data = path.read_bytes()
    assert old in data, f"{old!r} not in {path}"
    path.write_bytes(data.replace(old, new, 1))
