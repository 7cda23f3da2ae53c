"""A Python project below the root: found, and the exact ``gates init`` command that adopts it.

A repository whose root holds no Python package of its own may hold one a few
folders down: a ``backend/`` beside a ``frontend/``, the ``lang/py`` of a
multi-language repository (apache/avro). Its stages must run from that
folder, where its tests, configuration and relative paths work, so ``gates
init`` proposes ``gates init --root <folder>`` (with ``--tests`` when its tests
cannot be found by themselves) and, once adopted, says to ``cd`` there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gates.errors import UsageError
from gates.init.environment.projectenv import read_toml
from gates.init.layout.detect import pytest_testpaths
from gates.init.layout.packages import find_packages, find_tests

__all__ = ["Subproject", "adopt", "propose_subproject", "shown", "subprojects"]

_SKIPPED = frozenset({"node_modules", "site-packages", "build", "dist", "__pycache__", "venv"})
_MAX_DEPTH = 4  # how far below the root a sub-project is looked for
_MAX_FOLDERS = 2000  # folders visited looking for one
_MAX_PROPOSED = 3


def subprojects(root: Path) -> Iterator[Path]:
    """Folders below ``root`` that are Python projects (pyproject.toml or setup.py), nearest first.

    A bounded breadth-first walk: at most ``_MAX_DEPTH`` levels and
    ``_MAX_FOLDERS`` folders; hidden folders, build output and environments
    are skipped.
    """
    level = [root]
    visited = 0
    for _ in range(_MAX_DEPTH):
        below: list[Path] = []
        for folder in level:
            for child in _folders(folder):
                if visited >= _MAX_FOLDERS:
                    return
                visited += 1
                if any((child / name).is_file() for name in ("pyproject.toml", "setup.py")):
                    yield child
                elif not (child / "pyvenv.cfg").is_file():
                    below.append(child)
        level = below


def _folders(folder: Path) -> list[Path]:
    try:
        return sorted(
            child
            for child in folder.iterdir()
            if child.is_dir()
            and not child.is_symlink()
            and not child.name.startswith(".")
            and child.name not in _SKIPPED
        )
    except OSError:
        return []


@dataclass(frozen=True, slots=True)
class Subproject:
    """A Python project below the root, and the command that adopts gates there."""

    folder: Path
    packages: tuple[str, ...]
    command: str
    works: bool  # the command finds its package and tests by itself


def adopt(folder: Path) -> Subproject:
    """How gates is adopted in ``folder``; a usage error when it holds no package gates can tell.

    ``gates init --root <folder>``, with ``--tests path/to/tests`` when its
    tests cannot be found (then the command is a template, and says so).
    """
    packages = find_packages(folder, read_toml(folder / "pyproject.toml"))
    command = f"gates init --root {shown(folder)}"
    try:
        find_tests(folder, packages, pytest_testpaths(folder)[0])
    except UsageError:
        return Subproject(folder, packages, f"{command} --tests path/to/its/tests", works=False)
    return Subproject(folder, packages, command, works=True)


def propose_subproject(root: Path) -> None:
    """A usage error naming the Python projects below ``root`` and how to adopt the first.

    Nothing happens when there is none: the caller says what it could not find.
    """
    found: list[Subproject] = []
    for folder in subprojects(root):
        try:
            found.append(adopt(folder))
        except UsageError:
            continue
        if len(found) == _MAX_PROPOSED:
            break
    if not found:
        return
    found.sort(key=lambda sub: not sub.works)  # stable: nearest first among equals
    listed = ", ".join(
        f"{_relative(sub.folder, root)}/ (package "
        f"{', '.join(f'{_relative(sub.folder, root)}/{p}' for p in sub.packages)})"
        for sub in found
    )
    what = (
        "sub-folders are Python projects of their"
        if len(found) > 1
        else "a sub-folder is a Python project of its"
    )
    raise UsageError(
        f"no package to gate at the root of {root.resolve()}; {what} own: {listed}",
        slug="usage",
        hint=f"adopt gates there: `{found[0].command}`, then `cd {shown(found[0].folder)}` and "
        "run `nox -s gates` there (its install, tests and coverage paths are its own); or "
        "name a package here with --package",
    )


def _relative(folder: Path, root: Path) -> str:
    return folder.relative_to(root).as_posix()


def shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(resolved)
