"""Scalars from untrusted reports: what Python's own conversions would accept, raise or overflow on."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gates.untrusted.safetext import (
    MAX_INT,
    decimal,
    finite_float,
    in_range,
    is_file,
    most_dots,
    named,
    parse_float,
    shown,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("7", 7),
        ("007", 7),
        ("9" * 15, 10**15 - 1),
        ("9" * 16, None),  # beyond 15 digits: no real count, and int() would take 4,300
        ("9" * 4301, None),  # int() raises ValueError on these
        ("", None),
        ("-1", None),
        ("+7", None),
        (" 7", None),
        ("1_000", None),  # int() accepts it
        ("\u0661\u0662", None),  # Arabic-Indic digits: isdecimal() and int() accept them
        ("\uff17", None),
        ("1.0", None),
    ],
)
def test_decimal_reads_ascii_counts_only(text: str, value: int | None) -> None:
    assert decimal(text) == value


def test_in_range_is_what_a_float_holds_exactly() -> None:
    assert in_range(MAX_INT) and in_range(-MAX_INT)
    assert not in_range(MAX_INT + 1) and not in_range(10**400)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (1, 1.0),
        (1.5, 1.5),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        (10**300, 1e300),
        (10**400, None),  # float() raises OverflowError
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        ("nan", None),
        ("1e999", None),
        ("1_0", None),  # float() accepts it
        ("\u0661", None),  # float() accepts it too
        ("1" * 65, None),  # no number is written this long
        ("x", None),
        (None, None),
        ([1], None),
    ],
)
def test_finite_float(value: object, number: float | None) -> None:
    assert finite_float(value) == number


def test_parse_float_keeps_non_finite_numbers_apart_from_text() -> None:
    assert math.isnan(parse_float("nan") or 0.0)
    assert parse_float("-inf") == -math.inf
    assert parse_float("slow") is None


def test_shown_quotes_a_value_cut_short() -> None:
    assert shown("abc") == "'abc'"
    assert shown("x" * 100, 10) == "'xxxxxxxxxx'…"
    assert shown(None) == "null"
    assert shown(12) == "12"
    assert shown(10**400) == "an integer of 401 digits"
    assert shown(10**5000) == "an integer of over 4,300 digits"
    assert shown([[[]]]) == "a list"  # a deep or huge repr is never built
    assert shown({"a": 1}) == "a dict"


def test_named_cuts_a_name_short() -> None:
    assert named("pkg/a.py") == "`pkg/a.py`"
    assert named("x" * 200, 5) == "`xxxxx…`"


def test_is_file_never_raises(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("")
    assert is_file(str(tmp_path / "a.py"))
    assert not is_file(str(tmp_path))
    assert not is_file(str(tmp_path / ("x" * 300)))  # ENAMETOOLONG: Path.is_file raises
    assert not is_file(str(tmp_path / "a\x00b"))
    assert not is_file(str(tmp_path / "a.py" / "b.py"))  # under a file


def test_most_dots_counts_within_toml_stretches() -> None:
    assert most_dots('[gate.unit-coverage]\nmetric = "coverage.percent"\n') == 1
    assert most_dots("a.b.c = 1") == 2
    assert most_dots("x = {a.b.c.d = 1}") == 3
    assert most_dots(".".join("a" * 40)) == 39
    assert most_dots("") == 0
