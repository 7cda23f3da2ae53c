"""Mutations of line-based reports, and of any report's bytes.

Line-based reports (``git diff --numstat``, ``--show-files``, mypy's
linecount, ``coverage report``) are mutated by line and by token: a count
replaced by a hostile number, a name by a hostile string (braces and arrows,
C quotes and octal escapes), a line repeated, dropped, swapped or taken from
another seed, the separators changed.

Every family then gets byte mutations some of the time: truncation, a slice
repeated thousands of times (where super-linear parsing shows), bytes
inserted, flipped or spliced from another seed, the text re-encoded (UTF-16,
Latin-1, a byte-order mark, invalid UTF-8), line ends changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from tests.fuzz.values import MAX_INPUT, NUMBER_TEXTS, REPEATS, STRINGS, Draw, choice, inflate

__all__ = ["mutate_bytes", "mutate_lines"]

_SEPARATORS: Final = ("\t", " ", "  ", "\t\t", "", " => ", "\x00", "\r", "\u2028", "\x0b")
_INTERESTING: Final = (
    0x00,
    0x0A,
    0x0D,
    0x09,
    0x20,
    0x22,
    0x27,
    0x3C,
    0x3E,
    0x5C,
    0x7B,
    0x7D,
    0x80,
    0xC3,
    0xFF,
)


def mutate_lines(text: str, draw: Draw, others: list[str]) -> str:
    """One line- or token-level mutation of ``text``."""
    lines = text.split("\n")
    index = draw.integer(0, len(lines) - 1)
    operation = choice(draw, _LINE_OPERATIONS)
    return "\n".join(operation(lines, index, draw, others))


def _token(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    tokens = lines[index].split("\t") if "\t" in lines[index] else lines[index].split(" ")
    at = draw.integer(0, len(tokens) - 1)
    replacement = choice(draw, NUMBER_TEXTS) if draw.integer(0, 1) else choice(draw, STRINGS)
    tokens[at] = replacement
    lines[index] = ("\t" if "\t" in lines[index] else " ").join(tokens)
    return lines


def _inflate(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    lines[index] = inflate(lines[index], choice(draw, NUMBER_TEXTS))
    return lines


def _repeat_line(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    times = min(choice(draw, REPEATS), MAX_INPUT // (len(lines[index]) + 1))
    lines[index : index + 1] = [lines[index]] * max(times, 1)
    return lines


def _drop_line(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del draw, others
    del lines[index]
    return lines or [""]


def _swap_lines(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    other = draw.integer(0, len(lines) - 1)
    lines[index], lines[other] = lines[other], lines[index]
    return lines


def _foreign_line(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    source = choice(draw, others).split("\n") if others else lines
    lines.insert(index, choice(draw, source))
    return lines


def _separator(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    old = choice(draw, ("\t", " "))
    lines[index] = lines[index].replace(old, choice(draw, _SEPARATORS))
    return lines


def _hostile_line(lines: list[str], index: int, draw: Draw, others: list[str]) -> list[str]:
    del others
    piece = choice(draw, STRINGS) or "{ => "
    times = min(choice(draw, REPEATS), MAX_INPUT // (len(piece) + 1))
    line = choice(draw, ("", "1\t1\t", "5 ", "  9   9   1   1 ", "/", "TOTAL "))
    lines.insert(index, line + piece * max(times, 1))
    return lines


_LineOperation = Callable[[list[str], int, Draw, list[str]], list[str]]
_LINE_OPERATIONS: Final[tuple[_LineOperation, ...]] = (
    _token,
    _token,
    _inflate,
    _repeat_line,
    _drop_line,
    _swap_lines,
    _foreign_line,
    _separator,
    _hostile_line,
)


# ---------------------------------------------------------------- bytes


def mutate_bytes(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    """One byte-level mutation, the result cut to :data:`MAX_INPUT`."""
    return choice(draw, _BYTE_OPERATIONS)(data, draw, others)[:MAX_INPUT]


def _truncate(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    return data[: draw.integer(0, len(data))]


def _repeat_slice(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    at = draw.integer(0, len(data))
    piece = data[at : at + draw.integer(1, 16)] or b"{ => "
    times = min(choice(draw, REPEATS), MAX_INPUT // len(piece))
    return data[:at] + piece * times + data[at:]


def _insert(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    at = draw.integer(0, len(data))
    text = choice(draw, STRINGS + NUMBER_TEXTS).encode("utf-8", "surrogatepass")
    return data[:at] + text + data[at:]


def _flip(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    if not data:
        return bytes([choice(draw, _INTERESTING)])
    at = draw.integer(0, len(data) - 1)
    value = (
        choice(draw, _INTERESTING) if draw.integer(0, 1) else data[at] ^ (1 << draw.integer(0, 7))
    )
    return data[:at] + bytes([value]) + data[at + 1 :]


def _delete(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    at = draw.integer(0, len(data))
    return data[:at] + data[at + draw.integer(1, 64) :]


def _splice(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    other = choice(draw, others) if others else data
    start = draw.integer(0, len(other))
    piece = other[start : start + draw.integer(1, 4096)]
    at = draw.integer(0, len(data))
    return data[:at] + piece + data[at + draw.integer(0, 256) :]


def _encode(data: bytes, draw: Draw, others: list[bytes]) -> bytes:
    del others
    text = data.decode("utf-8", "replace")
    variants: tuple[Callable[[], bytes], ...] = (
        lambda: text.encode("utf-16"),
        lambda: text.encode("utf-16-be"),
        lambda: text.encode("latin-1", "replace"),
        lambda: b"\xef\xbb\xbf" + data,
        lambda: b"\xff\xfe" + data,
        lambda: data + b"\xc3",
        lambda: data.replace(b"\n", b"\r\n"),
        lambda: data.replace(b"\n", b"\r"),
        lambda: data.rstrip(b"\n"),
    )
    return choice(draw, variants)()


_ByteOperation = Callable[[bytes, Draw, list[bytes]], bytes]
_BYTE_OPERATIONS: Final[tuple[_ByteOperation, ...]] = (
    _truncate,
    _truncate,
    _repeat_slice,
    _repeat_slice,
    _insert,
    _flip,
    _delete,
    _splice,
    _encode,
)
