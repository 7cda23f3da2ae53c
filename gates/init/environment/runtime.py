"""What the security stage audits: the project's runtime dependencies, wherever it declares them.

pip-audit audits a pyproject.toml's ``[project] dependencies`` (``pip-audit
.``) or requirements files (``-r``); it cannot read a ``setup.py`` ("couldn't
find a supported project file"). So ``gates init`` decides, in this order:

1. ``[project] dependencies`` (or dynamic ones): ``pip-audit .``;
2. a setup.py or setup.cfg ``install_requires`` read without running it
   (:mod:`gates.init.environment.setupmeta`): the stage writes it to a requirements file and
   audits that (the target ``setup.py``);
3. a requirements file of runtime pins: the one setup.py reads, else
   ``requirements.txt`` unless it lists only development tools (pytest,
   coverage, wheel, ...: jmespath's holds its test pins);
4. nothing: no audit, and ``gates.toml`` says why and how to add one.

A dependency whose marker excludes this interpreter (``typing-extensions;
python_version < "3.11"``) installs nothing: pip-audit would audit no package,
and the gate could never pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from gates.init.environment.projectenv import normalise
from gates.init.environment.setupmeta import read_setup

__all__ = ["AuditPlan", "audit_plan"]

# what a requirements file of development pins holds: test runners and their plugins,
# coverage, linters, type checkers, build and release tools, docs
_DEVELOPMENT = re.compile(
    r"^(pytest.*|coverage|hypothesis|mock|nose.*|tox.*|nox|flake8.*|pyflakes|pycodestyle|"
    r"black|ruff|isort|mypy|pylint|pyright|types-.*|.*-stubs|pre-commit|bandit|pip-audit|"
    r"wheel|setuptools|twine|build|flit.*|hatch.*|check-manifest|codecov|"
    r"sphinx.*|furo|myst-.*|mkdocs.*|bumpversion|bump2version|invoke|unittest2|parameterized|"
    r"freezegun|responses|faker|factory-boy|testfixtures|pyfakefs|pytest_.*)$"
)
_MAX_INCLUDES = 20


@dataclass(frozen=True, slots=True)
class AuditPlan:
    """pip-audit's targets, and why."""

    targets: tuple[str, ...]  # () when there is nothing to audit
    why: str  # for init's notes and the gates.toml comment


def audit_plan(root: Path, pyproject: Mapping[str, object]) -> AuditPlan:
    """What pip-audit audits in this project (see the module docstring)."""
    project = pyproject.get("project")
    if isinstance(project, dict):
        dynamic = "dependencies" in _strings(project.get("dynamic"))
        if dynamic or _applies(_strings(project.get("dependencies"))):
            return AuditPlan((".",), "the dependencies pyproject.toml declares")
        return _requirements_or_nothing(root, "pyproject.toml declares no runtime dependency")
    setup = read_setup(root)
    if setup.install_requires is None:
        return _computed(root, setup.where, setup.requirement_files)
    if setup.found and _applies(setup.install_requires):
        return AuditPlan((setup.where,), f"the install_requires of {setup.where}")
    if setup.found:
        return _requirements_or_nothing(root, f"{setup.where} declares no install_requires")
    return _requirements_or_nothing(root, "the project declares no runtime dependency")


def _computed(root: Path, where: str, files: Sequence[str]) -> AuditPlan:
    """A setup.py that computes install_requires: the requirements file it names, if any."""
    found = [name for name in files if (root / name).is_file()]
    if found:
        return AuditPlan(("-r", found[0]), f"the requirements file {where} reads")
    return AuditPlan(
        (),
        f"{where} computes install_requires when it runs, so gates cannot read it: "
        'list its runtime requirements file in noxfile.py (audit=["-r", "FILE"])',
    )


def _requirements_or_nothing(root: Path, why: str) -> AuditPlan:
    path = root / "requirements.txt"
    if not path.is_file():
        return AuditPlan((), why)
    names = _requirement_names(root, "requirements.txt", depth=0)
    if names and all(_DEVELOPMENT.match(name) for name in names):
        return AuditPlan(
            (), f"{why}, and requirements.txt holds development tools only ({', '.join(names)})"
        )
    return AuditPlan(("-r", "requirements.txt"), "the runtime requirements of requirements.txt")


def _requirement_names(root: Path, name: str, *, depth: int) -> list[str]:
    """The normalised names a requirements file lists, following ``-r``."""
    path = root / name
    if depth > _MAX_INCLUDES or not path.is_file():
        return []
    found: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        include = re.match(r"^(?:-r|--requirement)\s*=?\s*(\S+)$", line)
        if include:
            nested = Path(os.path.relpath(path.parent / include.group(1), root)).as_posix()
            found += _requirement_names(root, nested, depth=depth + 1)
        elif line and not line.startswith("-"):
            match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line)
            if match:
                found.append(normalise(match.group(1)))
    return list(dict.fromkeys(found))


def _applies(texts: Sequence[str]) -> bool:
    """Whether any requirement installs on this interpreter (its marker allows it)."""
    for text in texts:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return True  # unreadable: audit, and let pip-audit say what it makes of it
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            return True
    return False


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
