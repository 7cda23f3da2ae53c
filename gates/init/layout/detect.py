"""What ``gates init`` reads from a project's own configuration before it guesses.

Each function answers one question the way the project's tools would:
which tests pytest collects (its ``testpaths``), which tests are benchmarks
(a test function that takes pytest-benchmark's ``benchmark`` fixture), which
Python the project supports (``requires-python``), which dependency groups
make its development environment (uv's default groups), what mypy checks
(its ``files``), and, when the root holds no package, which sub-folder is a
Python project of its own.
"""

from __future__ import annotations

import ast
import configparser
import glob
import os
import platform
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from gates.errors import UsageError
from gates.init.environment.projectenv import dependency_groups, normalise, read_toml
from gates.system import process

__all__ = [
    "PytestConfig",
    "benchmark_files",
    "dev_groups",
    "mypy_files",
    "pytest_config",
    "pytest_testpaths",
    "python_for",
    "typing_groups",
]

_SKIPPED = frozenset(
    {"node_modules", "site-packages", "build", "dist", "__pycache__", "venv", "env", "htmlcov"}
)
_MAX_FILES = 5000  # Python files read for benchmarks: a monorepo's worth
_MAX_BYTES = 1_000_000  # per file: generated code is no benchmark
_GLOB = re.compile(r"[*?\[]")
_TEST_GROUPS = ("test", "tests", "testing")
_TYPING = ("typing", "types", "type", "mypy", "typecheck", "lint")


# ---------------------------------------------------------------- pytest's testpaths


PytestConfig = tuple[tuple[str, ...], str]  # the testpaths, and the file that gave them
_Reader = Callable[[Path], list[str] | None]  # a config file's testpaths; None: not pytest's


def pytest_testpaths(root: Path) -> PytestConfig:
    """pytest's ``testpaths`` from the file pytest itself reads, globs expanded.

    pytest takes the first of pytest.toml, .pytest.toml, pytest.ini,
    .pytest.ini, pyproject.toml (with ``[tool.pytest]`` or
    ``[tool.pytest.ini_options]``), tox.ini (with ``[pytest]``) and setup.cfg
    (with ``[tool:pytest]``); ``((), "")`` when none names ``testpaths``.
    """
    for name, read in _PYTEST_FILES:
        path = root / name
        if not path.is_file():
            continue
        found = read(path)
        if found is None:  # not a pytest configuration: pytest reads the next one
            continue
        return _existing(root, found), name
    return (), ""


def pytest_config(root: Path) -> str:
    """The file pytest reads its configuration from (as pytest chooses it), or ""."""
    for name, read in _PYTEST_FILES:
        if (root / name).is_file() and read(root / name) is not None:
            return name
    return ""


def _toml_pytest(path: Path) -> list[str] | None:
    table = read_toml(path).get("pytest")
    return _listed(table.get("testpaths")) if isinstance(table, dict) else []


def _pyproject_pytest(path: Path) -> list[str] | None:
    tool = read_toml(path).get("tool")
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    if not isinstance(pytest, dict):
        return None
    native = {key: value for key, value in pytest.items() if key != "ini_options"}
    if native:  # pytest 9's [tool.pytest] wins over [tool.pytest.ini_options]
        return _listed(native.get("testpaths"))
    ini = pytest.get("ini_options")
    return _listed(ini.get("testpaths")) if isinstance(ini, dict) else []


def _ini_pytest(section: str, *, always: bool = False) -> _Reader:
    def read(path: Path) -> list[str] | None:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
        except configparser.Error:
            return [] if always else None
        if not parser.has_section(section):
            return [] if always else None
        return _listed(parser[section].get("testpaths"))

    return read


def _listed(value: object) -> list[str]:
    if isinstance(value, str):
        return shlex.split(value)
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _existing(root: Path, paths: list[str]) -> tuple[str, ...]:
    """The testpaths that are there, each glob expanded (sorted) as pytest expands it."""
    found: list[str] = []
    for path in paths:
        if _GLOB.search(path):
            # as pytest expands testpaths (glob.iglob, recursive)
            matches = sorted(glob.glob(path, root_dir=root, recursive=True))  # noqa: PTH207
            found += [m for m in matches if (root / m).exists()]
        elif (root / path).exists():
            found.append(path.rstrip("/") or ".")
    return tuple(dict.fromkeys(Path(item).as_posix() for item in found))


_PYTEST_FILES = (
    ("pytest.toml", _toml_pytest),
    (".pytest.toml", _toml_pytest),
    ("pytest.ini", _ini_pytest("pytest", always=True)),
    (".pytest.ini", _ini_pytest("pytest", always=True)),
    ("pyproject.toml", _pyproject_pytest),
    ("tox.ini", _ini_pytest("pytest")),
    ("setup.cfg", _ini_pytest("tool:pytest")),
)


# ---------------------------------------------------------------- benchmarks


def benchmark_files(root: Path) -> tuple[str, ...]:
    """The files that hold a test taking pytest-benchmark's ``benchmark`` fixture, sorted."""
    return tuple(
        path.relative_to(root).as_posix() for path in _python_files(root) if _uses_benchmark(path)
    )


def _python_files(root: Path) -> Iterator[Path]:
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED)
        for name in sorted(files):
            if name.endswith(".py") and count < _MAX_FILES:
                count += 1
                yield Path(folder) / name


def _uses_benchmark(path: Path) -> bool:
    try:
        if path.stat().st_size > _MAX_BYTES:
            return False
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return False
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test")
        and any(arg.arg == "benchmark" for arg in [*node.args.posonlyargs, *node.args.args])
        for node in ast.walk(tree)
    )


# ---------------------------------------------------------------- the interpreter


def python_for(requires: str, *, where: str) -> str | None:
    """The ``python=`` the stages need: None when this interpreter satisfies ``requires``.

    Otherwise the installed ``python3.N`` (on PATH) that does, closest to this
    one; none installed is a usage error that names both.
    """
    try:
        wanted = SpecifierSet(requires)
    except InvalidSpecifier:
        raise UsageError(
            f"{where}: requires-python {requires!r} is not a version specifier",
            slug="usage",
            hint='fix it (e.g. requires-python = ">=3.11")',
        ) from None
    current = platform.python_version()
    if wanted.contains(current, prereleases=True):
        return None
    found = [
        (abs(minor - sys.version_info.minor), f"3.{minor}")
        for minor, version in _installed_pythons()
        if wanted.contains(version, prereleases=True)
    ]
    if found:
        return min(found)[1]
    raise UsageError(
        f"{where}: requires-python {requires!r} excludes this Python {current} "
        f"({sys.executable}), and no python3.N on PATH satisfies it",
        slug="usage",
        hint="install a Python it allows (e.g. `uv python install`, pyenv), put it on PATH, "
        "then run `gates init` again",
    )


def _installed_pythons() -> Iterator[tuple[int, str]]:
    """(minor, full version) of each python3.N on PATH."""
    for minor in range(8, 20):
        found = shutil.which(f"python3.{minor}")
        if found is None:
            continue
        said = process.run(
            [found, "-c", "import platform; print(platform.python_version())"], timeout=30
        )
        if said.ok and said.text.strip():
            yield minor, said.text.strip()


# ---------------------------------------------------------------- groups


def dev_groups(pyproject: Mapping[str, object]) -> tuple[str, ...]:
    """The dependency groups of the project's development environment.

    uv's default groups (``[tool.uv] default-groups``, else ``dev``), which is
    what ``uv sync`` and ``uv run pytest`` install, and a test group
    (test, tests, testing) when those do not already include one.
    """
    groups = pyproject.get("dependency-groups")
    if not isinstance(groups, dict) or not groups:
        return ()
    names = {normalise(str(name)): str(name) for name in groups}
    tool = pyproject.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    default = uv.get("default-groups") if isinstance(uv, dict) else None
    if default == "all":
        chosen = list(names.values())
    elif isinstance(default, list):
        chosen = [
            names[normalise(g)] for g in default if isinstance(g, str) and normalise(g) in names
        ]
    else:
        chosen = [names["dev"]] if "dev" in names else []
    included = _included(pyproject, chosen)
    if not included & set(_TEST_GROUPS):
        chosen += [names[g] for g in _TEST_GROUPS if g in names][:1]
    return tuple(chosen)


def typing_groups(pyproject: Mapping[str, object], installed: tuple[str, ...]) -> tuple[str, ...]:
    """A typing group (its stubs and plugins) the project's environment does not include yet."""
    groups = pyproject.get("dependency-groups")
    if not isinstance(groups, dict):
        return ()
    included = _included(pyproject, list(installed))
    names = {normalise(str(name)): str(name) for name in groups}
    return tuple(names[g] for g in _TYPING if g in names and g not in included)[:1]


def _included(pyproject: Mapping[str, object], groups: list[str]) -> set[str]:
    """The normalised names of ``groups`` and every group they include."""
    table = pyproject.get("dependency-groups")
    raw = table if isinstance(table, dict) else {}
    by_name = {normalise(str(k)): v for k, v in raw.items()}
    seen: set[str] = set()
    todo = [normalise(g) for g in groups]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        items = by_name.get(name)
        todo += [
            normalise(item["include-group"])
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, dict) and isinstance(item.get("include-group"), str)
        ]
    dependency_groups(pyproject, path="pyproject.toml")  # a cycle or a missing group: say so now
    return seen


# ---------------------------------------------------------------- mypy


def mypy_files(root: Path) -> tuple[str, ...]:
    """What the project's mypy configuration checks (``files``), globs expanded; () if unset."""
    for name, section in (
        ("mypy.ini", "mypy"),
        (".mypy.ini", "mypy"),
        ("pyproject.toml", ""),
        ("setup.cfg", "mypy"),
    ):
        path = root / name
        if not path.is_file():
            continue
        value = _mypy_toml(path) if not section else _mypy_ini(path, section)
        if value is None:
            continue
        items = value if isinstance(value, list) else [v.strip() for v in value.split(",")]
        return _existing(root, [item for item in items if item])
    return ()


def _mypy_toml(path: Path) -> list[str] | str | None:
    tool = read_toml(path).get("tool")
    mypy = tool.get("mypy") if isinstance(tool, dict) else None
    if not isinstance(mypy, dict):
        return None
    files = mypy.get("files", [])
    return files if isinstance(files, str) else [f for f in files if isinstance(f, str)]


def _mypy_ini(path: Path, section: str) -> str | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    return parser[section].get("files", "")
