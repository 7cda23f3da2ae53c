"""The page's small pieces of markup: escaped text, cells, tables, values, trends (pure)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Final

from gates.dashboard.model import GateValue
from gates.dashboard.svg import trend
from gates.model.figures import NOT_AVAILABLE, format_value
from gates.untrusted.safetext import one_line

__all__ = ["UNKNOWN_TREND", "cell", "signed", "status_cell", "table", "text", "trend_cell", "value"]

UNKNOWN_TREND: Final = "trend unknown"
Shown = Callable[[float], str]  # how a value of the chart reads


def text(value: str, limit: int = 200) -> str:
    """Untrusted text as one escaped line."""
    return escape(one_line(value, limit), quote=True)


def cell(content: str, *, css: str = "") -> str:
    """A ``<td>`` of markup already escaped."""
    return f'<td class="{css}">{content}</td>' if css else f"<td>{content}</td>"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, caption: str = "") -> str:
    """A table of escaped headers and rows of cells (markup)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def value(gate: GateValue | None) -> str:
    """A gate's value as the verdict shows it; ``n/a`` when unknown."""
    if gate is None:
        return NOT_AVAILABLE
    return format_value(gate.metric, gate.value, gate.precision)


def signed(metric: str, delta: float | None) -> str:
    """A change with its sign: ``+1.50 pp`` for a percentage, ``-3`` for a count."""
    if delta is None:
        return NOT_AVAILABLE
    if delta == 0:
        return "±0"
    shown = format_value(metric, abs(delta))
    if shown.endswith("%"):
        shown = shown.removesuffix("%") + " pp"
    return ("+" if delta > 0 else "-") + shown


def trend_cell(values: Sequence[float | None], *, label: str, shown: Shown = str) -> str:
    """The chart of ``values`` and its range, or "trend unknown" when fewer than two are known."""
    chart = trend(values, label=label)
    if chart is None:
        return cell(UNKNOWN_TREND, css="unknown")
    known = [v for v in values if v is not None and math.isfinite(v)]
    low, high = escape(shown(min(known))), escape(shown(max(known)))
    return cell(f'{chart} <span class="range">{low} to {high}</span>')


def status_cell(status: str) -> str:
    """A status, coloured by its class."""
    return cell(text(status, 20), css=f"status {escape(status, quote=True)}")
