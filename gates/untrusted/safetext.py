"""Scalars taken from untrusted reports, bounded before Python sees them whole.

The readers get numbers, counts and names from files a pull request can
write. Python's own conversions are not safe on such text: ``int()`` refuses
more than 4,300 digits (``ValueError``) and accepts ``"1_000"``, ``" 7 "`` and
Arabic-Indic digits; ``float()`` of a JSON integer of 400 digits raises
``OverflowError``; ``math.isfinite`` too; a ``repr`` of a value from a report
can be megabytes long; ``Path.is_file`` raises ``OSError`` on a name over 255
bytes. These helpers are the one place those cases are decided:

* :func:`decimal` reads a count or line number: ASCII digits only, at most
  :data:`MAX_DIGITS` of them, so the value is below :data:`MAX_INT`;
* :func:`parse_float` reads numeric text (bounded, ASCII), :func:`finite_float`
  turns a number (a JSON ``int`` or ``float``) or numeric text into a finite
  ``float``, or ``None``;
* :func:`in_range` says whether a JSON integer is one a real report holds;
* :func:`shown` quotes a value from a report in a message, and :func:`named`
  a name, at most ``limit`` characters long;
* :func:`is_file` asks the file system without letting a hostile name raise;
* :func:`most_dots` bounds TOML's dotted keys before :mod:`tomllib` sees them.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Final

__all__ = [
    "MAX_DIGITS",
    "MAX_INT",
    "decimal",
    "finite_float",
    "in_range",
    "is_file",
    "most_dots",
    "named",
    "one_line",
    "parse_float",
    "printable",
    "shown",
]

# 2**53: every integer up to it is exact as a float, and no count, size or line number in a
# report comes near it (a report is at most a few GiB). 15 decimal digits stay below it.
MAX_INT: Final = 2**53
MAX_DIGITS: Final = 15
_ASCII_DIGITS: Final = frozenset("0123456789")
_TOML_DELIMITERS: Final = str.maketrans(dict.fromkeys("=[]{},#", "\n"))
_MAX_FLOAT_TEXT: Final = 64  # "-1.2345678901234567e-308" and the like: no real number is longer


def decimal(text: str) -> int | None:
    """A non-negative decimal integer written in ASCII digits, or ``None``.

    No sign, space, underscore or non-ASCII digit; at most :data:`MAX_DIGITS`
    digits, so ``int()`` never sees a string it refuses or a value that
    overflows a float later.
    """
    if not 0 < len(text) <= MAX_DIGITS or not _ASCII_DIGITS.issuperset(text):
        return None
    return int(text)


def in_range(value: int) -> bool:
    """Whether a JSON integer is one a real report can hold (its magnitude at most 2**53)."""
    return -MAX_INT <= value <= MAX_INT


def parse_float(text: str) -> float | None:
    """Numeric text as a float (``nan`` and ``inf`` included), or ``None`` when it is none.

    ASCII only and no longer than any real number is written (``float()`` also
    reads ``"1_0"``, Arabic-Indic digits and megabytes of digits).
    """
    if len(text) > _MAX_FLOAT_TEXT or not text.isascii() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def finite_float(value: object) -> float | None:
    """``value`` (an ``int``, a ``float`` or numeric text) as a finite float, else ``None``.

    ``bool`` is not a number; an integer too large for a float, text that is
    not a number, NaN and the infinities are ``None``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # beyond 1.8e308: infinite as a float
            return None
    number = parse_float(value) if isinstance(value, str) else value
    if not isinstance(number, float) or not math.isfinite(number):
        return None
    return number


def shown(value: object, limit: int = 60) -> str:
    """A value from a report, quoted for a message: a string's first ``limit`` characters.

    Containers are named by their type (their ``repr`` could be as large as the
    report, or nested too deeply to print); numbers by their digits, cut short.
    """
    if isinstance(value, str):
        text = repr(value[:limit])
        return text + "…" if len(value) > limit else text
    if value is None or isinstance(value, bool | float):
        return "null" if value is None else repr(value)
    if isinstance(value, int):
        if in_range(value):
            return str(value)
        try:
            return f"an integer of {len(str(abs(value))):,} digits"
        except ValueError:  # str() refuses more than 4,300 digits
            return "an integer of over 4,300 digits"
    return f"a {type(value).__name__}"


def most_dots(text: str) -> int:
    """The most dots in one stretch of ``text`` between TOML's delimiters (a linear scan).

    A TOML dotted key or table header (``a.b.c = 1``, ``[a.b.c]``) lies within
    one such stretch. :mod:`tomllib` builds a key of *n* parts in time and
    memory quadratic in *n* (16 KiB of ``a.a.a…`` takes a second, 128 KiB
    minutes), so the policy loader bounds *n* first.
    """
    stretches = text.translate(_TOML_DELIMITERS).split("\n")
    return max(stretch.count(".") for stretch in stretches)


def named(text: str, limit: int = 120) -> str:
    """A name from a report (a file, a test), in backticks, at most ``limit`` characters."""
    return f"`{text[:limit]}…`" if len(text) > limit else f"`{text}`"


def is_file(path: str) -> bool:
    """Whether ``path`` is a regular file; ``False`` for any name the system refuses.

    A hostile report names files too long for the system (``ENAMETOOLONG``),
    with a NUL byte, or under a file rather than a folder: none of that is a file.
    """
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


# Line and paragraph breaks become spaces in one-line text.
_BREAKS: Final = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")
# C0/C1 controls (ESC included: no terminal escape sequence survives), bidi
# overrides (Trojan Source), lone surrogates and XML's non-characters.
_INVISIBLE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_REPLACEMENT: Final = "\ufffd"


def printable(text: str) -> str:
    """``text`` with every control, bidi and invalid character made visible as U+FFFD.

    Tabs, newlines and carriage returns stay: use :func:`one_line` for one line.
    """
    return _INVISIBLE.sub(_REPLACEMENT, text)


def one_line(text: str, limit: int = 0) -> str:
    """``text`` as one safe line, clipped to ``limit`` characters (0: no limit)."""
    line = printable(_BREAKS.sub(" ", text)).strip()
    if limit and len(line) > limit:
        return line[: limit - 1] + "…"
    return line
