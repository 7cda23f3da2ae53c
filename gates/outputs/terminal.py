"""The terminal output: a table a person reads in ten seconds.

One row per gate (status symbol and word, gate, observed value, bound, reason),
then under every gate that did not pass its offenders, problems and the command
that reproduces it (and under a benchmark gate, even a passing one, each
benchmark's estimate and interval), then the waivers, the completeness counts, the notes, and a
last line that says PASSED or BLOCKED.

Rendered with ``rich`` into a string at a fixed width, isolated from the
environment (``NO_COLOR``, ``COLUMNS``, ``TERM`` are the caller's business:
it decides ``options.color``), so the same verdict gives the same text.
Evidence text goes through :class:`rich.text.Text`, never markup, after
:func:`~gates.outputs._format.one_line` removed escape sequences.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Final, assert_never

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from gates.model.figures import format_value
from gates.model.verdict import GateResult, Status, Verdict, WaiverResult
from gates.outputs import _format as fmt
from gates.outputs.interface import RenderOptions

__all__ = ["FORMAT", "render"]

FORMAT: Final = "terminal"

_INDENT: Final = (0, 0, 0, 4)
_LABEL_WIDTH: Final = 8
# A match starts only at a run's first blank (the lookbehind): tried inside a run of blanks
# that ends in text, it would backtrack through the rest of the run from each of them.
_TRAILING_BLANKS: Final = re.compile(r"(?<![ \t])[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict as terminal text, ANSI-coloured when ``options.color``."""
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        color_system="standard" if options.color else None,
        force_terminal=options.color,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
        _environ={},
    )
    console.print(_gate_table(verdict))
    for gate in verdict.gates:
        if gate.status is not Status.PASS or gate.comparisons:  # estimates show even on a pass
            _print_gate(console, gate, options)
    _print_waivers(console, verdict.waivers)
    _print_footer(console, verdict, options)
    # rich pads lines to the width, inside their colour codes too: noise in a log.
    return _TRAILING_BLANKS.sub(r"\1", buffer.getvalue())


def _style(status: Status) -> str:
    match status:
        case Status.PASS:
            return "green"
        case Status.WARN:
            return "yellow"
        case Status.WAIVED:
            return "cyan"
        case Status.FAIL | Status.ERROR:
            return "bold red"
        case _:
            assert_never(status)


def _gate_table(verdict: Verdict) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("gate", overflow="fold", max_width=30)
    table.add_column("observed", justify="right", no_wrap=True)
    table.add_column("bound", no_wrap=True)
    table.add_column("reason", overflow="fold")
    for gate in verdict.gates:
        table.add_row(
            Text(fmt.status_text(gate.status), style=_style(gate.status)),
            Text(fmt.one_line(gate.name, 60)),
            Text(format_value(gate.metric, gate.observed, gate.precision)),
            Text(fmt.one_line(gate.bound, 16)),
            Text(fmt.one_line(gate.reason, 400)),
        )
    return table


def _print_gate(console: Console, gate: GateResult, options: RenderOptions) -> None:
    heading = Text()
    heading.append(f"{fmt.status_symbol(gate.status)} ", style=_style(gate.status))
    heading.append(fmt.one_line(gate.name, 200), style="bold")
    heading.append(f" ({gate.status.value}) — {fmt.one_line(gate.reason, 400)}")
    console.print()
    console.print(heading)
    for line in fmt.detail_lines(gate, options.max_offenders):
        console.print(Padding(Text(line), _INDENT))
    if gate.reproduce:
        console.print(Padding(Text(f"reproduce: {fmt.one_line(gate.reproduce)}"), _INDENT))


def _print_waivers(console: Console, waivers: tuple[WaiverResult, ...]) -> None:
    if not waivers:
        return
    console.print()
    console.print(Text("waivers", style="bold"))
    for waiver in waivers:
        text = f"{fmt.waiver_symbol(waiver.status)} {fmt.one_line(waiver.status, 20)}  "
        text += fmt.waiver_text(waiver.target, waiver.owner, waiver.expires)
        text += f", matched {waiver.matched} — {fmt.one_line(waiver.reason, 300)}"
        console.print(Padding(Text(text), _INDENT))


def _print_footer(console: Console, verdict: Verdict, options: RenderOptions) -> None:
    console.print()
    facts = Table.grid(padding=(0, 1))
    facts.add_column(no_wrap=True, min_width=_LABEL_WIDTH)
    facts.add_column(overflow="fold")
    labelled = (
        ("counts", fmt.count_items(verdict)),
        ("evidence", fmt.stage_items(verdict)),
        ("policy", [fmt.one_line(verdict.policy, 200)]),
    )
    for label, items in labelled:
        if items:
            packed = _packed(items, options.width - _LABEL_WIDTH - 1)
            facts.add_row(Text(label), Text("\n".join(packed)))
    console.print(facts)
    for note in verdict.notes:
        console.print(Text(f"note: {fmt.one_line(note, 500)}"))
    summary = fmt.summary_line(verdict)
    console.print()
    console.print(Text(summary, style="bold red" if fmt.blocked(verdict) else "bold green"))


def _packed(items: list[str], width: int) -> list[str]:
    """``items`` joined by " · " into lines of at most ``width`` cells, never split."""
    lines: list[str] = []
    for item in items:
        candidate = f"{lines[-1]} · {item}" if lines else item
        if lines and cell_len(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(item)
    return lines
