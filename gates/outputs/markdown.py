"""The Markdown output: the GitHub step summary and the sticky pull-request comment.

A hidden marker (:data:`MARKER`, to find the sticky comment again), a heading
with the overall status, the gate table, a ``<details>`` section per gate that
did not pass or compared benchmarks (problems, offenders, each benchmark's
estimate and interval, waivers, the reproduce command),
then waivers, findings, completeness counts, evidence and notes.

Two promises:

* **Bounded.** The document never exceeds ``options.max_chars`` (60,000 by
  default; GitHub refuses comments over 65,536), however many gates,
  offenders or findings: every part spends from one budget, and what does not
  fit is counted in a closing "N more not shown" line.
* **Inert.** Evidence text (test names, messages, paths) cannot inject markup,
  HTML, links (bare URLs and ``www.`` names included), images, table cells,
  @mentions or issue references: it goes
  through :func:`escape_md` (Markdown context), :func:`escape_html` (inside
  HTML blocks) or :func:`code_span`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from gates.model.figures import format_value
from gates.model.verdict import GateResult, Offender, Status, Verdict, WaiverResult
from gates.outputs import _format as fmt
from gates.outputs.interface import RenderOptions

__all__ = ["FORMAT", "MARKER", "code_span", "escape_html", "escape_md", "render"]

FORMAT: Final = "markdown"
MARKER: Final = "<!-- gates-verdict -->"

# A zero-width space after "@" and "#" stops @mentions and issue references
# (GitHub finds those in the rendered text, so a backslash would not do). The
# other escapes use no numeric entity, so the "#" they write is never there.
_ZWSP: Final = "&#8203;"
_HTML_TEXT: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_HTML_ESCAPES: Final = str.maketrans(_HTML_TEXT)
_REFERENCE: Final = re.compile(r"([@#])(?=\w)")  # "@user", "#12", "owner/repo#12"
# Bare links GitHub makes clickable (GFM's autolink extension: "www.", a URL after
# http://, https:// or ftp://, an address after mailto: or xmpp:) and "GH-12" issue
# references: a zero-width space after the scheme, "www" or "GH" breaks the match,
# and the text still reads the same.
_BARE_LINK: Final = re.compile(r"(?i)(www(?=\.)|(?:https?|ftp|mailto|xmpp)(?=:)|gh(?=-\d))")
# Backslash escapes for Markdown's inline punctuation ("|" included: it would
# end a table cell), then the HTML escapes for raw HTML, entities and autolinks.
_MD_ESCAPES: Final = str.maketrans({**{c: "\\" + c for c in "\\`*_[]~|"}, **_HTML_TEXT})
_BACKTICKS: Final = re.compile(r"`+")
_MORE_RESERVE: Final = 160  # room always kept for a "… and K more" line
_CLOSING_RESERVE: Final = 400  # room for the document's last line, whatever it counts
_CELL: Final = 300  # characters of evidence text per table cell, before escaping


def escape_md(text: str, limit: int = 0) -> str:
    """``text`` as one line of inert Markdown, clipped to ``limit`` characters first.

    Safe in a paragraph, a list item after a prefix, and a table cell.
    """
    return _inert(fmt.one_line(text, limit).translate(_MD_ESCAPES))


def escape_html(text: str, limit: int = 0) -> str:
    """``text`` as one line of inert text inside an HTML block (no Markdown there)."""
    return _inert(fmt.one_line(text, limit).translate(_HTML_ESCAPES))


def _inert(escaped: str) -> str:
    """Escaped text with its mentions, issue references and bare links broken."""
    return _BARE_LINK.sub(r"\1" + _ZWSP, _REFERENCE.sub(r"\1" + _ZWSP, escaped))


def code_span(text: str, limit: int = 0) -> str:
    """``text`` as a Markdown code span (not for table cells); ``""`` for empty text."""
    body = fmt.one_line(text, limit)
    if not body:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * (longest + 1)
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return f"{fence}{body}{fence}"


class _Budget:
    """Characters left for the document; every line costs its length plus a newline.

    ``hidden`` counts what was left out (gates, sections, offenders, notes),
    by noun; the document's closing line reports it.
    """

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.hidden: Counter[str] = Counter()

    def fits(self, lines: list[str]) -> bool:
        """Whether ``lines`` fit and still leave room for a "more" line."""
        return sum(len(line) + 1 for line in lines) + _MORE_RESERVE <= self.left

    def spend(self, lines: list[str]) -> list[str]:
        self.left -= sum(len(line) + 1 for line in lines)
        return lines

    def take(self, lines: list[str], out: list[str], *, noun: str) -> bool:
        """Append ``lines`` to ``out`` if they fit, else count one hidden ``noun``."""
        if not self.fits(lines):
            self.hidden[noun] += 1
            return False
        out.extend(self.spend(lines))
        return True

    def share(self, fraction: float) -> _Budget:
        """A budget for one part of the document, at most ``fraction`` of what is left."""
        return _Budget(int(self.left * fraction))

    def absorb(self, part: _Budget, lines: list[str]) -> list[str]:
        """Charge ``lines``, written within ``part``, to this budget."""
        self.hidden.update(part.hidden)
        return self.spend(lines)


def render(verdict: Verdict, *, options: RenderOptions) -> str:
    """The verdict as GitHub-flavoured Markdown, at most ``options.max_chars`` long."""
    budget = _Budget(options.max_chars - _CLOSING_RESERVE)
    head_budget, tail_budget = budget.share(0.4), budget.share(0.2)
    head = budget.absorb(head_budget, _head(verdict, head_budget))
    tail = budget.absorb(tail_budget, _tail(verdict, tail_budget))
    details = _details(verdict, budget, options)
    return "\n".join([*head, *details, *tail, *_closing(budget.hidden)]).rstrip("\n") + "\n"


def _closing(hidden: Counter[str]) -> list[str]:
    """``"**12 more not shown — see the JSON verdict / artifacts** (2 gate sections, ...)."``."""
    if not hidden:
        return []
    parts = ", ".join(f"{n:,} {noun}{'' if n == 1 else 's'}" for noun, n in sorted(hidden.items()))
    total = sum(hidden.values())
    return [f"**{total:,} more not shown — see the JSON verdict / artifacts** ({parts})."]


def _head(verdict: Verdict, budget: _Budget) -> list[str]:
    icon = "✖" if fmt.blocked(verdict) else "✔"
    lines = budget.spend(
        [
            MARKER,
            f"## {icon} gates: {escape_md(fmt.summary_line(verdict))}",
            "",
            "| Status | Gate | Observed | Bound | Reason |",
            "| --- | --- | ---: | --- | --- |",
        ]
    )
    shown = 0
    while shown < len(verdict.gates) and budget.fits([_gate_row(verdict.gates[shown])]):
        lines += budget.spend([_gate_row(verdict.gates[shown])])
        shown += 1
    if shown < len(verdict.gates):
        hidden = len(verdict.gates) - shown
        budget.hidden["gate"] += hidden
        lines += budget.spend([f"| | {escape_md(fmt.more_text(hidden))} | | | |"])
    return [*lines, ""]


def _gate_row(gate: GateResult) -> str:
    cells = (
        fmt.status_text(gate.status),
        escape_md(gate.name, 100),
        escape_md(format_value(gate.metric, gate.observed, gate.precision)),
        escape_md(gate.bound, 40),
        escape_md(gate.reason, _CELL),
    )
    return "| " + " | ".join(cells) + " |"


def _details(verdict: Verdict, budget: _Budget, options: RenderOptions) -> list[str]:
    """One section per gate that did not pass, or that compared benchmarks; each gets a fair
    share of the room left."""
    gates = [gate for gate in verdict.gates if gate.status is not Status.PASS or gate.comparisons]
    lines: list[str] = []
    for index, gate in enumerate(gates):
        share = budget.share(1 / (len(gates) - index))
        lines += budget.absorb(share, _section(gate, share, options))
    return lines


def _section(gate: GateResult, budget: _Budget, options: RenderOptions) -> list[str]:
    opening = [
        "<details>",
        (
            f"<summary>{fmt.status_text(gate.status)} — <strong>{escape_html(gate.name, 100)}"
            f"</strong>: {escape_html(gate.reason, _CELL)}</summary>"
        ),
        "",
    ]
    reproduce = code_span(gate.reproduce, 1000)
    closing = [f"Reproduce: {reproduce}", ""] if reproduce else []
    closing.append("</details>")
    closing.append("")
    if not budget.fits(opening + closing):
        budget.hidden["gate section"] += 1
        return []
    budget.spend(opening + closing)
    body: list[str] = []
    for line in _notes(gate, options):
        budget.take([line], body, noun="note")
    if body:
        body += budget.spend([""])
    body += _offender_table(gate, budget, options)
    return [*opening, *body, *closing]


def _notes(gate: GateResult, options: RenderOptions) -> list[str]:
    lines = [
        f"- **Problem:** {escape_md(text)}"
        for text in fmt.problem_lines(gate, options.max_offenders)
    ]
    lines += [
        f"- **Benchmark:** {escape_md(text)}"
        for text in fmt.comparison_lines(gate, options.max_offenders)
    ]
    lines += [f"- **Waived by:** {escape_md(w, _CELL)}" for w in gate.waivers]
    return lines


_OFFENDER_HEADER: Final = ("| Where | What | Detail |", "| --- | --- | --- |")


def _offender_table(gate: GateResult, budget: _Budget, options: RenderOptions) -> list[str]:
    lines: list[str] = []
    shown = 0
    for offender in gate.offenders[: options.max_offenders]:
        needed = (
            [_offender_row(offender)] if shown else [*_OFFENDER_HEADER, _offender_row(offender)]
        )
        if not budget.fits(needed):
            break
        lines += budget.spend(needed)
        shown += 1
    if shown:
        lines += budget.spend([""])
    hidden = fmt.hidden_offenders(gate, shown)
    if hidden > 0:
        budget.hidden["offender"] += hidden
        lines += budget.spend([escape_md(fmt.more_text(hidden)), ""])
    return lines


def _offender_row(offender: Offender) -> str:
    where, label, detail = (escape_md(part) for part in fmt.offender_parts(offender))
    return (
        f"| <code>{where}</code> | {label} | {detail} |" if where else f"| | {label} | {detail} |"
    )


def _tail(verdict: Verdict, budget: _Budget) -> list[str]:
    lines = _waiver_table(verdict.waivers, budget)
    facts = (
        ("Findings read", _findings_summary(verdict)),
        ("Completeness", fmt.counts_line(verdict)),
        ("Evidence", fmt.stages_line(verdict)),
        ("Policy", verdict.policy),
    )
    for label, text in facts:
        if text:
            budget.take([f"**{label}:** {escape_md(text, 2000)}", ""], lines, noun="summary line")
    notes: list[str] = []
    for note in verdict.notes:
        budget.take([f"- **Note:** {escape_md(note, 1000)}"], notes, noun="note")
    return [*lines, *notes, *budget.spend([""] if notes else [])]


def _waiver_table(waivers: tuple[WaiverResult, ...], budget: _Budget) -> list[str]:
    if not waivers:
        return []
    lines = budget.spend(
        [
            "### Waivers",
            "",
            "| Status | Waiver | Owner | Expires | Matched | Reason |",
            "| --- | --- | --- | --- | ---: | --- |",
        ]
    )
    for waiver in waivers:
        budget.take([_waiver_row(waiver)], lines, noun="waiver")
    return [*lines, ""]


def _waiver_row(waiver: WaiverResult) -> str:
    cells = (
        f"{fmt.waiver_symbol(waiver.status)} {escape_md(waiver.status, 20)}",
        escape_md(waiver.target, _CELL),
        escape_md(waiver.owner, 100) or "—",
        escape_md(waiver.expires, 40),
        str(waiver.matched),
        escape_md(waiver.reason, _CELL),
    )
    return "| " + " | ".join(cells) + " |"


def _findings_summary(verdict: Verdict) -> str:
    """``"6 (1 waived): bandit 2 · mypy 1 · ruff 3"``; ``""`` without findings."""
    if not verdict.findings:
        return ""
    per_tool = Counter(finding.tool for finding, _ in verdict.findings)
    waived = sum(1 for _, is_waived in verdict.findings if is_waived)
    tools = " · ".join(f"{fmt.one_line(tool, 40)} {n:,}" for tool, n in sorted(per_tool.items()))
    return f"{len(verdict.findings):,} ({waived:,} waived): {tools}"
