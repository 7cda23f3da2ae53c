"""Pipeline options gates init chooses per project: the unittest runner, no format gate, extras merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nox.command
import pytest

from gates.init.environment.projectenv import merge_install
from gates.nox import Pipeline
from tests.unit.test_nox import drive


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    return tmp_path


def _commands(session: Any) -> list[list[str]]:
    return [step[step.index("--") + 1 :] for step in session.gates_runs()]


@pytest.mark.parametrize(("package", "top"), [(True, ["-t", "."]), (False, [])])
def test_the_unittest_runner_discovers_under_coverage_and_writes_junit(
    in_project: Path, package: bool, top: list[str]
) -> None:
    (in_project / "tests").mkdir()
    if package:
        (in_project / "tests" / "__init__.py").write_text("")
    pipeline = Pipeline(package="more_itertools", tests="tests", runner="unittest")
    session = drive(pipeline.run_unit, "unit", posargs=("-k", "chunked"))
    first = session.gates_runs()[0]
    assert _commands(session)[0] == [
        "coverage",
        "run",
        "--source=more_itertools",
        "-m",
        "gates.unittest_junit",
        "--output-file",
        "{stage_dir}/junit.xml",
        "discover",
        "-s",
        "tests",
        *top,
        "-k",
        "chunked",
    ]
    assert first[first.index("--tool") + 1] == "unittest-xml-reporting"
    assert "junit-xml=junit.xml" in first
    assert session.installs[0][-2:] == ("coverage", "unittest-xml-reporting")
    assert pipeline.planned("unit") == ("unittest-xml-reporting", "coverage")


def test_pytest_remains_the_default_runner(in_project: Path) -> None:
    session = drive(Pipeline(package="pkg").run_unit, "unit")
    command = _commands(session)[0]
    assert command[command.index("-m", 3) : command.index("-m", 3) + 2] == ["-m", "pytest"]
    assert Pipeline(package="pkg").planned("unit") == ("pytest", "coverage")


@pytest.mark.parametrize("reruns", [0, 2, 5])
def test_pytest_runs_through_the_rerun_wrapper_with_its_report_log(
    in_project: Path, reruns: int
) -> None:
    """0 reruns: no rerun, and still the report-log, the stage's test evidence."""
    session = drive(Pipeline(package="pkg", reruns=reruns).run_unit, "unit")
    first = session.gates_runs()[0]
    command = first[first.index("--") + 1 :]
    wrapper = command[: command.index("--") + 1]
    assert wrapper == [
        *("python", "-m", "gates.stage.rerun", "--report-log", "{stage_dir}/reportlog.jsonl"),
        *("--reruns", str(reruns), "--"),
    ]
    assert command[len(wrapper) : len(wrapper) + 3] == ["coverage", "run", "--parallel-mode"]
    assert first.count("--report") == 2
    assert "pytest-reportlog=reportlog.jsonl" in first and "junit-xml=junit.xml" in first
    assert first[first.index("--tool") + 1] == "pytest"


def test_the_unittest_runner_is_not_rerun(in_project: Path) -> None:
    session = drive(Pipeline(package="pkg", runner="unittest", tests=".").run_unit, "unit")
    first = session.gates_runs()[0]
    assert "gates.stage.rerun" not in first and "--parallel-mode" not in first
    assert not any(arg.startswith("pytest-reportlog") for arg in first)
    assert "pytest-reportlog" not in session.installs[0]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"runner": "nose"}, "the runners are 'pytest', 'unittest'"),
        ({"format": "black"}, 'ruff format ("ruff") or no formatting (None)'),
        ({"runner": "unittest", "tests": ["a", "b"]}, "unittest discovers the tests of one folder"),
        ({"reruns": -1}, "Pipeline(reruns=-1): how many times a failed test runs again"),
        ({"reruns": True}, "a whole number, 0 for none"),
        ({"reruns": "2"}, "a whole number, 0 for none"),
    ],
)
def test_an_unknown_runner_or_formatter_is_refused_naming_the_noxfile(
    options: dict[str, Any], words: str
) -> None:
    with pytest.raises(ValueError, match=r"fix noxfile\.py") as caught:
        Pipeline(package="pkg", **options)
    assert words in str(caught.value)


def test_without_a_format_gate_the_lint_stage_runs_ruff_check_and_the_complexity_tools_only(
    in_project: Path,
) -> None:
    session = drive(Pipeline(package="pkg", format=None).run_lint, "lint")
    assert [command[:2] for command in _commands(session)] == [
        ["ruff", "check"],
        ["ruff", "check"],
        ["radon", "cc"],
        ["radon", "mi"],
        ["complexipy", "pkg"],
        ["pylint", "--disable=all"],
    ]


def test_a_setup_py_target_is_audited_as_its_install_requires(in_project: Path) -> None:
    (in_project / "setup.py").write_text(
        "from setuptools import setup\nsetup(install_requires=['requests'])\n"
    )
    session = drive(Pipeline(package="pkg", audit=["setup.py"]).run_security, "security")
    (audit,) = [command for command in _commands(session) if command[0] == "pip-audit"]
    assert audit[:3] == ["pip-audit", "-r", ".nox/security/gates-runtime-requirements.txt"]
    (in_project / "setup.py").write_text(
        "from setuptools import setup\nsetup(install_requires=x)\n"
    )
    with pytest.raises(nox.command.CommandFailed, match="install_requires is computed"):
        drive(Pipeline(package="pkg", audit=["setup.py"]).run_security, "security")


def test_extras_a_stage_adds_fold_into_the_projects_own_argument(in_project: Path) -> None:
    """pip refuses `-e .[testing] .[benchmarking]` ("conflicting dependencies")."""
    pipeline = Pipeline(
        package="pkg",
        benchmarks="benchmarking",
        install=["-e", ".[linkify,testing]"],
        extra_install={"benchmark": [".[benchmarking,compare]"], "type": ["-e", ".[typing]"]},
    )
    ((args, _),) = drive(pipeline.run_benchmark, "benchmark").runs
    assert "--install=-e '.[linkify,testing,benchmarking,compare]'" in args
    typed = drive(pipeline.run_type, "type")
    assert typed.installs[0][2:4] == ("-e", ".[linkify,testing,typing]")
    assert merge_install(["--group", "dev"], [".[a]"]) == ["--group", "dev", ".[a]"]
    assert merge_install(["-e", "."], ["pytest", "-e", "../lib"]) == [
        "-e",
        ".",
        "pytest",
        "-e",
        "../lib",
    ]
