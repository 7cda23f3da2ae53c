"""A speedscope file (py-spy's ``--format speedscope``) read into weighted stacks.

Every ``sampled`` profile of the file (py-spy writes one per thread) is one list of
stacks, root first, each weighed by its seconds. Frames out of range and weights that
are not finite non-negative numbers are left out; a file that is not a speedscope
document is a :class:`gates.errors.GatesError` (from :mod:`gates.untrusted`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["Frame", "Profile", "read"]


@dataclass(frozen=True, slots=True)
class Frame:
    name: str
    file: str
    line: int  # 0: unknown


@dataclass(frozen=True, slots=True)
class Profile:
    frames: tuple[Frame, ...]
    samples: tuple[tuple[tuple[int, ...], float], ...]  # (frame indexes root first, seconds)

    @property
    def seconds(self) -> float:
        return sum(weight for _, weight in self.samples)


def read(blob: Blob) -> Profile:
    """The weighted stacks of every sampled profile in the file."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    frames = tuple(
        Frame(item.text("name", "?"), item.text("file", "?"), _line(item.raw("line")))
        for item in doc.obj("shared").each("frames")
    )
    samples = []
    for profile in doc.each("profiles"):
        for stack, weight in zip(profile.array("samples"), profile.array("weights"), strict=False):
            if not isinstance(stack, list) or not _seconds(weight):
                continue
            assert isinstance(weight, int | float)  # noqa: S101 - _seconds checked it
            indexes = tuple(
                i
                for i in stack
                if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(frames)
            )
            samples.append((indexes, float(weight)))
    return Profile(frames, tuple(samples))


def _line(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0


def _seconds(weight: object) -> bool:
    return (
        not isinstance(weight, bool)
        and isinstance(weight, int | float)
        and math.isfinite(weight)
        and weight >= 0
    )
