"""The tool pins: which versions of ruff, mypy, bandit, ... the stages install.

A project's ``gates-tools.txt`` is its explicit tool policy: a tool pinned
there is installed at that version, whatever the project locks. A tool it does
not pin is installed at the version the project itself locks or declares,
else at the pin shipped in ``gates/data/tools.txt`` (:mod:`gates.init.environment.toolchoice`).
Either way a new tool release cannot change a verdict until a reviewed file
changes. :func:`upgrade` rewrites every pin to
the newest versions that install together, keeping the comments, by asking pip
to resolve them (``pip install --dry-run --report``), so the change arrives as
a diff to review.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from gates.errors import UsageError
from gates.system import process

__all__ = [
    "PINS_NAME",
    "bundled",
    "bundled_pins",
    "parse_pins",
    "project_pins",
    "render_pins",
    "resolve_latest",
    "upgrade",
]

PINS_NAME = "gates-tools.txt"
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s#;]+)\s*(#.*)?$")


def bundled() -> Path:
    """The pins shipped with gates."""
    return Path(__file__).resolve().parents[1] / "data" / "tools.txt"


def bundled_pins() -> dict[str, str]:
    """The pins shipped with gates: the default for every tool the project does not pin."""
    return parse_pins(bundled().read_text(encoding="utf-8"), path=str(bundled()))


def project_pins(root: Path = Path()) -> dict[str, str]:
    """The project's own pins (its ``gates-tools.txt``): they win over any other version."""
    path = root / PINS_NAME
    if not path.is_file():
        return {}
    return parse_pins(path.read_text(encoding="utf-8"), path=str(path))


def parse_pins(text: str, *, path: str) -> dict[str, str]:
    """``name==version`` lines -> {name: version}; other lines must be comments or blank."""
    pins: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PIN.match(line)
        if match is None:
            raise UsageError(
                f"{path}:{number}: {stripped!r} is not an exact pin (name==version)",
                slug="usage",
                hint="the tool pins are exact versions, one per line",
            )
        pins[match.group(1).lower()] = match.group(2)
    return pins


def render_pins(text: str, versions: Mapping[str, str]) -> str:
    """``text`` with each pinned version replaced by ``versions[name]``; comments kept."""
    lines = []
    for line in text.splitlines():
        match = _PIN.match(line)
        if match and match.group(1).lower() in versions:
            comment = f"  {match.group(3)}" if match.group(3) else ""
            lines.append(f"{match.group(1)}=={versions[match.group(1).lower()]}{comment}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def resolve_latest(names: Sequence[str], *, python: str = sys.executable) -> dict[str, str]:
    """The newest versions of ``names`` that install together, as pip resolves them."""
    command = [
        python,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--quiet",
        "--report",
        "-",
        *names,
    ]
    result = process.run(command, timeout=600)
    if result.why:
        raise UsageError(f"could not run pip to resolve the tools: {result.why}", slug="usage")
    if not result.ok:
        why = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"pip could not resolve {', '.join(names)}: {why[-1] if why else 'no output'}",
            slug="usage",
            hint="check the package index is reachable (pip config list)",
        )
    try:
        report = json.loads(result.stdout)
        found = {
            str(item["metadata"]["name"]).lower().replace("_", "-"): str(
                item["metadata"]["version"]
            )
            for item in report["install"]
        }
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"pip's report could not be read: {error}", slug="usage") from None
    wanted = {name.lower().replace("_", "-") for name in names}
    missing = sorted(wanted - found.keys())
    if missing:
        raise UsageError(f"pip did not resolve {', '.join(missing)}", slug="usage")
    return {name: found[name.lower().replace("_", "-")] for name in names}


def upgrade(path: Path) -> dict[str, tuple[str, str]]:
    """Rewrite the pins at ``path`` to the newest versions; returns {name: (old, new)}."""
    source = path if path.is_file() else bundled()
    text = source.read_text(encoding="utf-8")
    pins = parse_pins(text, path=str(source))
    latest = resolve_latest(sorted(pins))
    # imported here: gates.nox imports this module in Nox's own environment,
    # which need not have gates' dependencies (gates.stage.manifest needs defusedxml)
    from gates.system.atomic import atomic_write  # noqa: PLC0415

    atomic_write(path, render_pins(text, latest).encode())
    return {name: (pins[name], latest[name]) for name in sorted(pins)}
