"""The choices a mutation draws from: hostile numbers, strings, encodings, and how to draw.

Every mutator takes a :class:`Draw`: Hypothesis drives it in the test suite
(:class:`HypothesisDraw`, so a failure shrinks and replays), a seeded
:class:`random.Random` in the long run (:class:`RandomDraw`, fast, in worker
processes).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final, Protocol, TypeVar

from hypothesis import strategies as st

__all__ = [
    "BIG",
    "ENCODINGS",
    "NUMBER_TEXTS",
    "REPEATS",
    "STRINGS",
    "Draw",
    "HypothesisDraw",
    "RandomDraw",
    "choice",
    "inflate",
]

T = TypeVar("T")

MAX_INPUT: Final = 1 << 20  # a mutated input is cut to 1 MiB: big enough for any blow-up

# Counts for "repeat this": small, then the sizes at which quadratic work shows.
REPEATS: Final = (2, 3, 10, 100, 1_000, 5_000, 20_000, 60_000)

# Numbers as text: Python's int() and float() limits, non-ASCII digits, what int() accepts
# and a report never holds, and numbers that declare a size (a billion branches).
NUMBER_TEXTS: Final = (
    "0",
    "-1",
    "-0",
    "1",
    "+7",
    " 7",
    "7 ",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits: str.isdecimal() and int() accept them
    "\uff17",  # a fullwidth 7
    "0x1f",
    "1e",
    ".",
    "",
    "2147483648",
    "9007199254740993",
    "9" * 16,
    "9" * 19,
    "1" + "0" * 309,
    "9" * 4300,
    "9" * 4301,
    "9" * 20_000,
    "1000000000",
    "1e308",
    "1e999",
    "-1e999",
    "5e-324",
    "0.1",
    "1.5",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1." + "0" * 400,
)

# JSON number tokens json.loads takes: infinities by overflow, the spelt constants, huge ints.
BIG: Final = (
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-Infinity",
    "1" + "0" * 309,
    "-" + "9" * 400,
    "9" * 4300,
    "9" * 4301,
    "9007199254740993",
    "18446744073709551616",
    "1E+400",
    "5e-324",
    "-0",
    "0.000000000000000000000000001",
    "1.7976931348623157e308",
)

STRINGS: Final = (
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\x1b[31m",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ud800",  # a lone surrogate: JSON can spell it (\\ud800), UTF-8 cannot encode it
    "a\udfffb",
    "\U0001f4a5",
    "\u00e9",
    "x" * 300,
    "a/" * 2_000,
    "../../../etc/passwd",
    "/dev/zero",
    "/",
    "C:\\x\\y.py",
    "\\\\server\\share\\x.py",
    "file://[",
    "file:///%00",
    "file://host:99999/x",
    "http://[::1",
    "%ff%00",
    "{0}",
    "{1}{0}{1}",
    "{99999999999999999999}",
    "{" + "9" * 5_000 + "}",
    "{ => }",
    "a{b => c}d",
    '"\\777"',
    '"unterminated',
    "\\",
    "${{ github.token }}",
    "<script>alert(1)</script>",
    "]]>",
    "# git diff --numstat a...b -- *.py",
    "Found 1 error in 1 file (x)",
    "TOTAL",
    "pytest.xfail",
    'failed on teardown with "',
    "error",
    "note",
    "none",
    "absent",
    "pass",
    "accepted",
    "HIGH",
    "UNDEFINED",
    "2.1.0",
    "5.3.1",
    "1.1" + "1" * 5_000 + "!",
    "0" * 5_000,
)

ENCODINGS: Final = (
    "utf-8",
    "UTF-8",
    "utf8",
    "x",
    "utf-16",
    "UTF-16LE",
    "utf-16be",
    "latin-1",
    "iso-8859-1",
    "us-ascii",
    "ascii",
    "utf-7",
    "utf-32",
    "shift_jis",
    "cp1252",
    "mbcs",
    "idna",
    "rot13",
    "hex",
    "ebcdic-cp-us",
    "",
    "\u00e9",
)


class Draw(Protocol):
    """A source of choices: an integer from ``low`` to ``high``, both included."""

    def integer(self, low: int, high: int) -> int: ...


class RandomDraw:
    """Choices from a seeded :class:`random.Random`: the long run."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)


class HypothesisDraw:
    """Choices Hypothesis makes, so that it can shrink a failure and replay it."""

    def __init__(self, data: st.DataObject) -> None:
        self._data = data

    def integer(self, low: int, high: int) -> int:
        return self._data.draw(st.integers(low, high))


def choice(draw: Draw, options: Sequence[T]) -> T:
    return options[draw.integer(0, len(options) - 1)]


def inflate(text: str, number: str) -> str:
    """Every run of digits in ``text`` replaced by ``number``: ``"(1/2)"`` -> ``"(1/1000000000)"``."""
    out, digits = [], False
    for char in text:
        if char.isdigit():
            if not digits:
                out.append(number)
            digits = True
        else:
            out.append(char)
            digits = False
    return "".join(out)
