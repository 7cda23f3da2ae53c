"""Writing a file so that no reader ever sees half of it: the one way gates writes files.

The text goes to a temporary file beside the target, is flushed to disk, and
is renamed over the target only when the writer finished: a killed stage, a
full disk or a crash leaves the old file or none, never a truncated one that
looks whole.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_file", "atomic_write", "write_lines"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader ever sees half a file."""
    with atomic_file(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write that appears at ``path``, whole, only if the block ends normally."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_lines(path: Path, lines: list[str] | tuple[str, ...]) -> Path:
    """Write ``lines``, each ending in a newline, as UTF-8 (:func:`atomic_write`)."""
    atomic_write(path, "".join(f"{line}\n" for line in lines).encode("utf-8"))
    return path
