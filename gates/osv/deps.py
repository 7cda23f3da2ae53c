"""The dependencies an offline audit examines: pip-audit's targets, resolved without a network.

pip-audit resolves its targets (a project folder, ``-r`` requirements files)
against the package index. Offline, the audit reads the versions instead:

* a requirements file: each requirement pinned to one version (``==``) is
  audited at that version; another is audited at the version installed in the
  current environment when that version satisfies it;
* a project folder (its ``pyproject.toml``'s ``[project] name``): the project
  must be installed in the current environment; its runtime requirements, and
  theirs in turn, are audited at their installed versions (markers evaluated
  for this interpreter, extras followed where a requirement asks for them).

Whatever cannot be resolved so (not installed, a version that does not satisfy
the requirement, a line gates does not read) is a :class:`Skipped` with the
reason: the report lists it and the verdict blocks on it (``audit-incomplete``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

__all__ = ["Dependency", "Skipped", "resolve"]


@dataclass(frozen=True, slots=True)
class Dependency:
    """A dependency at the version the audit examines."""

    name: str  # as the distribution spells it
    version: Version


@dataclass(frozen=True, slots=True)
class Skipped:
    """A dependency the audit could not examine, and why."""

    name: str
    reason: str


Resolved = tuple[list[Dependency], list[Skipped]]


def resolve(targets: Sequence[str], *, installed: dict[str, str] | None = None) -> Resolved:
    """The dependencies of pip-audit's ``targets`` (``-r FILE`` pairs and project folders)."""
    versions = _installed() if installed is None else installed
    found: dict[str, Dependency | Skipped] = {}
    items = list(targets)
    while items:
        target = items.pop(0)
        if target in {"-r", "--requirement"} and items:
            entries = _requirements_file(Path(items.pop(0)), versions)
        elif target.startswith("-"):
            entries = [Skipped(target, "an option the offline audit does not read")]
        else:
            entries = _project(Path(target), versions)
        for entry in entries:
            found.setdefault(canonicalize_name(entry.name), entry)
    deps = [e for e in found.values() if isinstance(e, Dependency)]
    skipped = [e for e in found.values() if isinstance(e, Skipped)]
    return sorted(deps, key=lambda d: canonicalize_name(d.name)), skipped


def _installed() -> dict[str, str]:
    """The distributions of the current environment: normalised name -> version."""
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist.version)
    return found


def _requirements_file(path: Path, versions: dict[str, str]) -> list[Dependency | Skipped]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Skipped(str(path), f"the requirements file cannot be read ({error})")]
    entries: list[Dependency | Skipped] = []
    for line in _logical_lines(text):
        if line.startswith("-"):
            entries.append(Skipped(line[:60], f"{path}: an option line is not read"))
            continue
        try:
            wanted = Requirement(line.split(" --", 1)[0].strip())
        except InvalidRequirement:
            entries.append(Skipped(line[:60], f"{path}: not a requirement"))
            continue
        if wanted.marker is None or wanted.marker.evaluate():
            entries.append(_pinned(wanted, versions))
    return entries


def _logical_lines(text: str) -> Iterable[str]:
    """Lines without comments, continuations (``\\``) joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = (pending + line).strip(), ""
        if line:
            yield line
    if pending.strip():
        yield pending.strip()


def _pinned(wanted: Requirement, versions: dict[str, str]) -> Dependency | Skipped:
    """A requirement at its pinned version, else at the installed one that satisfies it."""
    specs = list(wanted.specifier)
    if len(specs) == 1 and specs[0].operator in {"==", "==="} and "*" not in specs[0].version:
        return _at(wanted.name, specs[0].version, "pinned")
    have = versions.get(canonicalize_name(wanted.name))
    if have is None:
        return Skipped(wanted.name, "not pinned (==) and not installed in the audit's environment")
    if not wanted.specifier.contains(have, prereleases=True):
        return Skipped(wanted.name, f"the installed {have} does not satisfy {wanted.specifier}")
    return _at(wanted.name, have, "installed")


def _at(name: str, version: str, how: str) -> Dependency | Skipped:
    try:
        return Dependency(name, Version(version))
    except InvalidVersion:
        return Skipped(name, f"its {how} version {version!r} is not a Python version")


def _project(folder: Path, versions: dict[str, str]) -> list[Dependency | Skipped]:
    """The installed dependency closure of the project in ``folder``."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return [Skipped(str(folder), f"no readable pyproject.toml ({type(error).__name__})")]
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str) or not name:
        return [Skipped(str(folder), "its pyproject.toml has no [project] name")]
    if canonicalize_name(name) not in versions:
        return [Skipped(name, "the project is not installed in the audit's environment")]
    return _closure(name, versions)


def _closure(root: str, versions: dict[str, str]) -> list[Dependency | Skipped]:
    entries: list[Dependency | Skipped] = []
    seen = {canonicalize_name(root)}
    queue: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
    while queue:
        name, extras = queue.pop(0)
        for wanted in _requires(name, extras):
            key = canonicalize_name(wanted.name)
            if key in seen:
                continue
            seen.add(key)
            have = versions.get(key)
            if have is None:
                entries.append(
                    Skipped(wanted.name, "a dependency not installed in the environment")
                )
                continue
            entries.append(_at(wanted.name, have, "installed"))
            queue.append((wanted.name, frozenset(wanted.extras)))
    return entries


def _requires(name: str, extras: frozenset[str]) -> list[Requirement]:
    """The requirements of an installed distribution that apply here, with ``extras``."""
    wanted: list[Requirement] = []
    for line in metadata.requires(name) or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue  # an installed distribution's metadata: pip has already read it
        marker = requirement.marker
        here = {key: str(value) for key, value in default_environment().items()}
        environments = [{**here, "extra": e} for e in ("", *sorted(extras))]
        if marker is None or any(marker.evaluate(env) for env in environments):
            wanted.append(requirement)
    return wanted
