"""How gates init reads the way a project runs its tests: install, runner, formatter."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.init.environment.projectenv import read_toml
from gates.init.layout.projectruns import Runs, how_it_runs


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _runs(
    root: Path, install: tuple[str, ...], *, tests: str = "tests", benchmarks: tuple[str, ...] = ()
) -> Runs:
    return how_it_runs(
        root, read_toml(root / "pyproject.toml"), install, tests=[tests], benchmarks=benchmarks
    )


_MDIT_PYPROJECT = """\
[project]
name = "markdown-it-py"
dependencies = ["mdurl~=0.1"]
[project.optional-dependencies]
compare = ["commonmark~=0.9"]
linkify = ["linkify-it-py>=1,<3"]
testing = ["coverage", "pytest", "pytest-regressions"]
benchmarking = ["psutil", "pytest", "pytest-benchmark"]
"""

_MDIT_TOX = """\
[tox]
envlist = py310
[testenv:py{310,311}]
extras = linkify, testing
commands = pytest {posargs:tests/}
[testenv:py{310,311}-bench-core]
extras = benchmarking
commands = pytest benchmarking/bench_core.py {posargs}
[testenv:py{310,311}-bench-packages]
extras = benchmarking,compare
commands = pytest benchmarking/bench_packages.py {posargs}
[testenv:docs]
extras = rtd
commands = sphinx-build docs out
"""


def test_the_tox_test_environment_adds_its_extras_and_the_benchmarks_theirs(
    tmp_path: Path,
) -> None:
    """markdown-it-py: 73 false failures without linkify, no benchmark evidence without psutil."""
    _write(tmp_path, {"pyproject.toml": _MDIT_PYPROJECT, "tox.ini": _MDIT_TOX})
    runs = _runs(
        tmp_path,
        ("-e", ".[testing]"),
        benchmarks=("benchmarking/bench_core.py", "benchmarking/bench_packages.py"),
    )
    assert runs.install == ("-e", ".[linkify,testing]")
    assert runs.bench_install == (".[benchmarking,compare]",)
    assert runs.runner == "pytest"
    assert "tox.ini [testenv:py{310,311}] adds" in runs.notes[0]
    assert runs.commands == (
        "pytest tests/",
        "pytest benchmarking/bench_core.py",
        "pytest benchmarking/bench_packages.py",
    )


def test_what_the_install_already_brings_is_not_added_again(tmp_path: Path) -> None:
    """attrs: dev includes the tests group; tox's `cov` group adds only coverage, gates' own."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "attrs"\n[dependency-groups]\n'
            'tests = ["pytest", "hypothesis"]\n'
            'cov = [{include-group = "tests"}, "coverage[toml]"]\n'
            'dev = [{include-group = "tests"}, "ruff"]\n',
            "tox.ini": "[tox]\nenv_list = 3.10-tests\n[testenv:3.10-tests]\n"
            "dependency_groups = cov\ndeps = hypothesis\n  -r requirements-extra.txt\n"
            "commands = coverage run -m pytest\n",
        },
    )
    runs = _runs(tmp_path, ("-e", ".", "--group", "dev"))
    assert runs.install == ("-e", ".", "--group", "dev", "-r", "requirements-extra.txt")


def test_a_project_that_runs_unittest_only_gets_the_unittest_runner(tmp_path: Path) -> None:
    """more-itertools: tox and its Makefile run `python -m unittest`, nothing installs pytest."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "more-itertools"\n',
            "tox.ini": "[testenv]\ncommands = {envpython} -m unittest -v {posargs}\n",
            "Makefile": "test:\n\tpython -m unittest -v ${tests}\n",
            "tests/test_more.py": "def load_tests(loader, tests, ignore):\n    return tests\n",
        },
    )
    runs = _runs(tmp_path, ("-e", "."))
    assert runs.runner == "unittest"
    assert runs.install == ("-e", ".")  # no pytest: unittest runs the tests
    assert runs.runner_why.startswith(
        "the project runs its tests with unittest (tox.ini [testenv]: `python -m unittest -v`)"
    )
    assert runs.notes == (runs.runner_why,)


def test_a_build_script_that_runs_unittest_discover_is_quoted(tmp_path: Path) -> None:
    """apache/avro lang/py: build.sh runs `coverage run -pm unittest discover`."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "avro"\n[dependency-groups]\ndev = ["coverage"]\n',
            "build.sh": "interop() {\n  uv run python3 -m unittest avro.test.test_interop\n}\n"
            "coverage() {\n  uv run coverage run -pm unittest discover --buffer --failfast\n}\n",
        },
    )
    runs = _runs(tmp_path, ("-e", ".", "--group", "dev"), tests="avro/test")
    assert runs.runner == "unittest"
    assert "(build.sh: `uv run coverage run -pm unittest discover --buffer --failfast`)" in (
        runs.runner_why
    )


@pytest.mark.parametrize(
    "files",
    [
        {
            "pyproject.toml": '[project]\nname = "p"\n[tool.pytest.ini_options]\nxfail_strict = true\n'
        },
        {
            "pyproject.toml": '[project]\nname = "p"\n',
            "tox.ini": "[testenv:x]\ncommands = pytest\n",
        },
        {"pyproject.toml": '[project]\nname = "p"\n[dependency-groups]\ndev = ["pytest>=8"]\n'},
    ],
)
def test_pytest_configured_run_or_installed_keeps_pytest_and_says_what_it_misses(
    tmp_path: Path, files: dict[str, str]
) -> None:
    files = {
        **files,
        "Makefile": "test:\n\tpython -m unittest\n",
        "tests/test_a.py": "import doctest\n\ndef load_tests(loader, tests, ignore):\n"
        "    return tests\n",
    }
    _write(tmp_path, files)
    runs = _runs(tmp_path, ("-e", ".", "--group", "dev"))
    assert runs.runner == "pytest"
    assert any(
        "pytest does not run `load_tests` (tests/test_a.py)" in note and 'runner="unittest"' in note
        for note in runs.notes
    )


def test_pytest_is_installed_when_the_project_does_not_bring_it(tmp_path: Path) -> None:
    _write(
        tmp_path, {"pyproject.toml": '[project]\nname = "p"\n', "requirements-dev.txt": "attrs\n"}
    )
    runs = _runs(tmp_path, ("-e", ".", "-r", "requirements-dev.txt"))
    assert runs.install == ("-e", ".", "-r", "requirements-dev.txt", "pytest")
    assert runs.notes == (
        "pytest is not in the project's development environment: the test stages install it",
    )
    (tmp_path / "requirements-dev.txt").write_text("-r more.txt\n")
    (tmp_path / "more.txt").write_text("pytest==8.3\n")
    assert _runs(tmp_path, ("-e", ".", "-r", "requirements-dev.txt")).install[-1] == (
        "requirements-dev.txt"
    )


@pytest.mark.parametrize(
    ("files", "formatter"),
    [
        # humanize: black in pre-commit, ruff only checks
        (
            {
                ".pre-commit-config.yaml": "repos:\n"
                "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.15.20\n"
                "    hooks:\n      - id: ruff-check\n"
                "  - repo: https://github.com/psf/black-pre-commit-mirror\n    rev: 26.5.1\n"
                "    hooks:\n      - id: black\n"
            },
            None,
        ),
        ({"pyproject.toml": '[project]\nname = "p"\n[tool.black]\nline-length = 100\n'}, None),
        ({"tox.ini": "[testenv:lint]\ncommands = black --check .\n"}, None),
        ({".github/workflows/lint.yml": "steps:\n  - uses: psf/black@stable\n"}, None),
        # black and ruff format both: ruff format is the project's too
        (
            {
                "pyproject.toml": '[project]\nname = "p"\n[tool.black]\nline-length = 100\n',
                "Makefile": "fmt:\n\truff format .\n",
            },
            "ruff",
        ),
        # a black dependency pinned is not a black run
        ({"requirements-dev.txt": "black==24.1\n"}, "ruff"),
        ({}, "ruff"),
    ],
)
def test_a_project_formatted_with_black_and_not_ruff_is_not_format_gated(
    tmp_path: Path, files: dict[str, str], formatter: str | None
) -> None:
    _write(tmp_path, files)
    runs = _runs(tmp_path, ("-e", "."))
    assert runs.format == formatter
    assert ("does not gate formatting (format=None)" in runs.format_why) is (formatter is None)
