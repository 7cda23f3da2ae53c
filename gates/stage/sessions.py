"""How a stage runs as a Nox session: it fails into its manifest, never into Nox.

A stage whose tool or environment failed records why (the command's last
words) in its manifest and warns, and the verdict blocks on it
(``stage-failed``): a failing Nox session would abort every session that
``requires=`` it, and hide the one verdict that lists every problem at once.
``nox -s gates`` then exits with ``gates check``'s own code.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

import nox
import nox.command

from gates.stage.shards.request import SHARD_ENV, SHARDED
from gates.system.atomic import write_lines

if TYPE_CHECKING:
    from gates.stage.recipes import Pipeline

__all__ = [
    "ANSI",
    "EXIT_FILE",
    "EXIT_HOOKS",
    "FAILED",
    "FRESH",
    "STARTED",
    "TAIL_LINES",
    "VERDICTS",
    "CommandErrors",
    "StageRecipe",
    "exit_as_gates_check",
    "forget_verdict",
    "stage_error",
    "stop",
    "verdict_exit",
    "write_exit",
]


def stop(message: str) -> NoReturn:
    """Stop the stage's install: the stage session records ``message`` as why it has no evidence."""
    raise nox.command.CommandFailed(f"gates: {message}")


FRESH = "GATES_FRESH"  # set (not "0"): run every stage, up to date or not


def stage_error(folder: Path) -> str:
    """Why the stage in ``folder`` could not produce evidence, or "" when it did."""
    manifest = folder / "manifest.json"
    try:
        error = json.loads(manifest.read_text(encoding="utf-8")).get("error", "")
    except (OSError, ValueError, AttributeError):
        return f"{manifest} was not written"
    return str(error)


class StageRecipe:
    """A stage session: keep up-to-date evidence, else run the recipe; record any failure.

    Every failure of a command the recipe runs (an install that cannot resolve,
    a tool runner that crashed) is recorded in the stage's manifest with the
    command's last lines, and the session still succeeds: ``gates`` then judges
    every stage and names this one's failure.
    """

    def __init__(
        self, pipeline: Pipeline, stage: str, recipe: Callable[[nox.Session], None]
    ) -> None:
        self.pipeline = pipeline
        self.stage = stage
        self.recipe = recipe

    def __call__(self, session: nox.Session) -> None:
        reports = Path(self.pipeline.reports)
        forget_verdict(reports)  # the evidence is about to change
        if self.stage in SHARDED and os.environ.get(SHARD_ENV):  # a shard or their combining
            self.recipe(session)  # runs as asked: no reuse, and a failure fails its job
            return
        inputs = self.pipeline.inputs(session, self.stage)
        why = self.pipeline.outdated(session, self.stage, inputs)
        if not why:
            session.log(
                f"{self.stage}: up to date, its evidence kept "
                f"(`{FRESH}=1 nox -s {self.stage}` runs it again)"
            )
            return
        session.log(f"{self.stage}: runs ({why})")
        folder = reports / self.stage
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)  # nothing of an earlier run may pass for this one's
        with CommandErrors() as errors:
            try:
                self.recipe(session)
            except nox.command.CommandFailed as failure:
                message = errors.describe(failure)
                self.pipeline.record_failure(self.stage, message)
                session.warn(
                    f"{self.stage}: could not produce evidence ({message}); recorded, and "
                    "`gates check` blocks on it"
                )
                return
        if not stage_error(folder):
            from gates.stage.reuse import record_inputs  # noqa: PLC0415 - stage sessions only

            record_inputs(folder, inputs)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


FAILED = re.compile(r"^Command (.+?) failed with exit code (-?\d+):?$")


TAIL_LINES = 8


class CommandErrors(logging.Handler):
    """What Nox logs when a command fails: the command, and its output when it was silent."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: deque[str] = deque(maxlen=200)

    def __enter__(self) -> CommandErrors:
        logging.getLogger("nox").addHandler(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        logging.getLogger("nox").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call: keep what can be kept
            text = str(record.msg)
        self.lines.extend(ANSI.sub("", line).rstrip() for line in text.splitlines())

    def describe(self, failure: nox.command.CommandFailed) -> str:
        """``uv pip install … exited 1: <its last lines>``, or Nox's own reason."""
        lines = [line for line in self.lines if line.strip()]
        starts = [i for i, line in enumerate(lines) if FAILED.match(line)]
        if not starts:
            return f"a command failed: {failure.reason or 'no reason given'}"
        found = FAILED.match(lines[starts[-1]])
        assert found is not None  # noqa: S101 - matched just above
        command, code = found.groups()
        shown = command if len(command) <= 160 else command[:157] + "..."
        tail = [line.strip()[:300] for line in lines[starts[-1] + 1 :]][-TAIL_LINES:]
        said = f"; it said: {' | '.join(tail)}" if tail else ""
        return f"`{shown}` exited {code}{said}"


def forget_verdict(reports: Path) -> None:
    """Remove the verdict files of an earlier run: they judged other evidence."""
    for name in (*VERDICTS, EXIT_FILE):
        (reports / name).unlink(missing_ok=True)


def write_exit(reports: Path, code: int) -> None:
    write_lines(reports / EXIT_FILE, (str(code),))


EXIT_HOOKS: set[Path] = set()


def exit_as_gates_check(reports: Path) -> None:
    """Make this Nox process exit with ``gates check``'s code when it ran the gates session.

    Nox exits 1 whenever a session fails; a blocked verdict has its own codes
    (1 a gate failed, 2 a policy error, 3 an evidence error, 4 an internal
    error). When ``gates check`` ran during this process and exited non-zero,
    the process exits with that code instead (never with a lower one: a pass
    leaves Nox's own code alone).
    """
    location = reports.resolve()
    if location in EXIT_HOOKS:
        return
    EXIT_HOOKS.add(location)

    def exit_with_verdict() -> None:
        code = verdict_exit(location)
        if code:
            sys.stdout.flush()
            sys.stderr.flush()
            logging.shutdown()
            os._exit(code)

    atexit.register(exit_with_verdict)


def verdict_exit(reports: Path) -> int:
    """The code ``gates check`` exited with during this process; 0 when it did not run."""
    path = reports / EXIT_FILE
    try:
        if path.stat().st_mtime < STARTED:
            return 0
        code = int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 0
    return code if 0 < code < 256 else 0


VERDICTS = ("verdict.json", "verdict.md")  # what the gates session writes into the reports folder


EXIT_FILE = "verdict.exit"  # gates check's exit code, for `nox -s gates` to exit with


STARTED = time.time()  # when this Nox process loaded the noxfile
