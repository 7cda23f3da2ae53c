"""The project's tox environments and nox sessions, read as tox and nox read them (never run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.init.layout.testenv import Env, read_envs, runs_pytest, runs_unittest

# executablebooks/markdown-it-py's tox.ini, shortened
_MDIT = """\
[tox]
envlist = py310

[testenv]
usedevelop = true

[testenv:py{310,311,312,313}]
extras =
    linkify
    testing
commands = pytest {posargs:tests/}

[testenv:py{310,311,312,313}-plugins]
extras = testing
changedir = {envtmpdir}
commands = pytest {posargs}

[testenv:py{310,311,312,313}-bench-core]
extras = benchmarking
commands = pytest benchmarking/bench_core.py {posargs}

[testenv:py{310,311,312,313}-bench-packages]
extras = benchmarking,compare
commands = pytest benchmarking/bench_packages.py {posargs}
"""

# python-attrs/attrs' tox.ini, shortened: factor conditions, a range, section inheritance
_ATTRS = """\
[tox]
env_list =
    lint-{ruff,pre-commit},
    3.1{0-5}-tests,
    # Mypy needs to run within the respective Python version
    3.1{0-5}-mypy,

[testenv]
dependency_groups =
    tests: tests
    mypy: mypy
commands =
    tests: pytest {posargs:-n auto}
    mypy: mypy typing_tests

[testenv:3.1{0,4}-tests]
dependency_groups = cov
deps = -r{toxinidir}/requirements-cov.txt
commands = coverage run -m pytest {posargs:-n auto}

[testenv:lint-{ruff,pre-commit}]
skip_install = true
dependency_groups = lint
commands =
    ruff: ruff check .
    pre-commit: prek run --all-files
"""


def _envs(root: Path) -> dict[str, Env]:
    envs, _ = read_envs(root)
    return {env.name: env for env in envs}


def test_tox_ini_sections_braces_and_posargs(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text(_MDIT)
    envs, defaults = read_envs(tmp_path)
    assert defaults == ("py310",)
    by_name = {env.name: env for env in envs}
    assert by_name["py310"] == Env(
        name="py310",
        where="tox.ini [testenv:py{310,311,312,313}]",
        extras=("linkify", "testing"),
        commands=("pytest tests/",),
    )
    assert by_name["py313-bench-packages"].extras == ("benchmarking", "compare")
    assert by_name["py311-plugins"].elsewhere  # changedir: not the project's own tests
    assert by_name["py310"].runs_tests


def test_tox_factor_conditions_ranges_and_inheritance(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text(_ATTRS)
    envs, defaults = read_envs(tmp_path)
    assert defaults[:4] == ("lint-ruff", "lint-pre-commit", "3.10-tests", "3.11-tests")
    assert len(defaults) == 14  # the comment line inside env_list is no environment
    by_name = {env.name: env for env in envs}
    assert by_name["3.10-tests"].groups == ("cov",)  # its own section
    assert by_name["3.10-tests"].deps == ("-r./requirements-cov.txt",)
    assert by_name["3.10-tests"].commands == ("coverage run -m pytest -n auto",)
    assert by_name["3.11-tests"].groups == ("tests",)  # [testenv], the `tests:` lines
    assert by_name["3.11-tests"].commands == ("pytest -n auto",)
    assert by_name["3.12-mypy"].groups == ("mypy",)
    assert by_name["3.12-mypy"].commands == ("mypy typing_tests",)
    assert by_name["lint-ruff"].commands == ("ruff check .",)
    assert by_name["lint-ruff"].extras == ()  # skip_install


def test_tox_toml_and_pyproject_tool_tox(tmp_path: Path) -> None:
    (tmp_path / "tox.toml").write_text(
        'env_list = ["3.13", "docs"]\n'
        '[env_run_base]\nextras = ["test"]\ndeps = ["-r requirements-test.txt"]\n'
        'commands = [["pytest", { replace = "posargs", default = ["tests"], extend = true }]]\n'
        '[env.docs]\nextras = ["docs"]\ncommands = [["sphinx-build", "docs", "out"]]\n'
    )
    envs = _envs(tmp_path)
    assert envs["3.13"].extras == ("test",)
    assert envs["3.13"].deps == ("-r", "requirements-test.txt")
    assert envs["3.13"].commands == ("pytest tests",)
    assert envs["docs"].extras == ("docs",)
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text(
        '[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py\n[testenv]\nextras = tests\n'
        'commands = {envpython} -m pytest\n"""\n'
    )
    assert _envs(other)["py"].commands == ("python -m pytest",)


def test_the_projects_own_noxfile_is_read_with_ast(tmp_path: Path) -> None:
    (tmp_path / "noxfile.py").write_text(
        "import nox\n\nEXTRA = 'x'\n\n"
        "@nox.session(python=['3.12'])\ndef tests(session):\n"
        "    session.install('-e', '.[test,yaml]', 'pytest-xdist', EXTRA)\n"
        "    session.run('pytest', '-n', 'auto', *session.posargs)\n\n"
        "@nox.session(name='bench')\ndef benchmarks(session):\n"
        "    session.install('.[bench]', '--group', 'perf')\n"
        "    session.run('pytest', 'benchmarks')\n\n"
        "def helper(session):\n    session.run('rm', '-rf', 'build')\n"
    )
    envs = _envs(tmp_path)
    assert set(envs) == {"tests", "bench"}
    assert envs["tests"].extras == ("test", "yaml")
    assert envs["tests"].deps == ("pytest-xdist",)  # the name EXTRA is not a literal
    assert envs["tests"].commands == ("pytest -n auto",)
    assert (envs["bench"].extras, envs["bench"].groups) == (("bench",), ("perf",))
    assert envs["bench"].where == "noxfile.py session bench"
    (tmp_path / "noxfile.py").write_text("from gates.nox import Pipeline\n")
    assert _envs(tmp_path) == {}  # gates' own noxfile says nothing about the project


@pytest.mark.parametrize(
    ("command", "pytest", "unittest"),
    [
        ("pytest tests/", True, False),
        ("python -m pytest -x", True, False),
        ("coverage run -m pytest", True, False),
        ("py.test", True, False),
        ("pip install pytest-cov", False, False),
        ("python -m unittest -v", False, True),
        ("{envpython} -m unittest", False, True),
        ("uv run coverage run -pm unittest discover --buffer", False, True),
        ("python -m xmlrunner discover", False, True),
        ("ruff check .", False, False),
    ],
)
def test_what_runs_pytest_and_what_runs_unittest(
    command: str, pytest: bool, unittest: bool
) -> None:
    assert (runs_pytest(command), runs_unittest(command)) == (pytest, unittest)
