"""How a project installs its development environment, as ``gates init`` reads it.

The pip arguments of the environment the project itself develops in (its
dependency groups as ``uv sync`` installs them, else a test extra, else its
requirements files), the typing group the type stage adds, the uv lock the
stages install from, the Python the project allows, and the tool pins that
leave the project's own tool versions alone (:mod:`gates.init.environment.projectenv`).
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from gates.init.environment.projectenv import (
    declarations,
    locked_versions,
    normalise,
    read_install,
    read_toml,
)
from gates.init.environment.toolchoice import Origin, choose_tools
from gates.init.layout.detect import dev_groups, python_for, typing_groups
from gates.stage.pins import parse_pins
from gates.system import process
from gates.system.git import top_level

__all__ = [
    "find_lock",
    "has_workflows",
    "install_args",
    "installed_names",
    "project_tool_pins",
    "stage_python",
    "test_groups_only",
    "type_install",
    "uninstallable",
]

_TEST_EXTRAS = ("test", "tests", "testing", "dev")


def install_args(root: Path, pyproject: dict[str, object]) -> tuple[str, ...]:
    """The pip arguments of the project's development environment, as it declares it.

    Its dependency groups first (uv's default groups, as ``uv sync`` installs
    them, and a test group), then a test extra, then requirements files.
    pytest, when the project does not bring it, is added by
    :mod:`gates.init.layout.projectruns` (unless the project runs unittest).
    """
    project = () if _virtual(pyproject) else ("-e", ".")
    groups = dev_groups(pyproject)
    if groups:
        return (*project, *(arg for group in groups for arg in ("--group", group)))
    extras = _table_of(pyproject, "project").get("optional-dependencies")
    if isinstance(extras, dict):
        for extra in _TEST_EXTRAS:
            if extra in extras:
                return ("-e", f".[{extra}]")
    files = _requirements(root)
    return (*project, *(arg for name in files for arg in ("-r", name)))


def uninstallable(root: Path, install: Sequence[str], *, python: str) -> str:
    """Why the dependency groups of ``install`` cannot install on ``python``; "" if they can.

    Asks uv to resolve them (``uv pip compile --group``, the index read, nothing
    installed): a development group that needs a newer Python than the stages
    run (a docs group on Sphinx 9 needs 3.12) would stop every stage. Without
    uv, or when uv cannot reach an index, "" (the stage will say).
    """
    groups = read_install(install).groups
    uv = _uv_binary()
    if not groups or uv is None or not (root / "pyproject.toml").is_file():
        return ""
    command = [uv, "pip", "compile", "pyproject.toml", "--python-version", python, "--quiet"]
    command += [*(arg for group in groups for arg in ("--group", group)), "--no-header"]
    result = process.run([*command, "--output-file", os.devnull], cwd=root, timeout=300)
    said = result.stderr.decode("utf-8", "replace")
    if result.ok or result.why or "No solution found" not in said:
        return ""
    causes = [line.strip() for line in said.splitlines() if "cause:" in line]
    return causes[0].removeprefix("cause:").strip() if causes else "no solution"


def _uv_binary() -> str | None:
    try:
        from uv import find_uv_bin  # noqa: PLC0415 - optional: the uv package beside gates
    except ImportError:
        return shutil.which("uv")
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return shutil.which("uv")


def test_groups_only(pyproject: dict[str, object], install: Sequence[str]) -> tuple[str, ...]:
    """``install`` with its groups narrowed to the project's test group, or () when it has none."""
    groups = pyproject.get("dependency-groups")
    names = {normalise(str(name)): str(name) for name in groups} if isinstance(groups, dict) else {}
    found = [names[g] for g in ("test", "tests", "testing") if g in names][:1]
    if not found:
        return ()
    project = tuple(arg for arg in read_install(install).without_groups)
    return (*project, "--group", found[0])


def _virtual(pyproject: dict[str, object]) -> bool:
    """A uv project that is not a package (``[tool.uv] package = false``): never installed."""
    return _table_of(_table_of(pyproject, "tool"), "uv").get("package") is False


def _table_of(parent: dict[str, object], key: str) -> dict[str, object]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


_TEST_REQUIREMENTS = (
    "requirements-test.txt",
    "requirements-tests.txt",
    "requirements-dev.txt",
    "test-requirements.txt",
    "dev-requirements.txt",
    "requirements/test.txt",
    "requirements/tests.txt",
    "requirements/dev.txt",
)


def _requirements(root: Path) -> tuple[str, ...]:
    """The runtime requirements file and the first test or development one."""
    runtime = tuple(name for name in ("requirements.txt",) if (root / name).is_file())
    tests = tuple(name for name in _TEST_REQUIREMENTS if (root / name).is_file())[:1]
    return runtime + tests


_TYPING = ("typing", "types", "type", "mypy")


def type_install(pyproject: dict[str, object], install: tuple[str, ...]) -> tuple[str, ...]:
    """The stubs mypy needs, when the project keeps them in a group or extra of its own."""
    groups = typing_groups(pyproject, read_install(install).groups)
    if groups:
        return ("--group", groups[0])
    extras = _table_of(pyproject, "project").get("optional-dependencies")
    if isinstance(extras, dict):
        for extra in _TYPING:
            if extra in extras:
                return (f".[{extra}]",)
    return ()


def stage_python(root: Path, pyproject: dict[str, object]) -> str | None:
    """The stages' Python: None when this one is what the project's requires-python allows."""
    requires = _table_of(pyproject, "project").get("requires-python")
    if not isinstance(requires, str) or not requires.strip():
        return None
    return python_for(requires, where=str(root / "pyproject.toml"))


def find_lock(root: Path) -> str | None:
    """The project's uv.lock: its own, or its uv workspace's (a member's lock is the root's)."""
    if (root / "uv.lock").is_file():
        return "uv.lock"
    top = _git_top(root)
    for parent in root.resolve().parents:
        if (parent / "uv.lock").is_file() and _workspace_has(parent, root.resolve()):
            return os.path.relpath(parent / "uv.lock", root.resolve())
        if top is not None and parent == top:
            break
    return None


def _workspace_has(workspace: Path, member: Path) -> bool:
    tool = _table_of(read_toml(workspace / "pyproject.toml"), "tool")
    members = _table_of(_table_of(tool, "uv"), "workspace").get("members")
    relative = member.relative_to(workspace).as_posix()
    return isinstance(members, list) and any(
        isinstance(m, str) and fnmatch.fnmatch(relative, m.rstrip("/")) for m in members
    )


def _git_top(root: Path) -> Path | None:
    return top_level(root)


def has_workflows(root: Path) -> bool:
    folder = root / ".github" / "workflows"
    return folder.is_dir() and any(
        path.suffix in (".yml", ".yaml") and path.is_file() for path in folder.iterdir()
    )


def project_tool_pins(root: Path, pins: str, *, install: Sequence[str], lock: str | None) -> str:
    """gates' pins for ``gates-tools.txt``, less the tools the project locks or pins itself.

    A tool pinned in gates-tools.txt wins over the project's own version, so a
    tool the project locks (``uv.lock``) or pins in its groups is left out
    there, with a comment that says whose version it is.
    """
    lock_path = root / lock if lock else None
    shipped = parse_pins(pins, path="gates' pins")
    choices = choose_tools(
        sorted(shipped),
        pinned={},
        bundled=shipped,
        locked=locked_versions(lock_path) if lock_path is not None and lock_path.is_file() else {},
        declared=declarations(root, read_install(install)),
        lock_file=lock or "uv.lock",
    )
    lines = []
    for line in pins.splitlines():
        name = line.split("==", 1)[0].strip().lower()
        choice = choices.get(name)
        if choice is not None and "cannot write" in choice.where:
            reason = choice.where.removeprefix("gates' pins: ")
            lines.append(f"# {name}: {reason}: gates' pin applies until it can; pin it here")
            lines.append(f"#   to choose: {line.strip()}")
        elif choice is not None and choice.origin in (Origin.LOCKED, Origin.DECLARED):
            lines.append(f"# {name}: the project's own version ({choice.source}); pin it here to")
            lines.append(f"#   override that for gates: {line.strip()}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def installed_names(root: Path, pyproject: dict[str, object], install: Sequence[str]) -> set[str]:
    """The normalised names of what ``install`` installs: its groups, extras, files and arguments.

    Includes resolved (a group's ``include-group``, an extra that names the
    project's own other extras), the project's own dependencies when it is
    installed; requirements files followed through their ``-r``.
    """
    args = read_install(install)
    groups = {normalise(group) for group in args.groups}
    extras = _extras_closure(pyproject, args.extras)
    names: set[str] = set()
    for name, items in declarations(root, args).items():
        for item in items:
            table, _, which = item.where.partition("] ")
            if (
                (table.endswith("[dependency-groups") and normalise(which) in groups)
                or (table.endswith("[project.optional-dependencies") and normalise(which) in extras)
                or not item.where.startswith(("pyproject.toml", ".pre-commit-config.yaml"))
            ):
                names.add(name)
    project = _table_of(pyproject, "project")
    if args.project:
        names |= {_requirement_name(text) for text in _strings_of(project.get("dependencies"))}
    names |= {_requirement_name(arg) for arg in _plain_requirements(args.without_groups)}
    names.discard("")
    return names


def _extras_closure(pyproject: dict[str, object], extras: Sequence[str]) -> set[str]:
    """The extras installed, with those an extra pulls in (``test = ["pkg[linkify]"]``)."""
    project = _table_of(pyproject, "project")
    own = normalise(str(project.get("name", "")))
    table = project.get("optional-dependencies")
    by_name = {normalise(str(k)): v for k, v in table.items()} if isinstance(table, dict) else {}
    seen: set[str] = set()
    todo = [normalise(extra) for extra in extras]
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in _strings_of(by_name.get(extra)):
            match = re.match(r"^\s*([A-Za-z0-9][\w.-]*)\s*\[([^\]]*)\]", text)
            if match and normalise(match.group(1)) == own:
                todo += [normalise(e) for e in match.group(2).split(",") if e.strip()]
    return seen


def _plain_requirements(args: Sequence[str]) -> list[str]:
    """The requirement strings among pip arguments (not options, files or the project)."""
    found = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable"):
            skip = arg not in ("-e", "--editable")
        elif not arg.startswith(("-", ".")):
            found.append(arg)
    return found


def _requirement_name(text: str) -> str:
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", text)
    return normalise(match.group(1)) if match else ""


def _strings_of(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
