"""The interface every verdict output implements.

An output is a module (checked against :class:`Output` by mypy in
``gates.outputs``) with two names:

* ``FORMAT``: the format id, one of :class:`gates.outputs.OutputFormat`'s values;
* ``render(verdict, *, options)``: the verdict -> the whole document, as text.

Outputs render the :class:`gates.model.Verdict` and nothing else: no I/O, no
clock, no environment. The same verdict and options give byte-identical text.
Writing the text (atomically) is the caller's business.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from gates.errors import UsageError
from gates.model.verdict import Verdict

__all__ = ["JsonValue", "Output", "RenderOptions"]

# What the JSON-based outputs (json, sarif) build before ``json.dumps``.
JsonValue: TypeAlias = (
    bool | int | float | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)

MIN_WIDTH = 40
MIN_CHARS = 2_000


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderOptions:
    """How to render; every output reads the fields that concern it.

    ``color``: ANSI colours in the terminal output (never the only signal:
    every status also has a symbol and a word). ``width``: terminal columns.
    ``max_offenders``: offenders listed per gate in the human outputs.
    ``max_chars``: the Markdown document's size bound (GitHub refuses comments
    over 65,536 characters).
    """

    color: bool = False
    width: int = 100
    max_offenders: int = 10
    max_chars: int = 60_000

    def __post_init__(self) -> None:
        if self.width < MIN_WIDTH:
            raise UsageError(
                f"the output width must be at least {MIN_WIDTH} columns, not {self.width}",
                slug="render-options",
                hint=f"pass a width of {MIN_WIDTH} or more",
            )
        if self.max_chars < MIN_CHARS:
            raise UsageError(
                f"the Markdown size bound must be at least {MIN_CHARS} characters,"
                f" not {self.max_chars}",
                slug="render-options",
                hint="leave it at the default 60000 for GitHub comments",
            )
        if self.max_offenders < 0:
            raise UsageError(
                f"the offenders shown per gate cannot be negative ({self.max_offenders})",
                slug="render-options",
                hint="pass 0 to list none",
            )


class Output(Protocol):
    """One output format."""

    @property
    def FORMAT(self) -> str: ...  # noqa: N802 - a module-level constant

    def render(self, verdict: Verdict, *, options: RenderOptions) -> str: ...
