"""The dashboard page: one self-contained HTML file of a :class:`Dashboard` (pure).

No script, no link, no font, no image fetched: the page is tables and
inline SVG (:mod:`gates.dashboard.svg`), styled by one ``<style>``, and a
Content-Security-Policy that forbids any request, so it opens from
``file://`` offline and renders everything with scripts disabled. Every text
that comes from the evidence (gate names, test ids, messages, owners) is one
line, clipped and HTML-escaped: the evidence is untrusted. The same
dashboard renders to the same bytes.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from html import escape
from typing import Final

from gates import __version__
from gates.dashboard import sections
from gates.dashboard.build import change, series
from gates.dashboard.markup import cell, signed, status_cell, table, text, trend_cell, value
from gates.dashboard.model import Dashboard, Run
from gates.model.figures import format_value

__all__ = ["render"]

_CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
_STYLE: Final = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24;background:#fff}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.3em 0}th,td{padding:.25em .6em;text-align:left;vertical-align:middle}
th{background:#f6f8fa}tr{border-bottom:1px solid #eaeef2}td.num{text-align:right;font-variant-numeric:tabular-nums}
.status{font-weight:600;text-transform:uppercase}
.pass{color:#1a7f37}.warn,.waived,.unused{color:#9a6700}.fail,.error,.expired{color:#cf222e}
.unknown{color:#6e7781;font-style:italic}
svg.trend{color:#0969da;vertical-align:middle}svg.trend circle{fill:#0969da}
.range{color:#6e7781;font-size:.85em;white-space:nowrap}.nowrap{white-space:nowrap}
svg.bars rect{fill:#8c959f}svg.bars .bar-critical,svg.bars .bar-high{fill:#cf222e}
svg.bars .bar-medium{fill:#bf8700}nav a{margin-right:1em}code{font-size:.92em}
footer{margin-top:2em;color:#6e7781;font-size:.9em}
"""


def _gates(board: Dashboard) -> str:
    base = sections.base_run(board)
    runs = (*board.history, board.current)
    rows = []
    for gate in board.current.gates:
        before = base.gate(gate.name) if base is not None else None
        rows.append(
            [
                cell(text(gate.name, 80)),
                cell(f"<code>{text(gate.metric, 60)}</code>"),
                status_cell(gate.status),
                cell(escape(value(gate)), css="num"),
                cell(escape(value(before)), css="num"),
                cell(
                    escape(
                        signed(gate.metric, change(gate.value, before.value if before else None))
                    ),
                    css="num",
                ),
                cell(text(gate.bound, 40)),
                trend_cell(
                    series(runs, gate.name),
                    label=gate.name,
                    shown=partial(format_value, gate.metric),
                ),
            ]
        )
    headers = ("gate", "metric", "status", "current", "base", "change", "bound")
    return (
        '<section id="gates"><h2>Gates</h2>'
        + _base_line(base, board)
        + table((*headers, f"trend (last {len(runs)} runs)"), rows)
        + "</section>"
    )


def _base_line(base: Run | None, board: Dashboard) -> str:
    if base is None:
        why = board.unknown or "no earlier run of the base branch was read"
        return f'<p class="unknown">base unknown: {text(why, 300)}; every trend is unknown.</p>'
    return (
        f"<p>base: commit <code>{text(base.commit[:12], 12)}</code>"
        f" ({text(base.date or 'date unknown', 40)}), {len(board.history)} earlier runs read.</p>"
    )


def _header(board: Dashboard) -> str:
    run = board.current
    return (
        f"<header><h1>gates dashboard</h1><p>"
        f'<span class="status {escape(run.status, quote=True)}">{text(run.status, 20)}</span>'
        f" · commit <code>{text(run.commit[:12] or 'unknown', 12)}</code>"
        f" · branch {text(run.branch or 'unknown', 80)} · {text(run.date or 'date unknown', 40)}"
        f" · counted on {text(board.today, 20)}</p>"
        '<nav><a href="#gates">gates</a><a href="#expiring">waivers and quarantines</a>'
        '<a href="#tests">tests</a><a href="#benchmarks">benchmarks</a>'
        '<a href="#security">security</a><a href="#load">load</a></nav></header>'
    )


def _problems(board: Dashboard) -> str:
    if not board.problems:
        return ""
    items = "".join(f"<li>{text(p, 400)}</li>" for p in board.problems)
    return (
        '<section id="problems"><h2>History not trusted</h2>'
        f"<p>These files were not read (their runs are unknown):</p><ul>{items}</ul></section>"
    )


def render(board: Dashboard) -> str:
    """The page of ``board``: one HTML document, ending with a newline."""
    commit = board.current.commit[:12] or "unknown commit"
    body = "".join(
        (
            _header(board),
            _problems(board),
            _gates(board),
            sections.expiring(board, today=dt.date.fromisoformat(board.today)),
            sections.tests(board),
            sections.benchmarks(board),
            sections.security(board),
            sections.load(board),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>gates dashboard: {text(commit, 20)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}<footer>made by gates {escape(__version__)}; no script, "
        "no network: every figure is in this file.</footer></body></html>\n"
    )
