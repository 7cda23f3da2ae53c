"""The project's own environment: what it declares it installs, and what its lock holds.

The stages install the project the way it declares itself (its dependency
groups, extras, requirements files and ``uv.lock``): :func:`read_install`
reads a stage's install arguments, :func:`declarations` what the project
declares of each tool, :func:`locked_versions` what its lock holds. Where each
tool's version then comes from is :mod:`gates.init.environment.toolchoice`.

This module runs in Nox's own environment (the noxfile imports
:mod:`gates.nox`), so it needs only the standard library and ``packaging``,
which Nox depends on.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from gates.errors import UsageError

__all__ = [
    "Declared",
    "InstallArgs",
    "declarations",
    "dependency_groups",
    "locked_versions",
    "merge_install",
    "normalise",
    "read_install",
    "read_toml",
]

_MAX_INCLUDES = 20  # nested -r files: deeper is a cycle or a mistake


def normalise(name: str) -> str:
    """A project or group name as PEP 503 and PEP 735 compare them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_toml(path: Path) -> dict[str, object]:
    """A TOML file as a table; {} when it is not there. Invalid TOML is a usage error."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(
            f"{path} is not valid TOML: {error}",
            slug="usage",
            hint=f"fix {path.name}; the stages install the project from what it declares",
        ) from None


# ---------------------------------------------------------------- install arguments


@dataclass(frozen=True, slots=True)
class InstallArgs:
    """The pip arguments of a stage's install, read for what they ask of the project."""

    groups: tuple[str, ...]  # --group NAME (PEP 735)
    extras: tuple[str, ...]  # the extras of the project itself: -e ".[test]"
    requirements: tuple[str, ...]  # -r FILE
    without_groups: tuple[str, ...]  # the arguments with every --group removed
    project: bool  # whether the project itself ("." or "./") is installed


_PROJECT = re.compile(r"^\.(?:/)?(?:\[(?P<extras>[^\]]*)\])?$")


def read_install(args: Sequence[str]) -> InstallArgs:
    """Read ``["-e", ".[test]", "--group", "dev", "-r", "requirements.txt"]``."""
    groups: list[str] = []
    extras: list[str] = []
    requirements: list[str] = []
    rest: list[str] = []
    project = False
    items = iter(args)
    for arg in items:
        value = _option_value(arg, items, ("--group",))
        if value is not None:
            groups.append(value.rpartition(":")[2])  # pip's `path:group` names another file's
            continue
        rest.append(arg)
        requirement = _option_value(arg, items, ("-r", "--requirement"))
        if requirement is not None:
            if arg in ("-r", "--requirement"):  # the file was the next argument
                rest.append(requirement)
            requirements.append(requirement)
            continue
        match = _PROJECT.match(arg)
        if match:
            project = True
            extras += [e.strip() for e in (match.group("extras") or "").split(",") if e.strip()]
    return InstallArgs(tuple(groups), tuple(extras), tuple(requirements), tuple(rest), project)


def merge_install(install: Sequence[str], more: Sequence[str]) -> list[str]:
    """``install`` then ``more``, the project's extras in ``more`` folded into its own argument.

    ``["-e", ".[test]"]`` and ``[".[typing]"]`` make ``["-e", ".[test,typing]"]``:
    pip refuses the same project twice with other extras ("conflicting
    dependencies"); uv accepts both forms.
    """
    mine = [i for i, arg in enumerate(install) if _PROJECT.match(arg)]
    if not mine:
        return [*install, *more]
    extras = list(read_install(install).extras)
    rest: list[str] = []
    items = iter(more)
    for arg in items:
        value = next(items, "") if arg in ("-e", "--editable") else arg
        match = _PROJECT.match(value)
        if match is None:
            rest += [arg, value] if value is not arg else [arg]
            continue
        extras += [e.strip() for e in (match.group("extras") or "").split(",") if e.strip()]
    merged = list(install)
    shown = ",".join(dict.fromkeys(extras))
    merged[mine[0]] = f".[{shown}]" if shown else "."
    return [*merged, *rest]


def _option_value(arg: str, rest: Iterator[str], names: tuple[str, ...]) -> str | None:
    """The value of ``--name VALUE``, ``--name=VALUE`` or ``-rVALUE``; None for other args."""
    for name in names:
        if arg == name:
            return next(rest, "")
        if name.startswith("--") and arg.startswith(name + "="):
            return arg[len(name) + 1 :]
        if not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
            return arg[len(name) :]
    return None


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Declared:
    """One requirement the project declares, and where."""

    requirement: Requirement
    where: str  # "pyproject.toml [dependency-groups] dev", "requirements-dev.txt"


def dependency_groups(pyproject: Mapping[str, object], *, path: str) -> dict[str, list[str]]:
    """Every PEP 735 group of ``pyproject`` as its requirement strings, includes resolved.

    Keys are the names as written; a cycle or an include of a missing group is
    a usage error naming ``path``.
    """
    table = pyproject.get("dependency-groups", {})
    if not isinstance(table, dict):
        return {}
    by_name = {normalise(str(name)): (str(name), value) for name, value in table.items()}

    def resolve(key: str, trail: tuple[str, ...]) -> list[str]:
        if key in trail:
            cycle = " -> ".join(by_name[k][0] for k in (*trail, key))
            raise UsageError(
                f"{path}: [dependency-groups] include a cycle: {cycle}",
                slug="usage",
                hint="a group may not include itself, directly or through others",
            )
        if key not in by_name:
            raise UsageError(
                f"{path}: [dependency-groups] {trail[-1]} includes a group {key!r} that is "
                "not there",
                slug="usage",
                hint="fix the include-group, or add the group",
            )
        found: list[str] = []
        for item in by_name[key][1] if isinstance(by_name[key][1], list) else []:
            if isinstance(item, str):
                found.append(item)
            elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
                found += resolve(normalise(item["include-group"]), (*trail, key))
        return found

    return {name: resolve(key, ()) for key, (name, _) in by_name.items()}


def declarations(root: Path, install: InstallArgs) -> dict[str, list[Declared]]:
    """Every requirement the project declares, by normalised name.

    The ones the stage installs come first (its groups, extras and requirements
    files), then the project's other groups and extras: a tool the project
    pins anywhere is the project's version of that tool.
    """
    pyproject = read_toml(root / "pyproject.toml")
    groups = dependency_groups(pyproject, path=str(root / "pyproject.toml"))
    extras = _extras(pyproject)
    chosen = [normalise(g) for g in install.groups]
    wanted = [normalise(e) for e in install.extras]
    ordered = [
        (f"pyproject.toml [dependency-groups] {name}", groups[name])
        for name in sorted(groups, key=lambda n: (normalise(n) not in chosen, n))
    ] + [
        (f"pyproject.toml [project.optional-dependencies] {name}", extras[name])
        for name in sorted(extras, key=lambda n: (normalise(n) not in wanted, n))
    ]
    found: dict[str, list[Declared]] = {}
    for file in install.requirements:
        for requirement, where in _requirements_file(root, file, depth=0):
            found.setdefault(normalise(requirement.name), []).append(Declared(requirement, where))
    for where, texts in ordered:
        for requirement in _parse_all(texts):
            found.setdefault(normalise(requirement.name), []).append(Declared(requirement, where))
    for requirement in _pre_commit_tools(root):
        found.setdefault(normalise(requirement.name), []).append(Declared(requirement, _PRE_COMMIT))
    return found


_PRE_COMMIT = ".pre-commit-config.yaml"
# the hooks whose `rev` is the version of a tool the stages run, by repository
_HOOKS = {
    "astral-sh/ruff-pre-commit": "ruff",
    "pre-commit/mirrors-mypy": "mypy",
    "PyCQA/bandit": "bandit",
}
_HOOK = re.compile(
    r"repo:\s*['\"]?https://github\.com/(?P<repo>[\w.-]+/[\w.-]+?)/?['\"]?[^\S\n]*\n"
    r"\s*rev:\s*['\"]?v?(?P<version>[0-9][0-9A-Za-z.]*)"
)


def _pre_commit_tools(root: Path) -> Iterator[Requirement]:
    """The ruff, mypy and bandit a project's pre-commit hooks run (each hook's ``rev``)."""
    path = root / _PRE_COMMIT
    if not path.is_file():
        return
    for match in _HOOK.finditer(path.read_text(encoding="utf-8", errors="replace")):
        tool = _HOOKS.get(match.group("repo"))
        if tool is not None:
            yield from _parse_all([f"{tool}=={match.group('version')}"])


def _extras(pyproject: Mapping[str, object]) -> dict[str, list[str]]:
    project = pyproject.get("project")
    table = project.get("optional-dependencies") if isinstance(project, dict) else None
    if not isinstance(table, dict):
        return {}
    return {
        str(name): [item for item in value if isinstance(item, str)]
        for name, value in table.items()
        if isinstance(value, list)
    }


def _parse_all(texts: Sequence[str]) -> Iterator[Requirement]:
    for text in texts:
        try:
            yield Requirement(text)
        except InvalidRequirement:
            continue  # not for gates to judge: the installer says what it makes of it


def _requirements_file(root: Path, name: str, *, depth: int) -> Iterator[tuple[Requirement, str]]:
    """The requirements of a pip requirements file, following ``-r`` and ``-c``."""
    path = root / name
    if depth > _MAX_INCLUDES or not path.is_file():
        return
    text = path.read_text(encoding="utf-8", errors="replace").replace("\\\n", " ")
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).strip()  # one line: `.*` reaches its end
        include = re.match(r"^(?:-r|-c|--requirement|--constraint)\s*(?:=\s*)?(\S+)$", line)
        if include:
            nested = os.path.relpath(path.parent / include.group(1), root)
            yield from _requirements_file(root, Path(nested).as_posix(), depth=depth + 1)
        elif line and not line.startswith("-"):
            yield from ((requirement, name) for requirement in _parse_all([line]))


# ---------------------------------------------------------------- the lock


def locked_versions(lock: Path) -> dict[str, tuple[str, ...]]:
    """The versions a ``uv.lock`` holds, by normalised package name."""
    document = read_toml(lock)
    packages = document.get("package", [])
    found: dict[str, list[str]] = {}
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and isinstance(package.get("name"), str):
            version = package.get("version")
            versions = found.setdefault(normalise(package["name"]), [])
            if isinstance(version, str) and version not in versions:
                versions.append(version)
    return {name: tuple(versions) for name, versions in found.items()}
