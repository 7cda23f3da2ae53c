"""A repository whose Python project lies a few folders down: found, and adopted with one command."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.errors import UsageError
from gates.init.layout.subproject import subprojects
from gates.init.scaffold import detect, init, summary

PINS = b"ruff==0.17.6\n"


@pytest.fixture(autouse=True)
def _no_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gates.init.environment.devenv._uv_binary", lambda: None)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _avro(root: Path) -> None:
    """apache/avro: lang/py holds the Python project, its tests inside the package."""
    _write(
        root,
        {
            "README.md": "",
            "pom.xml": "",
            "lang/java/pom.xml": "",
            "lang/js/package.json": "{}",
            "lang/py/pyproject.toml": '[project]\nname = "avro"\n'
            '[tool.setuptools.packages.find]\ninclude = ["avro*"]\n',
            "lang/py/setup.py": "import setuptools\nsetuptools.setup()\n",
            "lang/py/avro/__init__.py": "",
            "lang/py/avro/test/__init__.py": "",
            "lang/py/avro/test/test_io.py": "",
            "lang/py/build.sh": "uv run coverage run -pm unittest discover --buffer\n",
        },
    )


def test_a_project_two_levels_down_is_proposed_with_the_command_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _avro(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as caught:
        detect(Path())
    assert caught.value.message == (
        f"no package to gate at the root of {tmp_path}; a sub-folder is a Python project of "
        "its own: lang/py/ (package lang/py/avro)"
    )
    assert caught.value.hint.startswith(
        "adopt gates there: `gates init --root lang/py`, then `cd lang/py` and run "
        "`nox -s gates` there"
    )
    # the command proposed works: package, tests inside it, unittest
    result = init(Path("lang/py"), pins=PINS)
    layout = result.layout
    assert (layout.packages, layout.tests, layout.runner) == (("avro",), ("avro/test",), "unittest")
    lines = summary(result, Path("lang/py"))
    assert (
        lines[-1]
        == "next: `cd lang/py`, then `nox -s gates` (nox and gates installed where nox runs)"
    )
    assert any("runs the tests with unittest" in line for line in lines)


def test_a_sub_project_whose_tests_cannot_be_found_gets_the_option_to_name_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"tools/py/setup.py": "", "tools/py/lib/__init__.py": ""})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as caught:
        detect(Path())
    assert "`gates init --root tools/py --tests path/to/its/tests`" in caught.value.hint


def test_the_search_is_bounded_and_skips_environments(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a/b/c/d/e/pyproject.toml": "",  # five levels: too deep
            "node_modules/x/pyproject.toml": "",
            ".hidden/pyproject.toml": "",
            "venv/pyvenv.cfg": "",
            "venv/lib/pyproject.toml": "",
            "one/pyproject.toml": "",
            "two/deeper/setup.py": "",
        },
    )
    found = [path.relative_to(tmp_path).as_posix() for path in subprojects(tmp_path)]
    assert found == ["one", "two/deeper"]
