"""Verdict outputs: one module per format, and the explicit registry.

Adding an output (say ``gitlab``) touches: its module ``gates/outputs/gitlab_out.py``
(``FORMAT: Final = "gitlab"`` and ``render``), one member of :class:`OutputFormat`,
one entry in ``_MODULES``, its tests and golden file, docs/outputs.md and the
changelog. ``tests/unit/outputs/test_registry.py`` fails until all of them agree.
"""

from __future__ import annotations

import enum

from gates.model.verdict import Verdict
from gates.outputs import gitlab_out, json_out, junit_out, markdown, sarif_out, terminal
from gates.outputs.interface import Output, RenderOptions

__all__ = ["OUTPUTS", "Output", "OutputFormat", "RenderOptions", "render"]


class OutputFormat(enum.Enum):
    """Every format ``gates check --format`` can write."""

    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    JUNIT = "junit"
    SARIF = "sarif"
    GITLAB = "gitlab"


_MODULES: tuple[Output, ...] = (terminal, markdown, json_out, junit_out, sarif_out, gitlab_out)

# OutputFormat(...) raises ValueError at import for a module whose FORMAT is no member.
OUTPUTS: dict[OutputFormat, Output] = {OutputFormat(module.FORMAT): module for module in _MODULES}


def render(
    verdict: Verdict, output_format: OutputFormat, *, options: RenderOptions | None = None
) -> str:
    """``verdict`` in ``output_format``, with default options unless given."""
    return OUTPUTS[output_format].render(verdict, options=options or RenderOptions())
