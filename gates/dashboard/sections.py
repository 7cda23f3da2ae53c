"""The dashboard's sections after the gates: waivers, tests, benchmarks, security, load (pure)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from html import escape
from typing import Final

from gates.dashboard.build import change, flaky_tests
from gates.dashboard.markup import cell, signed, status_cell, table, text, trend_cell, value
from gates.dashboard.model import Dashboard, Expiring, Run, Tests
from gates.dashboard.svg import bars
from gates.model.figures import count
from gates.model.reports import Severity

__all__ = ["base_run", "benchmarks", "days_left", "expiring", "load", "security", "tests"]

_LOAD_METRICS: Final = ("load.", "memory.")
_SECURITY_TARGETS: Final = ("finding ", "evidence ")
_MOST: Final = 30  # flaky tests listed


def base_run(board: Dashboard) -> Run | None:
    """The newest earlier run of another commit than the current one: what "base" means."""
    return next((r for r in reversed(board.history) if r.commit != board.current.commit), None)


def days_left(expires: str, today: dt.date) -> int | None:
    """Days from ``today`` to the ISO date ``expires``; ``None`` when it is not a date."""
    try:
        return (dt.date.fromisoformat(expires) - today).days
    except ValueError:
        return None


def _expiring_rows(items: Sequence[Expiring], today: dt.date) -> list[list[str]]:
    rows = []
    for item in sorted(items, key=lambda i: (i.expires or "9999", i.kind, i.target)):
        left = days_left(item.expires, today)
        rows.append(
            [
                cell(text(item.kind, 20)),
                cell(text(item.target, 160)),
                cell(text(item.owner or "no owner", 80), css="" if item.owner else "unknown"),
                cell(text(item.reason, 200)),
                cell(text(item.expires or "never", 20), css="nowrap"),
                cell("n/a" if left is None else f"{left:,}", css="num"),
                status_cell("expired" if left is not None and left < 0 else item.status),
            ]
        )
    return rows


_EXPIRING_HEADERS: Final = ("kind", "what", "owner", "reason", "expires", "days left", "status")


def expiring(board: Dashboard, *, today: dt.date) -> str:
    items = board.current.expiring
    body = (
        table(_EXPIRING_HEADERS, _expiring_rows(items, today))
        if items
        else "<p>No waiver and no quarantine in this verdict.</p>"
    )
    return f'<section id="expiring"><h2>Waivers and quarantines</h2>{body}</section>'


def _latest_tests(board: Dashboard) -> tuple[Run, Tests] | None:
    for run in (board.current, *reversed(board.history)):
        if run.tests is not None:
            return run, run.tests
    return None


def tests(board: Dashboard) -> str:
    found = _latest_tests(board)
    if found is None:
        return (
            '<section id="tests"><h2>Tests</h2><p class="unknown">No run read holds its tests '
            "(record runs with <code>gates history record</code>): tests unknown.</p></section>"
        )
    run, figures = found
    runs = (*board.history, board.current)
    totals = [r.tests.total_seconds if r.tests is not None else None for r in runs]
    where = "this run" if run is board.current else f"the run of {text(run.commit[:12], 12)}"
    flaky = flaky_tests(board)
    flaky_rows = [
        [
            cell(f"<code>{text(f.test, 240)}</code>"),
            cell(f"{f.runs:,}", css="num"),
            cell(f"<code>{text(f.last_commit[:12], 12)}</code>"),
        ]
        for f in flaky[:_MOST]
    ]
    if len(flaky) > _MOST:
        flaky_rows.append(
            [cell(f"and {len(flaky) - _MOST:,} more", css="unknown"), cell(""), cell("")]
        )
    slow_rows = [
        [
            cell(f"<code>{text(f'{t.stage}::{t.id}', 240)}</code>"),
            cell(f"{t.seconds:.3f}", css="num"),
        ]
        for t in figures.slowest
    ]
    return (
        '<section id="tests"><h2>Tests</h2>'
        f"<p>{count(figures.count, 'test')} in {figures.total_seconds:.1f} s ({where}).</p>"
        + table(
            (f"total duration, last {len(runs)} runs",),
            [[trend_cell(totals, label="total test time", shown=lambda v: f"{v:.1f} s")]],
        )
        + "<h3>Flaky tests</h3>"
        + (
            table(("test", "runs flaky", "last commit"), flaky_rows)
            if flaky_rows
            else f"<p>No flaky test in the {len(runs)} runs read.</p>"
        )
        + "<h3>Slowest tests</h3>"
        + table(("test", "seconds"), slow_rows)
        + "</section>"
    )


def benchmarks(board: Dashboard) -> str:
    current = board.current.benchmarks
    if not current:
        return (
            '<section id="benchmarks"><h2>Benchmarks</h2>'
            "<p>No benchmark comparison in this verdict.</p></section>"
        )
    runs = (*board.history, board.current)
    rows = []
    for bench in current:
        ratios = [_ratio(r, bench.name) for r in runs]
        rows.append(
            [
                cell(f"<code>{text(bench.name, 160)}</code>"),
                status_cell(bench.outcome),
                cell("n/a" if bench.ratio is None else f"{bench.ratio:.3f}x", css="num"),
                trend_cell(ratios, label=f"{bench.name} head/base", shown=lambda v: f"{v:.3f}x"),
            ]
        )
    headers = ("benchmark", "outcome", "head/base", f"trend of head/base, last {len(runs)} runs")
    return f'<section id="benchmarks"><h2>Benchmarks</h2>{table(headers, rows)}</section>'


def _ratio(run: Run, name: str) -> float | None:
    for bench in run.benchmarks or ():
        if bench.name == name:
            return bench.ratio
    return None


def security(board: Dashboard) -> str:
    picture = board.current.security
    if picture is None:
        return '<section id="security"><h2>Security</h2><p class="unknown">unknown</p></section>'
    rows = [
        [
            cell(text(f.tool, 60)),
            status_cell(f.severity),
            cell(f"{f.total:,}", css="num"),
            cell(f"{f.total - f.waived:,}", css="num"),
            cell(f"{f.waived:,}", css="num"),
        ]
        for f in picture.findings
    ]
    open_by: Counter[str] = Counter()
    for f in picture.findings:
        open_by[f.severity] += f.total - f.waived
    chart = _severity_chart(open_by)
    audited = (
        '<span class="unknown">no dependency audit in this verdict</span>'
        if picture.packages_audited is None
        else f"{picture.packages_audited:,} audited, {picture.packages_skipped or 0:,} not audited"
    )
    secrets = (
        '<span class="unknown">no secrets scan in this verdict</span>'
        if picture.secrets is None
        else f"{picture.secrets:,} found"
    )
    waived = [w for w in board.current.expiring if w.target.startswith(_SECURITY_TARGETS)]
    today = dt.date.fromisoformat(board.today)
    incomplete = "".join(f"<li>{text(p, 300)}</li>" for p in picture.incomplete)
    return (
        '<section id="security"><h2>Security</h2>'
        f"<p>Dependencies: {audited}. Secrets: {secrets}.</p>"
        + (f"<p>Incomplete:</p><ul>{incomplete}</ul>" if incomplete else "")
        + (
            table(("tool", "severity", "findings", "open", "waived"), rows)
            if rows
            else "<p>No finding.</p>"
        )
        + (chart or "")
        + "<h3>Waived, and until when</h3>"
        + (
            table(_EXPIRING_HEADERS, _expiring_rows(waived, today))
            if waived
            else "<p>Nothing waived.</p>"
        )
        + "</section>"
    )


def _severity_chart(open_by: Counter[str]) -> str | None:
    labels = [s.label for s in sorted(Severity, reverse=True)]
    return bars([(label, open_by[label]) for label in labels], label="open findings by severity")


def load(board: Dashboard) -> str:
    gates = [g for g in board.current.gates if g.metric.startswith(_LOAD_METRICS)]
    if not gates:
        return (
            '<section id="load"><h2>Load</h2><p>No load-test result in this verdict.</p></section>'
        )
    base = base_run(board)
    rows = []
    for gate in gates:
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
            ]
        )
    headers = ("gate", "metric", "status", "current", "base", "change", "bound")
    return f'<section id="load"><h2>Load</h2>{table(headers, rows)}</section>'
