"""The service's CPU profile under load: py-spy's speedscope file, and its top functions.

The load stage can sample the service's process tree with ``py-spy record
--subprocesses --format speedscope`` while Locust runs (:mod:`gates.load.run.service`);
:func:`top_functions` reads that file back and writes the Markdown table the stage keeps
beside it (``profile/top20.md``): per function, the share of samples in which it was
running (self) and on the stack at all (total), over every sampled thread and process.
The profile is kept for people (speedscope opens the JSON); no gate reads it.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Final

from gates.errors import GatesError
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json, read_blob
from gates.untrusted.safetext import one_line

__all__ = ["summarise", "top_functions"]

TOP: Final = 20


def top_functions(blob: Blob, limit: int = TOP) -> str:
    """The ``limit`` functions with the most self samples, as a Markdown table."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    frames = [
        (item.text("name", "?"), item.text("file", "?"), item.raw("line"))
        for item in doc.obj("shared").each("frames")
    ]
    own: dict[int, float] = {}  # seconds: py-spy weighs each sample by its interval
    anywhere: dict[int, float] = {}
    total = 0.0
    for profile in doc.each("profiles"):
        samples = profile.array("samples")
        weights = profile.array("weights")
        for stack, weight in zip(samples, weights, strict=False):
            if not isinstance(stack, list) or not _seconds(weight):
                continue
            assert isinstance(weight, int | float)  # noqa: S101 - _seconds checked it
            indexes = [i for i in stack if isinstance(i, int) and 0 <= i < len(frames)]
            total += weight
            if indexes:
                own[indexes[-1]] = own.get(indexes[-1], 0.0) + weight
            for index in set(indexes):
                anywhere[index] = anywhere.get(index, 0.0) + weight
    lines = [
        (
            f"Top {limit} functions by self time, of {total:.2f} s of samples (py-spy, every"
            " thread and process of the service, idle ones left out)."
        ),
        "",
        "| function | where | self | total |",
        "|---|---|---:|---:|",
    ]
    ranked = sorted(own.items(), key=lambda item: -item[1])[:limit] if total > 0 else []
    for index, weight in ranked:
        name, file, line = frames[index]
        where = f"{file}:{line}" if isinstance(line, int) else file
        lines.append(
            f"| `{_cell(name)}` | `{_cell(where)}` | {weight / total:.1%}"
            f" | {anywhere[index] / total:.1%} |"
        )
    return "\n".join(lines) + "\n"


def _seconds(weight: object) -> bool:
    return (
        not isinstance(weight, bool)
        and isinstance(weight, int | float)
        and math.isfinite(weight)
        and weight >= 0
    )


def _cell(text: str) -> str:
    """One line, and nothing that ends a code span or a table cell."""
    return one_line(text, 200).replace("`", "'").replace("|", "/")


def summarise(folder: Path, output: Path, code: int) -> None:
    """``top20.md`` beside py-spy's file, or ``unavailable.txt`` saying why there is none."""
    if not output.is_file():
        (folder / "unavailable.txt").write_text(
            f"py-spy exited with {code} and wrote no profile (ptrace not allowed?); see"
            " py-spy.log\n",
            encoding="utf-8",
        )
        return
    try:
        table = top_functions(read_blob(output, display=output.name))
    except (GatesError, OSError) as error:
        (folder / "unavailable.txt").write_text(f"the profile cannot be read: {error}\n")
        return
    (folder / "top20.md").write_text(table, encoding="utf-8")
