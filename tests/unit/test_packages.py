"""gates init gates every package of the project: the folders, cross-checked with its configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.errors import UsageError
from gates.init.environment.projectenv import read_toml
from gates.init.layout.packages import declared_packages, find_packages, find_tests


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _found(root: Path) -> tuple[str, ...]:
    return find_packages(root, read_toml(root / "pyproject.toml"))


def test_attrs_two_packages_under_src_both_gated(tmp_path: Path) -> None:
    """python-attrs/attrs: src/attr and src/attrs (a re-export), both shipped and measured."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "attrs"\n'
            '[tool.hatch.build.targets.wheel]\npackages = ["src/attr", "src/attrs"]\n'
            '[tool.coverage.run]\nsource_pkgs = ["attr", "attrs"]\n',
            "src/attr/__init__.py": "",
            "src/attrs/__init__.py": "",
            "tests/__init__.py": "",
        },
    )
    assert _found(tmp_path) == ("src/attr", "src/attrs")
    declared = declared_packages(tmp_path, read_toml(tmp_path / "pyproject.toml"))
    assert declared.names == ("attr", "attrs")
    assert declared.where == (
        "pyproject.toml [tool.hatch.build.targets.wheel]",
        "pyproject.toml [tool.coverage.run]",
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # setuptools: a package list (dotted names: the top level counts)
        (
            {
                "pyproject.toml": '[tool.setuptools]\npackages = ["core", "core.sub", "extra"]\n',
                "core/__init__.py": "",
                "core/sub/__init__.py": "",
                "extra/__init__.py": "",
                "helpers/__init__.py": "",
            },
            ("core", "extra"),
        ),
        # setuptools find: include globs (apache/avro: include = ["avro*"])
        (
            {
                "pyproject.toml": '[project]\nname = "avro"\n'
                '[tool.setuptools.packages.find]\ninclude = ["avro*"]\n',
                "avro/__init__.py": "",
                "other/__init__.py": "",
            },
            ("avro",),
        ),
        # flit names its module
        (
            {
                "pyproject.toml": '[project]\nname = "markdown-it-py"\n'
                '[tool.flit.module]\nname = "markdown_it"\n',
                "markdown_it/__init__.py": "",
                "scripts_helpers/__init__.py": "",
            },
            ("markdown_it",),
        ),
        # poetry's packages, from src
        (
            {
                "pyproject.toml": '[tool.poetry]\npackages = [{include = "b", from = "src"}]\n',
                "src/a/__init__.py": "",
                "src/b/__init__.py": "",
            },
            ("src/b",),
        ),
        # pdm's includes
        (
            {
                "pyproject.toml": '[tool.pdm.build]\nincludes = ["src/one"]\n',
                "src/one/__init__.py": "",
                "src/two/__init__.py": "",
            },
            ("src/one",),
        ),
        # coverage's own configuration, in .coveragerc: a path and a dotted name
        (
            {
                ".coveragerc": "[run]\nsource =\n    src/alpha\n    beta.sub\n    tests\n",
                "src/alpha/__init__.py": "",
                "src/beta/__init__.py": "",
                "src/gamma/__init__.py": "",
            },
            ("src/alpha", "src/beta"),
        ),
        # setup.py, read without running it: find_packages(exclude=...)
        (
            {
                "setup.py": "from setuptools import setup, find_packages\n"
                "setup(name='jmespath', packages=find_packages(exclude=['tests', 'extra']))\n",
                "jmespath/__init__.py": "",
                "extra/__init__.py": "",
            },
            ("jmespath",),
        ),
        # setup.cfg's packages list
        (
            {
                "setup.cfg": "[metadata]\nname = x\n[options]\npackages =\n    one\n",
                "one/__init__.py": "",
                "two/__init__.py": "",
            },
            ("one",),
        ),
        # a package the configuration names that the folder scan leaves out (_pytest)
        (
            {
                "setup.cfg": "[options]\npackages =\n    _pytest\n    pytest\n"
                "package_dir =\n    =src\n",
                "src/_pytest/__init__.py": "",
                "src/pytest/__init__.py": "",
                "src/py.py": "",
            },
            ("src/_pytest", "src/pytest"),
        ),
    ],
)
def test_the_projects_configuration_says_which_folders_are_its_packages(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, ...]
) -> None:
    _write(tmp_path, files)
    assert _found(tmp_path) == expected


def test_without_a_declaration_src_gives_every_package_and_flat_the_named_one(
    tmp_path: Path,
) -> None:
    _write(tmp_path, {"src/a/__init__.py": "", "src/b/__init__.py": "", "src/c.py": ""})
    assert _found(tmp_path) == ("src/a", "src/b", "src/c.py")
    flat = tmp_path / "flat"
    _write(
        flat,
        {
            "pyproject.toml": '[project]\nname = "My-Tool"\n',
            "my_tool/__init__.py": "",
            "helpers/__init__.py": "",
            "docs/__init__.py": "",  # setuptools' flat-layout excludes
            "_private/__init__.py": "",
        },
    )
    assert _found(flat) == ("my_tool",)


def test_an_undeclared_flat_layout_of_several_packages_is_a_question(tmp_path: Path) -> None:
    _write(tmp_path, {"a/__init__.py": "", "b/__init__.py": ""})
    with pytest.raises(UsageError) as caught:
        _found(tmp_path)
    assert "found: a, b" in caught.value.message
    assert "--package src/a,src/b" in caught.value.hint


def test_no_package_at_all_asks_the_caller_first(tmp_path: Path) -> None:
    called: list[Path] = []
    _write(tmp_path, {"README.md": ""})
    with pytest.raises(UsageError, match="no package folder"):
        find_packages(tmp_path, {}, when_none=called.append)
    assert called == [tmp_path]


def test_tests_inside_the_package_are_found_when_no_top_level_folder_holds_them(
    tmp_path: Path,
) -> None:
    """apache/avro lang/py: avro/test."""
    _write(tmp_path, {"avro/__init__.py": "", "avro/test/__init__.py": ""})
    assert find_tests(tmp_path, ("avro",), ()) == (("avro/test",), None)
    _write(tmp_path, {"tests/unit/t.py": "", "tests/integration/t.py": ""})
    assert find_tests(tmp_path, ("avro",), ()) == (("tests/unit",), "tests/integration")
    assert find_tests(tmp_path, ("avro",), ("avro/test",)) == (("avro/test",), None)


def test_no_tests_anywhere_says_what_to_pass(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": ""})
    with pytest.raises(UsageError) as caught:
        find_tests(tmp_path, ("pkg",), ())
    assert "none inside the package" in caught.value.message
    assert "--tests" in caught.value.hint
