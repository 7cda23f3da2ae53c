"""Run a tool as part of a stage, and record it in the stage's manifest.

The stage recipes (``gates.nox``) and ``gates run`` both use :func:`run_tool`:
it runs the command, optionally captures its standard output as a report,
records the tool's version and exit code, and registers the reports the tool
wrote. A stage "fails" only when the tool could not produce evidence: the
exit code is outside the tool's documented set, or a report is missing.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.errors import UsageError
from gates.manifest import StageRecorder, atomic_file
from gates.tools import exit_meaning, ok_exit_codes

__all__ = ["ReportSpec", "ToolOutcome", "run_tool", "tool_version"]

_VERSION = re.compile(r"\b(\d+\.\d+(?:\.\d+)?(?:[-.+]?[A-Za-z0-9.]+)?)\b")
_STAGE_DIR = "{stage_dir}"


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """A report the tool writes: its format and its path inside the stage folder."""

    format: str
    path: str
    role: str = ""


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """How a tool run went, for the stage to decide whether it produced evidence."""

    exit_code: int
    ran_fine: bool
    missing: tuple[str, ...]  # reports the tool should have written and did not

    @property
    def evidence_produced(self) -> bool:
        return self.ran_fine and not self.missing

    def describe(self, tool: str) -> str:
        if not self.ran_fine:
            meaning = exit_meaning(tool, self.exit_code)
            why = f" ({meaning})" if meaning else ""
            return f"{tool} exited {self.exit_code}{why}, outside the codes with which it runs fine"
        return f"{tool} did not write {', '.join(self.missing)}"


def run_tool(
    recorder: StageRecorder,
    argv: Sequence[str],
    *,
    tool: str,
    reports: Sequence[ReportSpec] = (),
    stdout: ReportSpec | None = None,
    version: str = "",
    declared_ok: Sequence[int] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ToolOutcome:
    """Run ``argv`` (``{stage_dir}`` is replaced by the stage folder) and record it."""
    command = [arg.replace(_STAGE_DIR, str(recorder.folder)) for arg in argv]
    output = recorder.folder / stdout.path if stdout is not None else None
    code = _execute(command, stdout=output, cwd=cwd, env=env)
    recorder.tool(
        tool,
        version=version or tool_version(command, env=env),
        argv=command,
        exit_code=code,
        ok_exit_codes=declared_ok,
    )
    missing = []
    for spec in [*([stdout] if stdout else []), *reports]:
        if (recorder.folder / spec.path).is_file():
            recorder.report(spec.path, format=spec.format, tool=tool, role=spec.role)
        else:
            missing.append(spec.path)
    fine = code in ok_exit_codes(tool, tuple(declared_ok) if declared_ok is not None else None)
    return ToolOutcome(code, fine, tuple(missing))


def _execute(
    command: Sequence[str], *, stdout: Path | None, cwd: Path | None, env: Mapping[str, str] | None
) -> int:
    """Run ``command``; its standard output goes straight to ``stdout`` (atomically) when given."""
    environment = {**os.environ, **env} if env else None
    try:
        if stdout is None:
            return subprocess.run(command, cwd=cwd, env=environment, check=False).returncode
        with atomic_file(stdout) as handle:
            return subprocess.run(
                command, cwd=cwd, env=environment, stdout=handle, check=False
            ).returncode
    except FileNotFoundError:
        raise UsageError(
            f"cannot run `{command[0]}`: not found",
            slug="tool-not-found",
            hint=f"install {command[0]} in the environment that runs the stage",
        ) from None


def tool_version(command: Sequence[str], *, env: Mapping[str, str] | None = None) -> str:
    """Ask the tool for its version (``X --version``, or ``python -m X --version``)."""
    probe = _version_probe(command)
    environment = {**os.environ, **env} if env else None
    try:
        result = subprocess.run(
            probe, capture_output=True, timeout=60, check=False, env=environment
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = _VERSION.search(
        result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
    )
    return match.group(1) if match else "unknown"


def _version_probe(command: Sequence[str]) -> list[str]:
    if len(command) >= 3 and Path(command[0]).name.startswith("python") and command[1] == "-m":
        return [command[0], "-m", command[2], "--version"]
    return [command[0], "--version"]
