"""What a project declares it installs, and where each tool's version comes from."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.requirements import Requirement

from gates.errors import UsageError
from gates.init.environment.projectenv import (
    Declared,
    declarations,
    dependency_groups,
    locked_versions,
    read_install,
)
from gates.init.environment.toolchoice import Origin, choose_tools


def test_install_arguments_are_read_for_groups_extras_and_requirements() -> None:
    spec = read_install(
        ["-e", ".[test, docs]", "--group", "dev", "--group=typing", "-r", "req.txt", "-rmore.txt"]
    )
    assert spec.groups == ("dev", "typing")
    assert spec.extras == ("test", "docs")
    assert spec.requirements == ("req.txt", "more.txt")
    assert spec.project
    assert spec.without_groups == ("-e", ".[test, docs]", "-r", "req.txt", "-rmore.txt")
    assert not read_install(["pytest", "./other"]).project
    assert read_install(["--group", "pyproject.toml:lint"]).groups == ("lint",)


def test_dependency_groups_resolve_their_includes() -> None:
    pyproject = {
        "dependency-groups": {
            "Tests": ["pytest>=8"],
            "typing": ["mypy>=1.4", {"include-group": "tests"}],
            "dev": [{"include-group": "typing"}, "ruff"],
        }
    }
    groups = dependency_groups(pyproject, path="pyproject.toml")
    assert groups["dev"] == ["mypy>=1.4", "pytest>=8", "ruff"]
    assert groups["Tests"] == ["pytest>=8"]


@pytest.mark.parametrize(
    ("groups", "words"),
    [
        ({"a": [{"include-group": "b"}], "b": [{"include-group": "a"}]}, "a cycle: a -> b -> a"),
        ({"a": [{"include-group": "nope"}]}, "includes a group 'nope' that is not there"),
    ],
)
def test_broken_group_includes_are_usage_errors_naming_the_file(
    groups: dict[str, list[object]], words: str
) -> None:
    with pytest.raises(UsageError) as caught:
        dependency_groups({"dependency-groups": groups}, path="sub/pyproject.toml")
    assert words in caught.value.message
    assert caught.value.message.startswith("sub/pyproject.toml")


def test_declarations_put_what_the_stage_installs_first(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\n[project.optional-dependencies]\ntest = ["mypy==1.0"]\n'
        '[dependency-groups]\nalpha = ["mypy==1.1"]\ndev = ["mypy==1.2", "not a requirement!"]\n'
    )
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "dev.txt").write_text(
        "# tools\n-r base.txt\nmypy==1.3  # pinned\n--index-url https://example.invalid\n"
    )
    (tmp_path / "requirements" / "base.txt").write_text("attrs>=23 \\\n  ; python_version > '3'\n")
    found = declarations(tmp_path, read_install(["-r", "requirements/dev.txt", "--group", "dev"]))
    assert [d.where for d in found["mypy"]] == [
        "requirements/dev.txt",
        "pyproject.toml [dependency-groups] dev",
        "pyproject.toml [dependency-groups] alpha",
        "pyproject.toml [project.optional-dependencies] test",
    ]
    assert str(found["attrs"][0].requirement) == 'attrs>=23; python_version > "3"'
    assert found["attrs"][0].where == "requirements/base.txt"


def test_locked_versions_read_every_package_of_a_uv_lock(tmp_path: Path) -> None:
    lock = tmp_path / "uv.lock"
    lock.write_text(
        "version = 1\n"
        '[[package]]\nname = "Ruff"\nversion = "0.6.9"\n'
        '[[package]]\nname = "numpy"\nversion = "2.0.0"\n'
        '[[package]]\nname = "numpy"\nversion = "2.2.0"\n'
        '[[package]]\nname = "app"\nsource = { virtual = "." }\n'
    )
    assert locked_versions(lock) == {"ruff": ("0.6.9",), "numpy": ("2.0.0", "2.2.0"), "app": ()}
    lock.write_text("[[package]\n")
    with pytest.raises(UsageError, match=r"uv\.lock is not valid TOML"):
        locked_versions(lock)


def _declared(text: str, where: str = "pyproject.toml [dependency-groups] dev") -> list[Declared]:
    return [Declared(Requirement(text), where)]


@pytest.mark.parametrize(
    ("pinned", "locked", "declared", "origin", "requirement"),
    [
        # the project's gates-tools.txt wins, even over its lock
        (
            {"mypy": "2.0"},
            {"mypy": ("1.11.2",)},
            _declared("mypy==1.5"),
            Origin.PINNED,
            "mypy==2.0",
        ),
        # then the lock
        ({}, {"mypy": ("1.11.2",)}, _declared("mypy==1.13"), Origin.LOCKED, "mypy==1.11.2"),
        # a version forked by markers: the locked requirements say which
        ({}, {"mypy": ("1.1", "1.2")}, [], Origin.LOCKED, "mypy"),
        # then an exact declaration, even the one gates pins too
        ({}, {}, _declared("mypy==1.13"), Origin.DECLARED, "mypy==1.13"),
        ({}, {}, _declared("mypy==2.4.1"), Origin.DECLARED, "mypy==2.4.1"),
        # a range that excludes gates' pin: the project's range
        ({}, {}, _declared("mypy<2"), Origin.DECLARED, "mypy<2"),
        # a range that allows it, or no version at all: gates' pin
        ({}, {}, _declared("mypy>=1.4"), Origin.GATES, "mypy==2.4.1"),
        ({}, {}, _declared("mypy"), Origin.GATES, "mypy==2.4.1"),
        ({}, {}, [], Origin.GATES, "mypy==2.4.1"),
    ],
)
def test_where_a_tool_version_comes_from(
    pinned: dict[str, str],
    locked: dict[str, tuple[str, ...]],
    declared: list[Declared],
    origin: Origin,
    requirement: str,
) -> None:
    choice = choose_tools(
        ["mypy"],
        pinned=pinned,
        bundled={"mypy": "2.4.1"},
        locked=locked,
        declared={"mypy": declared},
    )["mypy"]
    assert (choice.origin, choice.requirement) == (origin, requirement)
    assert choice.constrains is (origin in (Origin.PINNED, Origin.GATES))
    assert choice.source.startswith(f"{origin.value}: ")


def test_each_source_says_which_file_it_read() -> None:
    declared = {"mypy": _declared("mypy>=1.4", "pyproject.toml [dependency-groups] typing")}
    choices = choose_tools(
        ["mypy", "pytest", "ruff", "bandit"],
        pinned={"bandit": "1.9.4"},
        bundled={"mypy": "2.4.1", "bandit": "1.8"},
        locked={"ruff": ("0.6.9",)},
        declared=declared,
    )
    assert {name: choice.source for name, choice in choices.items()} == {
        "mypy": "gates: gates' pins, within mypy>=1.4 of pyproject.toml [dependency-groups] "
        "typing (mypy==2.4.1)",
        "pytest": "unpinned: pytest",
        "ruff": "locked: uv.lock (ruff==0.6.9)",
        "bandit": "pinned: gates-tools.txt (bandit==1.9.4)",
    }


def test_the_tools_of_the_projects_pre_commit_hooks_are_its_versions(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        "-   repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.16.3\n"
        "    hooks:\n    -   id: ruff-check\n"
        "-   repo: 'https://github.com/pre-commit/mirrors-mypy'\n    rev: 'v2.3.1'\n"
        "-   repo: https://github.com/PyCQA/bandit\n    rev: 1.8.6\n"
        "-   repo: https://github.com/psf/black\n    rev: 25.1.0\n"
    )
    found = declarations(tmp_path, read_install([]))
    assert {name: str(items[0].requirement) for name, items in found.items()} == {
        "ruff": "ruff==0.16.3",
        "mypy": "mypy==2.3.1",
        "bandit": "bandit==1.8.6",
    }
    assert found["ruff"][0].where == ".pre-commit-config.yaml"


@pytest.mark.parametrize(
    ("locked", "declared", "why"),
    [
        ({"ruff": ("0.0.280",)}, [], "the project's ruff==0.0.280 (uv.lock) cannot write"),
        ({}, _declared("ruff<0.1"), "the project's ruff<0.1 (pyproject.toml [dependency-groups]"),
    ],
)
def test_a_project_tool_too_old_for_its_report_gives_way_to_gates_pin(
    locked: dict[str, tuple[str, ...]], declared: list[Declared], why: str
) -> None:
    """ruff before 0.1.2 has no `ruff format`: the stage would have no evidence."""
    choice = choose_tools(
        ["ruff"], pinned={}, bundled={"ruff": "0.17.6"}, locked=locked, declared={"ruff": declared}
    )["ruff"]
    assert (choice.origin, choice.requirement) == (Origin.GATES, "ruff==0.17.6")
    assert why in choice.source
    assert choice.source.endswith("reads (needs ruff>=0.1.2) (ruff==0.17.6)")


def test_a_project_ruff_older_than_0_16_is_the_projects_own() -> None:
    """Its format check is read as text (readers/findings/ruff_format_text.py)."""
    choice = choose_tools(
        ["ruff"], pinned={}, bundled={"ruff": "0.17.6"}, locked={"ruff": ("0.15.9",)}, declared={}
    )["ruff"]
    assert (choice.origin, choice.requirement) == (Origin.LOCKED, "ruff==0.15.9")
