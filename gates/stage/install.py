"""How a stage session installs its tools and the project: the pins, the lock, gates itself.

Each tool at the project's own pin (``gates-tools.txt``), else the version
its lock or declarations give, else gates' pin; the project at exactly its
``uv.lock`` when there is one; gates from where it was installed.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import tomllib
from collections.abc import Sequence
from pathlib import Path

import nox
import nox.command

from gates import __version__
from gates.init.environment.projectenv import InstallArgs, normalise
from gates.init.environment.toolchoice import ToolChoice
from gates.stage.pins import PINS_NAME, bundled
from gates.stage.sessions import (
    stop,
)
from gates.system.atomic import write_lines

__all__ = [
    "export_lock",
    "gates_install",
    "gates_unless_project",
    "installed_from",
    "lines_file",
    "project_name",
    "require_group_support",
    "requirement",
    "tool_pins",
    "uv",
    "version",
]


def tool_pins(root: Path = Path()) -> Path:
    """The constraints file the stages install tools with: the repository's, else gates' own."""
    local = root / PINS_NAME
    return local if local.is_file() else bundled()


def gates_install() -> list[str]:
    """How a session installs gates itself: the same gates that runs this noxfile.

    ``GATES_INSTALL`` (pip arguments) wins; a gates imported from a source
    checkout installs that checkout; one installed from a path, an archive or
    a VCS URL installs from there again (its PEP 610 ``direct_url.json``);
    otherwise this exact release from the configured index.
    """
    override = os.environ.get("GATES_INSTALL", "").strip()
    if override:
        return shlex.split(override)
    checkout = Path(__file__).resolve().parents[2]
    project = checkout / "pyproject.toml"
    if project.is_file() and project_name(project) == "gates":
        return [str(checkout)]
    return [installed_from() or f"gates=={__version__}"]


def installed_from() -> str:
    """Where pip installed this gates from, when not from an index (PEP 610)."""
    try:
        text = importlib.metadata.distribution("gates").read_text("direct_url.json")
        origin = json.loads(text) if text else {}
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return ""
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    if not isinstance(url, str) or not url:
        return ""
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"gates @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    return f"gates @ {url}"


def gates_unless_project(project: bool) -> list[str]:  # noqa: FBT001 - private helper
    """gates' install arguments, unless the project being installed is this gates checkout."""
    spec = gates_install()
    if project and spec == [str(Path.cwd().resolve())]:
        return []
    return spec


def project_name(pyproject: Path) -> str:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return ""
    project = data.get("project", {})
    return str(project.get("name", "")) if isinstance(project, dict) else ""


def requirement(choice: ToolChoice, tool: str) -> str:
    return tool if choice.constrains else choice.requirement


def lines_file(path: Path, lines: Sequence[str]) -> str:
    """Write a requirements or constraints file into the session's environment folder."""
    return str(write_lines(path, tuple(lines)))


def export_lock(session: nox.Session, lock: Path, declared: InstallArgs, *, drop: set[str]) -> str:
    """The locked versions of the project's dependencies, groups and extras, as a file.

    ``uv export --frozen`` (the lock as it is, never re-resolved); the project
    itself is installed from the install arguments, and a tool the project
    pins in ``gates-tools.txt`` is left out so that its pin wins.
    """
    out = Path(session.virtualenv.location) / "gates-locked.txt"
    command = [
        *uv(session),
        "export",
        "--frozen",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        "--format",
        "requirements.txt",
        "--no-emit-project",
        "--no-default-groups",
        *[arg for group in declared.groups for arg in ("--group", group)],
        *[arg for extra in declared.extras for arg in ("--extra", extra)],
        "--output-file",
        str(out),
        "--quiet",
    ]
    session.run_install(*command, external=True)
    if drop and out.is_file():
        kept = [
            line
            for line in out.read_text(encoding="utf-8").splitlines()
            if normalise(re.split(r"[\s=<>!~;\[]", line.strip(), maxsplit=1)[0]) not in drop
        ]
        lines_file(out, kept)
    session.log(f"gates: the project's locked versions from {lock} ({out})")
    return str(out)


def uv(session: nox.Session) -> list[str]:
    """How to run uv: the one Nox uses for the uv backend, else one on PATH."""
    if session.venv_backend == "uv":
        return ["uv"]
    found = shutil.which("uv")
    if found is None:
        stop(
            "the project has a uv.lock, and installing exactly its versions needs uv: "
            "install uv where nox runs (`pip install uv`), or set `lock=None` in noxfile.py "
            "to install without the lock"
        )
    return [found]


def require_group_support(session: nox.Session, groups: Sequence[str]) -> None:
    """Stop with a clear message when the session's installer cannot install ``--group``."""
    if session.venv_backend == "uv":
        installer, command = "uv", ["uv", "pip", "install", "--help"]
    else:
        installer, command = "pip", ["python", "-m", "pip", "install", "--help"]
    helptext = session.run_install(*command, silent=True, external=True)
    if not isinstance(helptext, str) or "--group" in helptext:
        return  # installs skipped (--no-install), or it knows --group
    stop(
        f"this stage installs the dependency groups {', '.join(groups)} (--group), "
        f"and the session's {installer} cannot: dependency groups need pip >= 25.1 or uv. "
        "Install uv where nox runs (`pip install uv`: nox then builds the stage environments "
        "with it), or a newer virtualenv (it seeds a newer pip)"
    )


def version(session: nox.Session, tool: str) -> tuple[int, ...]:
    """The version the session's ``tool --version`` prints; a newest-possible one if unreadable.

    Unreadable means the newest form is tried, whose failure the stage then records.
    """
    try:
        said = session.run(tool, "--version", silent=True, log=False)
    except nox.command.CommandFailed:
        return (10**6,)
    words = str(said or "").split()
    parts = words[1].split(".") if len(words) > 1 else []
    numbers = tuple(int(part) for part in parts[:3] if part.isascii() and part.isdigit())
    return numbers or (10**6,)
