"""What the test stages measure coverage with: the project's own configuration, or its package."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path

import nox
import nox.command

__all__ = [
    "as_paths",
    "cov_source",
    "coverage_settings",
    "coverage_source",
    "has_table",
    "python_files",
]


def as_paths(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


_SETTINGS_PROBE = """\
import importlib.util, json
import coverage
cov = coverage.Coverage()
print("gates-coverage-settings:" + json.dumps({
    "measures": bool(cov.get_option("run:source") or cov.get_option("run:source_pkgs")
                     or cov.get_option("run:include")),
    "pytest_cov": importlib.util.find_spec("pytest_cov") is not None,
}))
"""


def coverage_settings(session: nox.Session) -> dict[str, bool]:
    """What the project's coverage configuration already says, as coverage.py reads it.

    Asked inside the stage's environment: whether it chooses what to measure
    (``source``, ``source_pkgs`` or ``include``), and whether pytest-cov is
    installed. A configuration coverage.py cannot read answers nothing: the
    run then reports the error itself.
    """
    output = session.run(
        "python", "-c", _SETTINGS_PROBE, silent=True, success_codes=list(range(256))
    )
    for line in str(output or "").splitlines():
        if line.startswith("gates-coverage-settings:"):
            try:
                found = json.loads(line.partition(":")[2])
            except ValueError:
                return {}
            return (
                {key: bool(value) for key, value in found.items()}
                if isinstance(found, dict)
                else {}
            )
    return {}


def coverage_source(settings: dict[str, bool], package: str | Sequence[str]) -> list[str]:
    """``--source=<the package>``, unless the project's configuration chooses what to measure.

    Both would be a conflict: ``--source`` replaces the configuration's
    ``source``, and beside an ``include`` coverage.py warns (``include-ignored``),
    which ``filterwarnings = error`` turns into a crash.
    """
    if settings.get("measures"):
        return []
    return [f"--source={','.join(cov_source(path) for path in as_paths(package))}"]


def cov_source(path: str) -> str:
    """What ``--source`` measures for a package path.

    coverage.py takes a folder or an importable name, so a single-module
    package (``solo.py``, ``src/solo.py``) is measured by its module name: as a
    path it is read as a module called ``solo.py``, never imported, and the
    stage writes no coverage report.
    """
    return Path(path).stem if path.endswith(".py") else path


def python_files(path: str) -> str:
    """The git pathspec of the Python files of a package path (a folder or one module)."""
    if path.endswith(".py"):
        return path
    folder = path.rstrip("/")
    return "*.py" if folder in ("", ".") else f"{folder}/*.py"


def has_table(path: str, tool: str) -> bool:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    tables = data.get("tool", {})
    return isinstance(tables, dict) and tool in tables
