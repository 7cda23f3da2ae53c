"""The terminal output: a table a person reads in ten seconds."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from rich.cells import cell_len

from gates.model.verdict import Status, Verdict
from gates.outputs import terminal
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_golden_mixed() -> None:
    text = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100))
    assert_golden("mixed.terminal.txt", text)


def test_golden_mixed_in_colour() -> None:
    text = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100, color=True))
    assert_golden("mixed.terminal.color.txt", text)


def test_golden_passing() -> None:
    text = terminal.render(_verdicts.passing(), options=RenderOptions(width=80))
    assert_golden("passing.terminal.txt", text)


def test_colour_adds_escape_codes_and_nothing_else() -> None:
    plain = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100))
    coloured = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100, color=True))
    assert "\x1b[" in coloured
    assert "\x1b" not in plain
    assert _ANSI.sub("", coloured) == plain


@pytest.mark.parametrize("width", [40, 63, 80, 120, 200])
@pytest.mark.parametrize("make", [_verdicts.mixed, _verdicts.hostile, _verdicts.passing])
def test_no_line_is_wider_than_the_terminal(width: int, make: Callable[[], Verdict]) -> None:
    text = terminal.render(make(), options=RenderOptions(width=width))
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert all(line == line.rstrip() for line in text.splitlines())


def test_every_gate_row_says_its_status_in_words() -> None:
    text = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100))
    rows = text.splitlines()[2:9]
    assert [row.split()[:3] for row in rows] == [
        ["✔", "pass", "lint"],
        ["✖", "fail", "unit-coverage"],
        ["✖", "fail", "tests"],
        ["~", "waived", "security"],
        ["!", "warn", "flaky"],
        ["✖", "error", "patch-coverage"],
        ["✖", "fail", "benchmarks"],
    ]
    assert "89.99%   >= 90" in rows[1]


def test_failing_gates_list_offenders_then_how_many_more_then_reproduce() -> None:
    text = terminal.render(_verdicts.mixed(), options=RenderOptions(width=100, max_offenders=1))
    block = text[text.index("✖ unit-coverage (fail)") :].split("\n\n")[0].splitlines()
    assert block[1:] == [
        "    gates/evaluate.py  71.42%  missing lines 40-52, 97",
        "    … and 4 more not shown — see the JSON verdict / artifacts",
        "    reproduce: nox -s unit && coverage report --fail-under=90",
    ]


def test_passing_gates_get_no_detail_block() -> None:
    text = terminal.render(_verdicts.passing(), options=RenderOptions(width=80))
    assert "reproduce:" not in text
    assert text.rstrip().endswith("PASSED — 3 gates passed")


def test_waivers_counts_and_final_line() -> None:
    text = terminal.render(_verdicts.mixed(), options=RenderOptions(width=200))
    assert "✔ used  finding pip-audit:GHSA-h4gh-qq45-vh27 (@sec-team, expires 2027-01-31)" in text
    assert "✖ expired  finding bandit:B602 (no owner, expires 2024-01-01)" in text
    assert "counts   tests run 412 · tests skipped 3 · files linted 57" in text
    assert "note: benchmark stage compared against origin/main at 1a2b3c4" in text
    last = text.splitlines()[-1]
    assert (
        last
        == "BLOCKED — 3 gates failed, 1 evidence error, 1 warning, 1 waived, 1 gate passed (exit 3)"
    )


def test_hostile_text_cannot_drive_the_terminal() -> None:
    for color in (False, True):
        text = terminal.render(_verdicts.hostile(), options=RenderOptions(width=100, color=color))
        stripped = _ANSI.sub("", text)
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", stripped)
        assert "[bold red]rich markup[/bold red]" in stripped.replace("\n", " ")


def test_every_status_renders() -> None:
    text = terminal.render(_verdicts.hostile(), options=RenderOptions(width=100))
    for status in Status:
        assert f"{status.value}" in text
