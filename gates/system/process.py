"""Running another program: the one way gates does it, with a timeout and its failure explained.

:func:`run` captures what the program writes; :func:`stream` copies its
standard error through as it comes (a stage's tool, which a person watches)
while its standard output goes to a file. Neither raises for a program that
fails, could not start or ran out of time: the result says which, with the
code a shell would give (127 not found, 126 not runnable, -9 killed at the
timeout), and :meth:`Finished.explain` says it in a line.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

__all__ = [
    "NOT_FOUND",
    "NOT_RUNNABLE",
    "TIMED_OUT",
    "Finished",
    "run",
    "stream",
    "without_virtualenv",
]

TIMED_OUT: Final = -9  # as a process killed by SIGKILL reports itself
NOT_FOUND: Final = 127  # as a shell says it
NOT_RUNNABLE: Final = 126
_TAIL_LINES: Final = 8
_TAIL_CHARS: Final = 600


@dataclass(frozen=True, slots=True, kw_only=True)
class Finished:
    """How a program ended, and what it wrote."""

    command: tuple[str, ...]
    code: int
    stdout: bytes = b""
    stderr: bytes = b""
    timeout: float | None = None
    why: str = ""  # why it did not run or finish: not found, not runnable, out of time

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def text(self) -> str:
        """Its standard output, decoded (invalid UTF-8 replaced)."""
        return self.stdout.decode("utf-8", "replace")

    def tail(self, lines: int = _TAIL_LINES) -> str:
        """Its last non-blank lines (output, then errors) joined by ``|``; ``why`` when it wrote none."""
        found: list[str] = []
        for stream_ in (self.stdout, self.stderr):
            text = stream_.decode("utf-8", "replace")
            found += [line.strip() for line in text.splitlines() if line.strip()]
        return (" | ".join(found[-lines:]) or self.why)[:_TAIL_CHARS]

    def explain(self) -> str:
        """``"`git merge-base` exited 1: fatal: …"`` in one line."""
        name = f"`{' '.join(self.command[:2])}`"
        if self.why:
            return f"{name} {self.why}"
        return f"{name} exited {self.code}: {self.tail() or 'no output'}"


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    timeout: float,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> Finished:
    """Run ``command`` to its end or to ``timeout`` seconds, capturing what it writes.

    ``stdin``: what it reads on its standard input (None: it inherits gates' own).
    """
    argv = tuple(command)
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        return Finished(
            command=argv,
            code=TIMED_OUT,
            stdout=_bytes(expired.stdout),
            stderr=_bytes(expired.stderr),
            timeout=timeout,
            why=f"was killed after {timeout:g} s",
        )
    except OSError as error:
        return _not_started(argv, error)
    return Finished(
        command=argv, code=done.returncode, stdout=done.stdout, stderr=done.stderr, timeout=timeout
    )


def stream(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdout: IO[bytes] | None = None,
    on_error_line: Callable[[bytes], None],
) -> Finished:
    """Run ``command`` to its end, its output into ``stdout``, each line it writes to standard
    error handed to ``on_error_line`` as it comes (the caller copies it on and keeps what it needs).
    """
    argv = tuple(command)
    try:
        with subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE
        ) as proc:
            assert proc.stderr is not None  # noqa: S101 - stderr=PIPE was asked for
            pump = threading.Thread(target=_pump, args=(proc.stderr, on_error_line), daemon=True)
            pump.start()
            code = proc.wait()
            pump.join()
    except OSError as error:
        return _not_started(argv, error)
    return Finished(command=argv, code=code)


def _pump(source: IO[bytes], on_line: Callable[[bytes], None]) -> None:
    for line in iter(source.readline, b""):
        on_line(line)


def _not_started(argv: tuple[str, ...], error: OSError) -> Finished:
    program = argv[0] if argv else "?"
    if isinstance(error, PermissionError):
        return Finished(command=argv, code=NOT_RUNNABLE, why=f"{program}: permission denied")
    if isinstance(error, FileNotFoundError):
        return Finished(
            command=argv,
            code=NOT_FOUND,
            why=f"{program}: command not found (install it where the stage runs)",
        )
    return Finished(command=argv, code=NOT_FOUND, why=f"{program}: {error.strerror or error}")


def _bytes(data: bytes | str | None) -> bytes:
    if data is None:
        return b""
    return data.encode() if isinstance(data, str) else data


def without_virtualenv() -> dict[str, str]:
    """This process's environment without ``VIRTUAL_ENV``: a child builds or picks its own."""
    return {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
