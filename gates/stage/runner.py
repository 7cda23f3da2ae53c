"""Run a tool as part of a stage, and record it in the stage's manifest.

The stage recipes (``gates.nox``) and ``gates run`` both use :func:`run_tool`:
it runs the command, optionally captures its standard output as a report,
records the tool's version and exit code, and registers the reports the tool
wrote. A stage "fails" only when the tool could not produce evidence: the
exit code is outside the tool's documented set, or a report is missing.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.catalog.tools import exit_meaning, ok_exit_codes
from gates.stage.recorder import StageRecorder
from gates.system import process
from gates.system.atomic import atomic_file

__all__ = ["ReportSpec", "ToolOutcome", "run_tool", "tool_version"]

_VERSION = re.compile(r"\b(\d+\.\d+(?:\.\d+)?(?:[-.+]?[A-Za-z0-9.]+)?)\b")
_STAGE_DIR = "{stage_dir}"
_WARNING = re.compile(rb":\d+: \w*Warning: ")  # warnings.formatwarning: "file:line: Category: ..."
# What `coverage run` says as it exits after the program it ran failed: a consequence,
# never the reason (pytest's own error, printed before it, is)
_AFTERWORD = re.compile(rb"CoverageWarning: No data was collected")
_TAIL_CHARS = 300  # of the tool's last error message, kept to say why it failed
_DETAIL_LINES = 4  # indented lines kept under that message


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
    last_error: str = ""  # the last line the tool wrote to standard error

    @property
    def evidence_produced(self) -> bool:
        return self.ran_fine and not self.missing

    def describe(self, tool: str) -> str:
        said = f"; it said: {self.last_error}" if self.last_error else ""
        if not self.ran_fine:
            meaning = exit_meaning(tool, self.exit_code)
            why = f" ({meaning})" if meaning else ""
            return (
                f"{tool} exited {self.exit_code}{why}, outside the codes with which it runs fine"
                + said
            )
        return f"{tool} did not write {', '.join(self.missing)}{said}"


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
    source: str = "",
) -> ToolOutcome:
    """Run ``argv`` (``{stage_dir}`` is replaced by the stage folder) and record it.

    ``source`` says where the tool's version came from (the project's lock, its
    pins, gates' pins), for the manifest.
    """
    command = [arg.replace(_STAGE_DIR, str(recorder.folder)) for arg in argv]
    output = recorder.folder / stdout.path if stdout is not None else None
    code, last_error = _execute(command, stdout=output, cwd=cwd, env=env)
    recorder.tool(
        tool,
        version=version or tool_version(command, env=env, tool=tool),
        argv=command,
        exit_code=code,
        ok_exit_codes=declared_ok,
        source=source,
    )
    missing = []
    for spec in [*([stdout] if stdout else []), *reports]:
        if (recorder.folder / spec.path).is_file():
            recorder.report(spec.path, format=spec.format, tool=tool, role=spec.role)
        else:
            missing.append(spec.path)
    declared = tuple(declared_ok) if declared_ok is not None else None
    fine = code in ok_exit_codes(tool, declared, command)
    return ToolOutcome(code, fine, tuple(missing), last_error)


def _execute(
    command: Sequence[str], *, stdout: Path | None, cwd: Path | None, env: Mapping[str, str] | None
) -> tuple[int, str]:
    """Run ``command``: its exit code, and the last line it wrote to standard error.

    Standard output goes straight to ``stdout`` (atomically) when given; standard
    error passes through to ours as it comes, and its last line is kept to say
    why a tool failed.
    """
    environment = {**os.environ, **env} if env else None
    tail = _Tail()
    if stdout is None:
        done = process.stream(command, cwd=cwd, env=environment, on_error_line=tail.copy)
    else:
        try:
            with atomic_file(stdout) as handle:
                done = process.stream(
                    command, cwd=cwd, env=environment, stdout=handle, on_error_line=tail.copy
                )
                _started(done)
        except _NotStarted as failed:
            done = failed.done
    return done.code, done.why or tail.text()[:_TAIL_CHARS]


def _started(done: process.Finished) -> None:
    """Raise :class:`_NotStarted` for a tool that never started: no report, not an empty one."""
    if done.why:
        raise _NotStarted(done)


class _NotStarted(Exception):  # noqa: N818 - carries a result, raised only to be caught
    """The tool could not start: its standard output file is dropped, not kept empty."""

    def __init__(self, done: process.Finished) -> None:
        super().__init__(done.why)
        self.done = done


class _Tail:
    """The last message a tool wrote to standard error, with the indented lines under it.

    ``pytest: error: unrecognized arguments: -x`` is followed by ``  rootdir: …``,
    ``ruff failed`` by ``  Cause: …``: the message and its details say why,
    neither alone. The source line Python prints under a warning is left out,
    and so is coverage.py's "No data was collected" after another message:
    ``coverage run -m pytest`` says it when pytest stopped before any test.
    """

    def __init__(self) -> None:
        self.message = b""
        self.details: deque[bytes] = deque(maxlen=_DETAIL_LINES)
        self.previous = b""  # the last non-blank line

    def add(self, line: bytes) -> None:
        if not line.strip():
            return
        if self.message and _AFTERWORD.search(line):
            self.previous = line  # and the source line under it is skipped as a warning's
            return
        if not line[:1].isspace() or not self.message:
            self.message = line
            self.details.clear()
        elif not _warning_source(self.previous, line):
            self.details.append(line)
        self.previous = line

    def copy(self, line: bytes) -> None:
        """Copy a line of the tool's standard error to ours, and keep it if it says why."""
        sink = sys.stderr.buffer if hasattr(sys.stderr, "buffer") else None
        if sink is not None:
            sink.write(line)
            sink.flush()
        else:
            sys.stderr.write(line.decode("utf-8", "replace"))
        self.add(line)

    def text(self) -> str:
        message = self.message.decode("utf-8", "replace").strip()
        details = "; ".join(line.decode("utf-8", "replace").strip() for line in self.details)
        return f"{message} ({details})" if details else message


def _warning_source(previous: bytes, line: bytes) -> bool:
    """Whether ``line`` is the indented source line Python prints under a warning.

    ``file.py:12: CoverageWarning: No data was collected.`` says why; the
    ``    self._warn(...)`` under it (after a blank line when the message ends
    with one) is only the code that warned. ``previous`` is the last non-blank line.
    """
    return line[:1].isspace() and _WARNING.search(previous) is not None


def tool_version(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, tool: str = ""
) -> str:
    """Ask the tool for its version (``X --version``, or ``python -m X --version``).

    When the command is not the tool itself (``sh -c '... git ...'``, or ``true``
    for reports written by an earlier step), the tool is asked by its name.
    """
    probe = _version_probe(command)
    if tool and _program(probe) != tool:
        probe = [tool, "--version"]
    environment = {**os.environ, **env} if env else None
    said = process.run(probe, timeout=60, env=environment)
    match = _VERSION.search(said.text + said.stderr.decode("utf-8", "replace"))
    return match.group(1) if match and said.ok else _installed_version(tool)


def _installed_version(tool: str) -> str:
    """A plugin with no ``--version`` of its own (pytest-benchmark): its installed distribution."""
    try:
        return importlib.metadata.version(tool) if tool else "unknown"
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _program(probe: Sequence[str]) -> str:
    """The program a version probe asks: ``ruff``, or ``pytest`` for ``python -m pytest``."""
    name = probe[2] if probe[1] != "--version" else Path(probe[0]).name
    return name.removesuffix(".exe").replace("_", "-")


def _version_probe(command: Sequence[str]) -> list[str]:
    if len(command) >= 3 and Path(command[0]).name.startswith("python") and command[1] == "-m":
        return [command[0], "-m", command[2], "--version"]
    return [command[0], "--version"]
