"""Where each tool a stage installs comes from: the project's pins, lock or declarations, or gates'.

The stages install each tool (mypy, ruff, pytest, coverage, ...) at the
version the project itself locks or declares (:mod:`gates.init.environment.projectenv`),
so that a stage finds what ``mypy`` or ``pytest`` finds in the project's own
development environment. Where a tool's version comes from, in
this order (:func:`choose_tools`):

1. ``pinned``: the project's ``gates-tools.txt`` pins it. That file is the
   project's explicit tool policy, so it wins even over the lock;
2. ``locked``: the project's ``uv.lock`` holds it (one version);
3. ``declared``: a dependency group, extra or requirements file pins it
   exactly (``mypy==1.13.0``), or allows only versions gates' own pin is not
   (``ruff<0.6``): the newest version the project allows; or the project's
   pre-commit hooks run it (the ``rev`` of ruff-pre-commit, mirrors-mypy,
   bandit);
4. ``gates``: gates' shipped pin (``gates/data/tools.txt``), also when the
   project names the tool without a version, or with a range the pin is in;
5. ``unpinned``: nothing pins it (pytest, in a project that does not).

A locked or declared version too old to write the report gates reads
(:data:`READABLE`: ruff before 0.1.2, mypy before 1.11) gives way to gates'
pin, and the source says why: the stage must produce evidence it can read.

This module runs in Nox's own environment (the noxfile imports
:mod:`gates.nox`), so it needs only the standard library and ``packaging``,
which Nox depends on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from gates.init.environment.projectenv import Declared, normalise

__all__ = ["READABLE", "Origin", "ToolChoice", "choose_tools"]


class Origin(StrEnum):
    """Where a tool's version comes from, in the order they win."""

    PINNED = "pinned"  # the project's gates-tools.txt
    LOCKED = "locked"  # the project's uv.lock
    DECLARED = "declared"  # the project's groups, extras or requirements pin it
    GATES = "gates"  # gates' shipped pins
    UNPINNED = "unpinned"  # nothing pins it


@dataclass(frozen=True, slots=True)
class ToolChoice:
    """How one tool is installed, and why at that version."""

    name: str
    origin: Origin
    requirement: str  # what to install: "mypy==1.11.2", "ruff<0.6", "pytest"
    where: str  # the file (and table) the version comes from

    @property
    def constrains(self) -> bool:
        """Whether the stage's constraints file carries this tool's pin."""
        return self.origin in (Origin.PINNED, Origin.GATES)

    @property
    def source(self) -> str:
        """One line for the stage manifest: ``locked: uv.lock (mypy==1.11.2)``."""
        where = f"{self.where} ({self.requirement})" if self.where else self.requirement
        return f"{self.origin.value}: {where}"


def choose_tools(
    names: Sequence[str],
    *,
    pinned: Mapping[str, str],
    bundled: Mapping[str, str],
    locked: Mapping[str, tuple[str, ...]],
    declared: Mapping[str, Sequence[Declared]],
    pins_file: str = "gates-tools.txt",
    lock_file: str = "uv.lock",
) -> dict[str, ToolChoice]:
    """Where each tool's version comes from: see the module docstring for the order."""
    return {
        name: _choose(
            name,
            pinned=pinned,
            bundled=bundled,
            locked=locked,
            declared=declared,
            files=(pins_file, lock_file),
        )
        for name in names
    }


def _choose(
    name: str,
    *,
    pinned: Mapping[str, str],
    bundled: Mapping[str, str],
    locked: Mapping[str, tuple[str, ...]],
    declared: Mapping[str, Sequence[Declared]],
    files: tuple[str, str],
) -> ToolChoice:
    key = normalise(name)
    pins = {normalise(k): v for k, v in pinned.items()}
    gates = {normalise(k): v for k, v in bundled.items()}
    if key in pins:
        return ToolChoice(name, Origin.PINNED, f"{name}=={pins[key]}", files[0])
    versions = locked.get(key, ())
    found: ToolChoice | None = None
    if len(versions) == 1:
        found = ToolChoice(name, Origin.LOCKED, f"{name}=={versions[0]}", files[1])
    elif versions:  # forked by markers: the locked requirements the stage installs say which
        found = ToolChoice(name, Origin.LOCKED, name, f"{files[1]} ({', '.join(versions)})")
    else:
        found = _declared_choice(name, declared.get(key, ()), gates.get(key))
    if found is not None and key in gates and _too_old(key, found.requirement):
        why = f"the project's {found.requirement} ({found.where}) cannot write the report gates"
        why += f" reads (needs {key}>={READABLE[key]})"
        return ToolChoice(name, Origin.GATES, f"{name}=={gates[key]}", f"gates' pins: {why}")
    if found is not None:
        return found
    if key in gates:
        return ToolChoice(name, Origin.GATES, f"{name}=={gates[key]}", "gates' pins")
    return ToolChoice(name, Origin.UNPINNED, name, "")


# The oldest version of a tool whose reports gates reads: ruff 0.1.2 has `ruff check
# --output-format json` and `ruff format --check` (whose JSON form came in 0.16: before it,
# gates reads the text, readers/findings/ruff_format_text.py); `mypy -O json` came in mypy 1.11.
READABLE = {"ruff": "0.1.2", "mypy": "1.11.0"}


def _too_old(key: str, requirement: str) -> bool:
    """Whether ``requirement`` allows only versions too old to write the report gates reads."""
    oldest = READABLE.get(key)
    if oldest is None:
        return False
    try:
        specifier = Requirement(requirement).specifier
    except InvalidRequirement:
        return False
    exact = [s.version for s in specifier if s.operator in ("==", "===") and "*" not in s.version]
    if exact:
        try:
            return Version(exact[0]) < Version(oldest)
        except InvalidVersion:
            return False
    return not any(specifier.contains(v, prereleases=True) for v in (oldest, "9999"))


def _declared_choice(name: str, items: Sequence[Declared], pin: str | None) -> ToolChoice | None:
    """The project's version of a tool it declares with a version; None when it gives none."""
    for item in items:
        specifier = item.requirement.specifier
        if not specifier:
            continue
        if pin is not None and specifier.contains(pin, prereleases=True) and not _exact(item):
            within = f"gates' pins, within {name}{specifier} of {item.where}"
            return ToolChoice(name, Origin.GATES, f"{name}=={pin}", within)
        return ToolChoice(name, Origin.DECLARED, f"{name}{specifier}", item.where)
    return None


def _exact(item: Declared) -> bool:
    """Whether the declaration names one version (``==1.2.3``, ``===1.2.3``)."""
    specs = list(item.requirement.specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
