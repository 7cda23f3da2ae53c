"""Which packages a project ships, as ``gates init`` finds them: every one, cross-checked.

The folders say what could be a package: every top-level package under
``src/``, else the flat layout's (less the folders setuptools' own discovery
leaves out: tests, docs, examples, scripts, ...). The project's configuration
says what is: its build backend's package list (setuptools, hatch, flit, pdm,
poetry; ``setup.py`` and ``setup.cfg`` read without running them) and what its
coverage configuration measures (``[coverage:run] source``, ``source_pkgs``).
A project that ships ``attr`` and ``attrs`` is gated on both, or coverage and
bandit would read one of them only.

When the root holds no package, a Python project below it (a pyproject.toml or
setup.py a few folders down, ``lang/py`` in a multi-language repository) is
proposed, with the command that adopts gates there.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from gates.errors import UsageError
from gates.init.environment.setupmeta import read_setup

__all__ = ["Declared", "declared_packages", "find_packages", "find_tests"]

# what is never the project's package at the top of a flat layout: setuptools' own
# FlatLayoutPackageFinder.DEFAULT_EXCLUDE, and a few more gates has met
_NOT_PACKAGES = frozenset(
    {
        "bin", "benchmark", "benchmarks", "bench", "build", "changelog", "ci", "conftest",
        "debian", "dist", "doc", "docs", "documentation", "env", "example", "examples",
        "exercise", "exercises", "fabfile", "htmlcov", "manpages", "news", "newsfragments",
        "node_modules", "noxfile", "python", "requirements", "scripts", "setup", "site_scons",
        "site-packages", "tasks", "test", "testing", "tests", "tools", "unit_test",
        "unit_tests", "util", "utils", "venv",
    }
)  # fmt: skip


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _name(path: str) -> str:
    """The import name of a package path: ``src/attrs`` → ``attrs``, ``solo.py`` → ``solo``."""
    return Path(path).name.removesuffix(".py")


# ---------------------------------------------------------------- what the project declares


@dataclass(frozen=True, slots=True)
class Declared:
    """The top-level packages the project's configuration names, and where it names them."""

    names: tuple[str, ...] = ()  # import names: "attr", "attrs"
    include: tuple[str, ...] = ()  # setuptools find include globs ("avro*")
    exclude: tuple[str, ...] = ()  # find excludes ("tests", "tests.*")
    where: tuple[str, ...] = ()  # the files that said so, for init's notes

    def admits(self, name: str) -> bool:
        """Whether a package found in the folders is one the project ships."""
        if self.names and name not in self.names:
            return False
        if self.include and not any(fnmatch.fnmatchcase(name, g) for g in self.include):
            return False
        return not any(fnmatch.fnmatchcase(name, g) for g in self.exclude)

    def __bool__(self) -> bool:
        return bool(self.names or self.include or self.exclude)


def declared_packages(root: Path, pyproject: Mapping[str, object]) -> Declared:
    """What the build backend and the coverage configuration of the project name."""
    names: list[str] = []
    where: list[str] = []
    for source, found in _declarations(root, pyproject):
        if found:
            names += found
            where.append(source)
    setup = read_setup(root)
    include = tuple(g for g in setup.include if "." not in g.rstrip(".*"))
    exclude = tuple(g for g in setup.exclude if "." not in g)
    tool = _table(pyproject, "tool", "setuptools", "packages", "find")
    include += tuple(g for g in _strings(tool.get("include")) if "." not in g.rstrip(".*"))
    exclude += tuple(g for g in _strings(tool.get("exclude")) if "." not in g)
    if include or exclude:
        where.append("setup.py/setup.cfg" if setup.find else "pyproject.toml [tool.setuptools]")
    return Declared(tuple(dict.fromkeys(names)), include, exclude, tuple(dict.fromkeys(where)))


def _declarations(root: Path, pyproject: Mapping[str, object]) -> Iterator[tuple[str, list[str]]]:
    """(where, top-level names) of every place a project names its packages."""
    wheel = _table(pyproject, "tool", "hatch", "build", "targets", "wheel")
    hatch = _strings(wheel.get("packages")) + _strings(wheel.get("only-include"))
    yield "pyproject.toml [tool.hatch.build.targets.wheel]", [_name(p) for p in hatch]
    setuptools = _table(pyproject, "tool", "setuptools").get("packages")
    yield "pyproject.toml [tool.setuptools]", _tops(_strings(setuptools))
    flit = _table(pyproject, "tool", "flit", "module").get("name")
    yield "pyproject.toml [tool.flit.module]", [flit] if isinstance(flit, str) else []
    pdm = _strings(_table(pyproject, "tool", "pdm", "build").get("includes"))
    yield "pyproject.toml [tool.pdm.build]", [_name(p) for p in pdm if not p.endswith("*")]
    poetry = _table(pyproject, "tool", "poetry").get("packages")
    includes = (
        [i.get("include") for i in poetry if isinstance(i, dict)]
        if isinstance(poetry, list)
        else []
    )
    yield "pyproject.toml [tool.poetry]", [_name(i) for i in includes if isinstance(i, str)]
    setup = read_setup(root)
    yield setup.where or "setup.py", [*_tops(setup.packages), *_tops(setup.modules)]
    yield from _coverage_sources(root, pyproject)


def _coverage_sources(
    root: Path, pyproject: Mapping[str, object]
) -> Iterator[tuple[str, list[str]]]:
    """What coverage.py measures, as its configuration names it (``source``, ``source_pkgs``)."""
    run = _table(pyproject, "tool", "coverage", "run")
    listed = _strings(run.get("source")) + _strings(run.get("source_pkgs"))
    yield "pyproject.toml [tool.coverage.run]", _source_names(root, listed)
    for name, section in (
        (".coveragerc", "run"),
        ("setup.cfg", "coverage:run"),
        ("tox.ini", "coverage:run"),
    ):
        values = _ini_values(root / name, section, ("source", "source_pkgs"))
        yield f"{name} [{section}]", _source_names(root, values)


def _source_names(root: Path, values: list[str]) -> list[str]:
    """Top-level package names from coverage ``source`` entries: import names or folder paths.

    ``src/attrs`` and ``attrs.sub`` name ``attrs``; ``.``, ``src`` (the whole
    tree, or a folder of packages) and the test folders name no package.
    """
    found = []
    for value in values:
        cleaned = value.strip().strip("/")
        if "/" in cleaned:
            parts = Path(cleaned).parts
            top = parts[1] if parts[0] == "src" and len(parts) > 1 else parts[0]
        else:
            top = cleaned.split(".")[0]
        if top and top not in ("src", ".") and top not in _NOT_PACKAGES:
            found.append(top)
    return found


def _tops(dotted: list[str] | tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(name.split(".")[0] for name in dotted if name))


def _ini_values(path: Path, section: str, keys: tuple[str, ...]) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        if not path.is_file():
            return []
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return []
    if not parser.has_section(section):
        return []
    text = "\n".join(parser[section].get(key, "") for key in keys)
    return [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]


def _table(data: Mapping[str, object], *path: str) -> Mapping[str, object]:
    for key in path:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return data


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


# ---------------------------------------------------------------- the folders


def find_packages(
    root: Path,
    pyproject: Mapping[str, object],
    *,
    when_none: Callable[[Path], None] = lambda _root: None,
) -> tuple[str, ...]:
    """Every package of the project, repository-relative; a usage error when none can be told.

    The packages in the folders (``src/`` first), kept to those the project's
    configuration names when it names any; a package it names that the folders
    did not offer (``src/_pytest``) is added. A flat layout whose packages the
    project does not name is gated on the package named like the project.
    """
    project = _table(pyproject, "project").get("name")
    name = _normalise(project) if isinstance(project, str) else ""
    base = _source_folder(root)
    found = _candidates(root, base, name)
    declared = declared_packages(root, pyproject)
    if declared:
        chosen = [path for path in found if declared.admits(_name(path))]
        chosen += _named_elsewhere(root, base, declared, chosen)
        if chosen:
            return tuple(chosen)
    named = [path for path in found if _normalise(_name(path)) == name]
    if base == root and named:
        return tuple(named)  # the build backends' own default for a flat layout
    if found and (base != root or len(found) == 1):
        return tuple(found)
    if not found:
        when_none(root)  # e.g. point at a Python project below the root
    shown = ", ".join(found) if found else "no package folder with an __init__.py"
    raise UsageError(
        f"cannot tell which package to gate (found: {shown})",
        slug="usage",
        hint="name it: `gates init --package src/mypkg` (several: `--package src/a,src/b`)",
    )


def _source_folder(root: Path) -> Path:
    """``src/`` when it holds a package or module, else the root."""
    src = root / "src"
    if src.is_dir() and any(
        (child.is_dir() and (child / "__init__.py").is_file()) or child.suffix == ".py"
        for child in src.iterdir()
    ):
        return src
    for folder in (read_setup(root).package_dir,):
        if folder and (root / folder).is_dir():
            return root / folder
    return root


def _candidates(root: Path, base: Path, name: str) -> list[str]:
    """The packages (and, under src/, modules) the folders offer."""
    found: list[str] = []
    for child in sorted(base.iterdir()):
        relative = child.relative_to(root).as_posix()
        if child.name.startswith(".") or child.name == "__pycache__":
            continue
        flat_excluded = base == root and (
            child.name.startswith("_") or child.name.removesuffix(".py") in _NOT_PACKAGES
        )
        package = child.is_dir() and (child / "__init__.py").is_file() and not flat_excluded
        module = child.suffix == ".py" and base != root and child.stem not in ("conftest", "setup")
        if package or module:
            found.append(relative)
    if not found and name and (root / f"{name}.py").is_file():
        found.append(f"{name}.py")
    return found


def _named_elsewhere(root: Path, base: Path, declared: Declared, chosen: list[str]) -> list[str]:
    """Packages the configuration names that the folder scan left out (``_pytest``)."""
    have = {_name(path) for path in chosen}
    extra = []
    for name in declared.names:
        if name in have:
            continue
        for folder in dict.fromkeys((base, root / "src", root)):
            for candidate in (folder / name, folder / f"{name}.py"):
                if candidate.is_file() or (candidate / "__init__.py").is_file():
                    extra.append(candidate.relative_to(root).as_posix())
                    break
            else:
                continue
            break
    return extra


def find_tests(
    root: Path, packages: tuple[str, ...], configured: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None]:
    """The unit tests (and integration tests): pytest's testpaths, else guessed.

    Guessed: ``tests/`` or ``test/``, else a test folder inside a package
    (``avro/test``); a ``unit`` + ``integration`` split gets both stages.
    """
    folders = configured or tuple(f for f in ("tests", "test") if (root / f).is_dir())[:1]
    folders = folders or _nested_tests(root, packages)
    if len(folders) == 1 and (root / folders[0]).is_dir():
        unit, integration = root / folders[0] / "unit", root / folders[0] / "integration"
        if unit.is_dir() and integration.is_dir():
            return (f"{folders[0]}/unit",), f"{folders[0]}/integration"
    if folders:
        return folders, None
    raise UsageError(
        "cannot find the tests (no testpaths in the pytest configuration, no tests/ or test/ "
        "folder, none inside the package)",
        slug="usage",
        hint="name them: `gates init --tests path/to/tests`",
    )


def _nested_tests(root: Path, packages: tuple[str, ...]) -> tuple[str, ...]:
    """A test folder inside a package (``avro/test``), where no top-level one exists."""
    return tuple(
        f"{package}/{name}"
        for package in packages
        for name in ("tests", "test")
        if not package.endswith(".py") and (root / package / name).is_dir()
    )[:1]
