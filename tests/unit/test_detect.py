"""gates init reads the project's own configuration before it guesses.

(gates.init.layout.detect, gates.init.environment.devenv)
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from gates.errors import UsageError
from gates.init.layout import detect as detect_module
from gates.init.layout.detect import benchmark_files, pytest_testpaths, python_for
from gates.init.scaffold import detect, init, render_noxfile, render_policy
from gates.policy.load import parse_policy

PINS = b"# gates' pins\nmypy==2.4.1\nruff==0.17.6\nbandit==1.9.4\n"


@pytest.fixture(autouse=True)
def _no_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """gates init asks uv whether the groups install (the index): not in these tests."""
    monkeypatch.setattr("gates.init.environment.devenv._uv_binary", lambda: None)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize(
    ("files", "tests", "source"),
    [
        (
            {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = "checks"\n'},
            ("checks",),
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["checks", "more", "gone"]\n'
            },
            ("checks", "more"),  # a testpath that is not there is left out, as pytest does
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.pytest]\ntestpaths = ["more"]\n'
                '[tool.pytest.ini_options]\ntestpaths = "checks"\n'
            },
            ("more",),  # pytest 9's native table wins
            "pyproject.toml",
        ),
        ({"pytest.toml": '[pytest]\ntestpaths = ["more"]\n'}, ("more",), "pytest.toml"),
        ({"pytest.ini": "[pytest]\ntestpaths = checks more\n"}, ("checks", "more"), "pytest.ini"),
        ({"tox.ini": "[tox]\n[pytest]\ntestpaths = checks\n"}, ("checks",), "tox.ini"),
        ({"setup.cfg": "[tool:pytest]\ntestpaths =\n  more\n"}, ("more",), "setup.cfg"),
        # pytest.ini is pytest's configuration even without testpaths: tox.ini is not read
        ({"pytest.ini": "[pytest]\n", "tox.ini": "[pytest]\ntestpaths = checks\n"}, ("tests",), ""),
        # tox.ini without a [pytest] section is not pytest's: setup.cfg is
        (
            {"tox.ini": "[tox]\n", "setup.cfg": "[tool:pytest]\ntestpaths = more\n"},
            ("more",),
            "setup.cfg",
        ),
        (
            {"pytest.ini": "[pytest]\ntestpaths = pkg/*/checks\n"},
            ("pkg/a/checks", "pkg/b/checks"),
            "pytest.ini",
        ),
    ],
)
def test_the_tests_are_pytests_testpaths_before_any_guess(
    tmp_path: Path, files: dict[str, str], tests: tuple[str, ...], source: str
) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a/checks/test_a.py": "",
            "pkg/b/checks/test_b.py": "",
            "checks/test_c.py": "",
            "more/test_d.py": "",
            "tests/test_e.py": "",
            **files,
        },
    )
    layout = detect(tmp_path)
    assert (layout.tests, layout.tests_from) == (tests, source)
    if source:
        assert f"# pytest's testpaths, from {source}" in render_noxfile(layout)


def test_testpaths_with_a_unit_and_integration_split_get_both_stages(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["testing"]\n',
            "pkg/__init__.py": "",
            "testing/unit/test_a.py": "",
            "testing/integration/test_b.py": "",
        },
    )
    layout = detect(tmp_path)
    assert (layout.tests, layout.integration) == (("testing/unit",), "testing/integration")
    assert pytest_testpaths(tmp_path) == (("testing",), "pyproject.toml")


def test_benchmarks_are_tests_that_take_the_benchmark_fixture_wherever_they_are(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "testing/benchmark.py": "def test_call(benchmark):\n    benchmark(len, [])\n",
            "testing/test_other.py": '"""benchmark"""\ndef test_x(): assert "benchmark"\n',
            "pkg/bench.py": "def run(benchmark):\n    return benchmark\n",  # not a test
            "tests/test_async.py": "class TestA:\n    async def test_a(self, benchmark): ...\n",
            "tests/broken.py": "def test_(benchmark:\n",
            ".venv/lib/test_v.py": "def test_v(benchmark): ...\n",
        },
    )
    assert benchmark_files(tmp_path) == ("testing/benchmark.py", "tests/test_async.py")
    _write(tmp_path, {"pkg/__init__.py": ""})
    assert detect(tmp_path, tests="tests").benchmarks == (
        "testing/benchmark.py",
        "tests/test_async.py",
    )


def test_benchmarks_all_in_a_benchmarks_folder_are_that_folder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "tests/test_a.py": "",
            "benchmarks/suite/bench_a.py": "def test_a(benchmark): ...\n",
            "benchmarks/bench_b.py": "def test_b(benchmark): ...\n",
            "benchmarks/conftest.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.benchmarks == ("benchmarks",)
    assert 'benchmarks="benchmarks",' in render_noxfile(layout)


def test_requires_python_this_interpreter_satisfies_needs_nothing() -> None:
    assert python_for(f">={sys.version_info.major}.{sys.version_info.minor}", where="p") is None


def test_requires_python_that_excludes_this_one_names_the_python_the_stages_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = [(sys.version_info.minor + 3, f"3.{sys.version_info.minor + 3}.1")]
    monkeypatch.setattr(detect_module, "_installed_pythons", lambda: iter(installed))
    wanted = f">=3.{sys.version_info.minor + 3}"
    assert python_for(wanted, where="pyproject.toml") == f"3.{sys.version_info.minor + 3}"
    monkeypatch.setattr(detect_module, "_installed_pythons", lambda: iter([]))
    with pytest.raises(UsageError) as caught:
        python_for(wanted, where="pyproject.toml")
    message = caught.value.message
    assert f"requires-python '{wanted}' excludes this Python {sys.version.split()[0]}" in message
    assert "no python3.N on PATH satisfies it" in message
    assert "uv python install" in caught.value.hint
    with pytest.raises(UsageError, match="is not a version specifier"):
        python_for(">=3.x", where="pyproject.toml")


def test_the_noxfile_names_the_python_the_project_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(detect_module, "_installed_pythons", lambda: iter([(99, "3.99.0")]))
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "pkg"\nrequires-python = ">=3.99"\n',
            "pkg/__init__.py": "",
            "tests/t.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.python == "3.99"
    assert 'python="3.99",' in render_noxfile(layout)


def test_a_package_in_a_sub_project_is_proposed(tmp_path: Path) -> None:
    """fastapi/full-stack-fastapi-template: a workspace root, and backend/app with its pyproject."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["backend"]\n',
            "uv.lock": 'version = 1\n[[package]]\nname = "mypy"\nversion = "1.11.2"\n',
            "backend/pyproject.toml": '[project]\nname = "app"\nversion = "0.1"\n'
            '[dependency-groups]\ndev = ["pytest", "mypy"]\n',
            "backend/app/__init__.py": "",
            "backend/tests/test_app.py": "",
            "frontend/package.json": "{}",
        },
    )
    with pytest.raises(UsageError) as caught:
        detect(tmp_path)
    assert "a sub-folder is a Python project of its own: backend/ (package backend/app)" in (
        caught.value.message
    )
    assert f"`gates init --root {tmp_path / 'backend'}`" in caught.value.hint
    layout = detect(tmp_path / "backend")
    assert (layout.packages, layout.tests, layout.lock) == (("app",), ("tests",), "../uv.lock")
    assert 'lock="../uv.lock",' in render_noxfile(layout)
    result = init(tmp_path / "backend", pins=PINS)
    pins = (tmp_path / "backend" / "gates-tools.txt").read_text()
    assert "\nmypy==" not in pins  # the workspace lock's mypy is the one the stages install
    assert "# mypy: the project's own version (locked: ../uv.lock (mypy==1.11.2))" in pins
    assert "ruff==0.17.6" in pins
    assert result.layout.install == ("-e", ".", "--group", "dev")


@pytest.mark.parametrize(
    ("pyproject", "install", "type_install"),
    [
        # uv's default groups are the development environment, plus a test group
        (
            (
                '[tool.uv]\ndefault-groups = ["lint", "docs"]\n'
                '[dependency-groups]\nlint = ["ruff"]\ndocs = []\ntesting = ["pytest"]\ntyping = []\n'
            ),
            ("-e", ".", "--group", "lint", "--group", "docs", "--group", "testing"),
            ("--group", "typing"),
        ),
        # the dev group, which includes the tests and the typing group already
        (
            (
                '[dependency-groups]\ntests = ["pytest"]\ntyping = ["mypy"]\n'
                'dev = [{include-group = "tests"}, {include-group = "typing"}]\n'
                '[project.optional-dependencies]\ntest = ["pytest"]\n'
            ),
            ("-e", ".", "--group", "dev"),
            (),
        ),
        # a project uv does not install (package = false) is not installed
        (
            '[tool.uv]\npackage = false\n[dependency-groups]\ndev = ["pytest"]\n',
            ("--group", "dev"),
            (),
        ),
        (
            '[tool.uv]\ndefault-groups = "all"\n[dependency-groups]\na = []\nb = []\n',
            # neither group brings pytest: the test stages install it
            ("-e", ".", "--group", "a", "--group", "b", "pytest"),
            (),
        ),
    ],
)
def test_the_install_is_the_projects_development_environment(
    tmp_path: Path, pyproject: str, install: tuple[str, ...], type_install: tuple[str, ...]
) -> None:
    _write(tmp_path, {"pyproject.toml": pyproject, "pkg/__init__.py": "", "tests/t.py": ""})
    layout = detect(tmp_path)
    assert (layout.install, layout.type_install) == (install, type_install)


def test_runtime_and_test_requirements_files_are_both_installed(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "requirements.txt": "attrs\n",
            "requirements/test.txt": "pytest\n",
            "pkg/__init__.py": "",
            "tests/t.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.install == ("-e", ".", "-r", "requirements.txt", "-r", "requirements/test.txt")


def test_mypy_checks_what_the_projects_mypy_configuration_names(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "mypy.ini": "[mypy]\nfiles = pkg, tests/typing, gone\n",
            "pyproject.toml": '[tool.mypy]\nfiles = ["ignored"]\n',
            "pkg/__init__.py": "",
            "tests/typing/t.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.typecheck == ("pkg", "tests/typing")
    assert 'typecheck=["pkg", "tests/typing"],' in render_noxfile(layout)
    (tmp_path / "mypy.ini").unlink()
    assert detect(tmp_path).typecheck == ()  # `files` names nothing that is there


def test_a_project_with_workflows_gets_the_workflow_gate(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": "", "tests/t.py": ""})
    assert not detect(tmp_path).workflows
    _write(tmp_path, {".github/workflows/ci.yml": "on: push\n"})
    layout = detect(tmp_path)
    gates = {gate.name: gate for gate in parse_policy(tomllib.loads(render_policy(layout))).gates}
    assert gates["workflows"].tools == ("zizmor", "actionlint")
    assert gates["workflows"].max == 0


def test_the_tool_pins_leave_the_projects_own_tool_versions_alone(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[dependency-groups]\ndev = ["ruff==0.16.1", "mypy==1.8"]\n',
            "pkg/__init__.py": "",
            "tests/t.py": "",
        },
    )
    init(tmp_path, pins=PINS)
    lines = (tmp_path / "gates-tools.txt").read_text().splitlines()
    # mypy 1.8 writes no JSON report: gates' pin applies (the stage says so), not pinned here
    assert "mypy==2.4.1" not in lines
    assert (
        "# mypy: the project's mypy==1.8 (pyproject.toml [dependency-groups] dev) cannot write "
        "the report gates reads (needs mypy>=1.11.0): gates' pin applies until it can; pin it "
        "here" in lines
    )
    assert "bandit==1.9.4" in lines
    assert "ruff==0.17.6" not in lines
    assert lines[0] == "# gates' pins"
    assert (
        "# ruff: the project's own version (declared: pyproject.toml [dependency-groups] dev "
        "(ruff==0.16.1)); pin it here to" in lines
    )


def _fake_uv(folder: Path, *, exit_code: int, stderr: str) -> str:
    script = folder / "uv"
    script.write_text(f"#!/bin/sh\necho '{stderr}' >&2\nexit {exit_code}\n")
    script.chmod(0o755)
    return str(script)


_DOCS_NEED_312 = (
    "error: No solution found when resolving dependencies\n"
    "  cause: Because the requested Python version (>=3.11) does not satisfy Python>=3.12 "
    "and sphinx>=9.1 depends on Python>=3.12, sphinx>=9.1 cannot be used."
)


@pytest.mark.parametrize(
    ("exit_code", "stderr", "install"),
    [
        (1, _DOCS_NEED_312, ("-e", ".", "--group", "test")),
        (0, "", ("-e", ".", "--group", "dev")),
        (
            2,
            "error: Failed to fetch: https://pypi.org/simple/sphinx/",
            ("-e", ".", "--group", "dev"),
        ),
    ],
)
def test_development_groups_that_cannot_install_here_give_way_to_the_test_group(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exit_code: int,
    stderr: str,
    install: tuple[str, ...],
) -> None:
    """filelock: its dev group includes Sphinx 9 docs, which need Python 3.12."""
    project = tmp_path / "project"
    _write(
        project,
        {
            "pyproject.toml": '[dependency-groups]\ntest = ["pytest"]\ndocs = ["sphinx>=9.1"]\n'
            'dev = [{include-group = "test"}, {include-group = "docs"}]\n',
            "pkg/__init__.py": "",
            "tests/t.py": "",
        },
    )
    uv = _fake_uv(tmp_path, exit_code=exit_code, stderr=stderr)
    monkeypatch.setattr("gates.init.environment.devenv._uv_binary", lambda: uv)
    layout = detect(project)
    assert layout.install == install
    if install[-1] == "test":
        (note,) = layout.notes
        assert note.startswith("the dev dependency groups do not install on Python 3.")
        assert "sphinx>=9.1 depends on Python>=3.12" in note
        assert "the stages install the test group" in note
    else:
        assert layout.notes == ()  # resolved, or uv could not tell: the stage will say
