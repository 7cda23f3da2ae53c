"""The wording every output shares: values, statuses, summaries, safe text."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from gates.errors import ExitCode
from gates.model.reports import Problem
from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Level,
    Offender,
    Status,
    WaiverStatus,
)
from gates.outputs import _format as fmt
from tests.unit.outputs import _verdicts


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("plain", "plain"),
        ("a\nb\r\nc\td", "a b c d"),
        ("  padded  ", "padded"),
        ("\x1b[31mred\x1b[0m", "\ufffd[31mred\ufffd[0m"),
        ("bell\x07 nul\x00 del\x7f c1\x9b", "bell\ufffd nul\ufffd del\ufffd c1\ufffd"),
        ("\u202eevil\u2066", "\ufffdevil\ufffd"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("para\u2028sep\u2029nel\x85end", "para sep nel end"),
        ("vt\x0bff\x0c", "vt ff"),
    ],
)
def test_one_line_makes_hostile_text_safe(text: str, line: str) -> None:
    assert fmt.one_line(text) == line


def test_one_line_clips_with_an_ellipsis() -> None:
    assert fmt.one_line("abcdefghij", 5) == "abcd…"
    assert fmt.one_line("abcde", 5) == "abcde"


def test_printable_keeps_line_breaks() -> None:
    assert fmt.printable("a\nb\tc\x1b") == "a\nb\tc\ufffd"


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_symbol_and_its_word(status: Status) -> None:
    text = fmt.status_text(status)
    assert text == f"{fmt.status_symbol(status)} {status.value}"


def test_blocking_statuses_share_the_cross_and_others_differ() -> None:
    symbols = {status: fmt.status_symbol(status) for status in Status}
    assert symbols[Status.FAIL] == symbols[Status.ERROR] == "✖"
    others = [symbols[s] for s in Status if not s.blocks]
    assert len(set(others)) == len(others)
    assert "✖" not in others


def test_summary_of_a_passing_verdict() -> None:
    assert fmt.summary_line(_verdicts.passing()) == "PASSED — 3 gates passed"


def test_summary_of_a_blocked_verdict_leads_with_what_blocks() -> None:
    assert fmt.summary_line(_verdicts.mixed()) == (
        "BLOCKED — 3 gates failed, 1 evidence error, 1 warning, 1 waived, 1 gate passed (exit 3)"
    )


def test_summary_of_no_gates() -> None:
    verdict = _verdicts.passing()
    empty = replace(verdict, gates=(), waivers=(), counts=(), findings=(), stages=(), notes=())
    assert fmt.summary_line(empty) == "PASSED — no gates evaluated"


def test_a_non_zero_exit_blocks_even_with_a_passing_status() -> None:
    verdict = _verdicts.passing()
    odd = replace(
        verdict,
        status=Status.PASS,
        exit_code=ExitCode.EVIDENCE,
        waivers=(),
        counts=(),
        findings=(),
        stages=(),
        notes=(),
    )
    assert fmt.blocked(odd)
    assert fmt.summary_line(odd) == "BLOCKED — 3 gates passed (exit 3)"


def _gate(offenders: int, total: int) -> GateResult:
    return GateResult(
        name="g",
        metric="findings",
        status=Status.FAIL,
        level=Level.BLOCK,
        observed=1.0,
        bound="<= 0",
        reason="r",
        stages=(),
        evidence=(),
        offenders=tuple(
            Offender(path="a.py", line=i, label="R1", detail="d") for i in range(1, offenders + 1)
        ),
        offenders_total=total,
        problems=(Problem(slug="vacuous", path="x.json", message="no lines", hint="fetch"),),
        comparisons=(
            BenchmarkComparison(
                name="b1",
                outcome=BenchmarkOutcome.NO_CHANGE,
                estimate=1.0,
                low=0.9,
                high=1.1,
                rounds=5,
                reason="",
            ),
            BenchmarkComparison(
                name="b2",
                outcome=BenchmarkOutcome.REGRESSION,
                estimate=1.2,
                low=1.1,
                high=math.nan,
                rounds=5,
                reason="slow",
            ),
        ),
    )


def test_detail_lines_list_problems_offenders_more_and_comparisons() -> None:
    lines = fmt.detail_lines(_gate(offenders=3, total=10), max_offenders=2)
    assert lines == [
        "[vacuous] x.json: no lines — next: fetch",
        "a.py:1  R1  d",
        "a.py:2  R1  d",
        "… and 8 more not shown — see the JSON verdict / artifacts",
        "b2 regression +20.0% (+10.0% … n/a), 5 rounds — slow",
        "b1 no-change +0.0% (-10.0% … +10.0%), 5 rounds",
    ]


def test_comparisons_show_every_flagged_one_then_unchanged_within_the_limit() -> None:
    comparisons = (
        BenchmarkComparison(
            name="same1",
            outcome=BenchmarkOutcome.NO_CHANGE,
            estimate=1.01,
            low=0.99,
            high=1.03,
            rounds=12,
            reason="",
        ),
        BenchmarkComparison(
            name="faster",
            outcome=BenchmarkOutcome.IMPROVEMENT,
            estimate=0.8,
            low=0.78,
            high=0.82,
            rounds=12,
            reason="20.0 % faster",
        ),
        BenchmarkComparison(
            name="noisy",
            outcome=BenchmarkOutcome.INCONCLUSIVE,
            estimate=1.04,
            low=0.9,
            high=1.2,
            rounds=30,
            reason="too noisy",
        ),
        BenchmarkComparison(
            name="same2",
            outcome=BenchmarkOutcome.NO_CHANGE,
            estimate=1.02,
            low=1.0,
            high=1.04,
            rounds=12,
            reason="",
        ),
        BenchmarkComparison(
            name="slow",
            outcome=BenchmarkOutcome.REGRESSION,
            estimate=1.1,
            low=1.08,
            high=1.12,
            rounds=12,
            reason="+10.0 % slower",
        ),
        BenchmarkComparison(
            name="slower",
            outcome=BenchmarkOutcome.REGRESSION,
            estimate=1.3,
            low=1.2,
            high=1.4,
            rounds=12,
            reason="+30.0 % slower",
        ),
    )
    gate = replace(_gate(offenders=0, total=0), comparisons=comparisons)
    names = [line.split()[0] for line in fmt.comparison_lines(gate, 5)]
    assert names == ["slower", "slow", "noisy", "faster", "same2", "…"]
    assert fmt.comparison_lines(gate, 5)[-1] == "… and 1 more unchanged — see the JSON verdict"
    assert len(fmt.comparison_lines(gate, 0)) == 5  # flagged ones are never cut
    assert len(fmt.comparison_lines(gate, 10)) == 6


def test_many_problems_are_cut_to_the_limit_and_counted_by_kind() -> None:
    skipped = tuple(
        Problem(slug="audit-incomplete", path="a.json", message=f"pkg{i} skipped", hint="rerun")
        for i in range(50)
    )
    gate = replace(
        _gate(offenders=0, total=0),
        problems=(*skipped, Problem(slug="no-packages-audited", path="", message="", hint="")),
    )
    lines = fmt.problem_lines(gate, 3)
    assert lines[:3] == [
        f"[audit-incomplete] a.json: pkg{i} skipped — next: rerun" for i in range(3)
    ]
    assert lines[3] == "… and 48 more problems (47 audit-incomplete, 1 no-packages-audited)"
    assert len(fmt.problem_lines(gate, 100)) == 51  # under the limit: every one, no tally


def test_problems_that_differ_only_in_their_subject_are_one_line() -> None:
    # an offline pip-audit: every package skipped for one reason, then the empty audit
    skipped = tuple(
        Problem(
            slug="audit-incomplete",
            path="a.json",
            message=f"pkg{i}: not audited (offline)",
            hint="rerun",
            subject=f"pkg{i}",
        )
        for i in range(21)
    )
    nothing = Problem(
        slug="no-packages-audited",
        path="a.json",
        message="0 packages audited",
        hint="waive",
        subject="pip-audit",
    )
    gate = replace(_gate(offenders=0, total=0), problems=(*skipped, nothing))
    names = "pkg0, pkg1, pkg2, pkg3, pkg4 and 16 more (21 in all)"
    assert fmt.problem_lines(gate, 10) == [
        f"[audit-incomplete] a.json: not audited (offline): {names} — next: rerun",
        "[no-packages-audited] a.json: 0 packages audited — next: waive",
    ]
    assert fmt.problem_lines(gate, 1)[1] == "… and 1 more problem (1 no-packages-audited)"
    assert fmt.problem_lines(replace(gate, problems=skipped[4:]), 0) == [
        "… and 17 more problems (17 audit-incomplete)"  # a group counts all its problems
    ]


def test_hidden_offenders_never_trusts_a_total_below_the_list() -> None:
    assert fmt.hidden_offenders(_gate(offenders=3, total=0), 3) == 0
    assert fmt.hidden_offenders(_gate(offenders=3, total=0), 1) == 2


def test_location_follows_the_models_unknowns() -> None:
    assert fmt.location("", 3) == ""
    assert fmt.location("a.py", 0) == "a.py"
    assert fmt.location("a.py", 7) == "a.py:7"


def test_counts_and_stages_lines() -> None:
    verdict = _verdicts.mixed()
    assert fmt.counts_line(verdict).startswith("tests run 412 · tests skipped 3 · ")
    assert fmt.counts_line(verdict).endswith("statements measured 12,345")
    assert fmt.stages_line(verdict) == (
        "lint @ 3f2a9c1b7d · unit @ 3f2a9c1b7d (dirty tree) · security @ unknown commit"
    )


@pytest.mark.parametrize(
    ("status", "symbol"),
    [(WaiverStatus.USED, "✔"), (WaiverStatus.UNUSED, "!"), (WaiverStatus.EXPIRED, "✖")],
)
def test_waiver_symbols(status: WaiverStatus, symbol: str) -> None:
    assert fmt.waiver_symbol(status) == symbol


def test_waiver_text_says_who_and_until_when() -> None:
    assert fmt.waiver_text("package x", "", "") == "package x (no owner, expires n/a)"
