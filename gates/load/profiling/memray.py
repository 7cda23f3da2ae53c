"""memray's allocations of the service under load: the command that records them, the summary.

:func:`wrapped` starts a Python service under ``python -m memray run --follow-fork
--quiet --force -o <capture>`` (only a command that is a Python interpreter running a
script or ``-m module``: memray cannot be put in front of anything else, and says so);
after the run, ``memray stats --json`` summarises the capture (the stage stops the
service with SIGTERM, which leaves memray's file unclosed: memray reads it anyway), and
:func:`summary` reads that summary back into ``memray.md``: the peak memory, the
allocations, the five largest allocating places. A capture memray cannot read is a
:class:`gates.errors.GatesError`, the profile's missing part, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final

from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import one_line

__all__ = ["Summary", "read", "stats_command", "summary", "wrapped"]

_PYTHON: Final = re.compile(r"python(\d+(\.\d+)?)?(\.exe)?")
MIB: Final = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Summary:
    peak_bytes: int
    allocations: int
    allocated_bytes: int
    largest: tuple[tuple[str, int], ...]  # (where, bytes), largest first


def wrapped(command: Sequence[str], capture: str) -> list[str] | str:
    """``command`` under ``memray run``, or why it cannot be."""
    if not command or not _PYTHON.fullmatch(PurePath(command[0]).name):
        shown = one_line(command[0] if command else "", 80)
        return f"memray records a Python service: the command starts with {shown!r}, not python"
    rest = list(command[1:])
    if rest and rest[0].startswith("-") and rest[0] != "-m":
        return f"memray run takes a script or -m module after python, not {one_line(rest[0], 40)!r}"
    return [
        command[0],
        "-m",
        "memray",
        "run",
        "--follow-fork",
        "--quiet",
        "--force",
        "-o",
        capture,
        *rest,
    ]


def stats_command(python: str, capture: str, output: str) -> list[str]:
    """``memray stats --json`` of the capture, into ``output``."""
    return [python, "-m", "memray", "stats", "--json", "--force", "-o", output, capture]


def read(blob: Blob) -> Summary:
    """``memray stats --json``'s peak memory, totals and largest allocating places."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    largest = tuple(
        (one_line(item.text("location"), 200), item.count("size"))
        for item in doc.each("top_allocations_by_size")
    )
    return Summary(
        peak_bytes=doc.obj("metadata").count("peak_memory"),
        allocations=doc.count("total_num_allocations"),
        allocated_bytes=doc.count("total_bytes_allocated"),
        largest=largest[:5],
    )


def summary(found: Summary) -> str:
    """The Markdown summary kept as ``memray.md``."""
    lines = [
        (
            f"Peak memory of the service (memray, heap): {found.peak_bytes / MIB:.1f} MiB;"
            f" {found.allocations:,} allocations, {found.allocated_bytes / MIB:.1f} MiB"
            " allocated in all."
        ),
        "",
        "| where (largest allocations) | MiB |",
        "|---|---:|",
        *(
            f"| `{where.replace('`', chr(39)).replace('|', '/')}` | {size / MIB:.2f} |"
            for where, size in found.largest
        ),
    ]
    return "\n".join(lines) + "\n"
