"""Typed access to a parsed, untrusted document: a missing or mistyped field is a named error.

:class:`Fields` reads a JSON object (or an XML element's attributes) field by
field, each error naming the file and the field's path; the list checks run
in C where reports hold millions of items (line numbers, arcs, timings).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Final

from gates.errors import EvidenceError
from gates.untrusted.safetext import MAX_INT, finite_float, in_range, named, shown

__all__ = [
    "Fields",
    "check_finite",
    "finite_numbers",
    "int_pairs",
    "ints",
    "malformed",
]


class Fields:
    """Typed access to one JSON object of a report, with errors naming the field.

    ``where`` is the path of the object inside the document (``"files.a.py"``).
    """

    __slots__ = ("_obj", "path", "where")

    def __init__(self, value: object, *, path: str, where: str) -> None:
        if not isinstance(value, dict):
            raise malformed(path, where, "an object", value)
        self._obj: Mapping[str, object] = value
        self.path = path
        self.where = where

    def _get(self, key: str) -> object:
        try:
            return self._obj[key]
        except KeyError:
            raise EvidenceError(
                f"{_field(self._at(key))} is missing",
                slug="malformed-report",
                path=self.path,
                hint="the report is not in the expected format; regenerate it with a supported tool version",
            ) from None

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return key in self._obj

    def obj(self, key: str) -> Fields:
        return Fields(self._get(key), path=self.path, where=self._at(key))

    def raw(self, key: str, default: object = None) -> object:
        return self._obj.get(key, default)

    def text(self, key: str, default: str | None = None) -> str:
        if default is not None and key not in self._obj:
            return default
        value = self._get(key)
        if not isinstance(value, str):
            raise malformed(self.path, self._at(key), "a string", value)
        return value

    def opt_text(self, key: str) -> str:
        """A string, or "" when the key is absent or null."""
        value = self._obj.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise malformed(self.path, self._at(key), "a string", value)
        return value

    def integer(self, key: str, default: int | None = None) -> int:
        """An integer whose magnitude a real report can hold (at most 2**53)."""
        if default is not None and self._obj.get(key) is None:
            return default
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise malformed(self.path, self._at(key), "an integer", value)
        if not in_range(value):
            raise _out_of_range(self.path, self._at(key), value)
        return value

    def count(self, key: str, default: int | None = None) -> int:
        """A count: an integer from 0 to 2**53."""
        value = self.integer(key, default)
        if value < 0:
            raise malformed(self.path, self._at(key), "a count (0 or more)", value)
        return value

    def number(self, key: str) -> float:
        """A finite number; an integer too large for a float is refused like NaN."""
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise malformed(self.path, self._at(key), "a number", value)
        number = finite_float(value)
        if number is None:
            raise EvidenceError(
                f"{_field(self._at(key))} is not a finite number ({shown(value)})",
                slug="non-finite",
                path=self.path,
                hint="the tool measured nothing usable; regenerate the report",
            )
        return number

    def array(self, key: str, default: list[object] | None = None) -> list[object]:
        if default is not None and key not in self._obj:
            return default
        value = self._get(key)
        if not isinstance(value, list):
            raise malformed(self.path, self._at(key), "a list", value)
        return value

    def texts(self, key: str, default: list[object] | None = None) -> list[str]:
        """The list of strings at ``key``; an item that is not a string is named by its index."""
        values = self.array(key, default)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise malformed(self.path, f"{self._at(key)}[{index}]", "a string", value)
        return [str(value) for value in values]

    def items(self) -> Iterator[tuple[str, object]]:
        return iter(self._obj.items())

    def each(self, key: str) -> Iterator[Fields]:
        """The objects of the list at ``key``."""
        where = self._at(key)
        for index, item in enumerate(self.array(key)):
            yield Fields(item, path=self.path, where=f"{where}[{index}]")


def malformed(path: str, where: str, expected: str, value: object) -> EvidenceError:
    """The error for a field of the wrong type."""
    kind = type(value).__name__ if value is not None else "null"
    return EvidenceError(
        f"{_field(where)} should be {expected}, found {kind}",
        slug="malformed-report",
        path=path,
        hint="the report is not in the expected format; regenerate it with a supported tool version",
    )


def _field(where: str) -> str:
    """A field's path in a message: its keys come from the report, so it is cut short."""
    return named(where, 200) if where else "`(document)`"


def _out_of_range(path: str, where: str, value: int) -> EvidenceError:
    return EvidenceError(
        f"{_field(where)} is {shown(value)}: no count or line number in a report is that large",
        slug="malformed-report",
        path=path,
        hint="the report is corrupt or hand-made; regenerate it with the tool",
    )


_INT_ONLY: Final = frozenset({int})


def ints(value: object, *, path: str, where: str) -> list[int]:
    """A list of line numbers, checked cheaply (no copy): integers from 0 to 2**53.

    The types are checked in C (``map(type, ...)``), not item by item in Python:
    coverage JSON holds a million line numbers.
    """
    if not isinstance(value, list):
        raise malformed(path, where, "a list of integers", value)
    if value and not _INT_ONLY.issuperset(map(type, value)):
        raise malformed(path, where, "a list of integers", value)
    if value and not (min(value) >= 0 and max(value) <= MAX_INT):
        raise malformed(path, where, "a list of line numbers (0 to 2**53)", value)
    return value


_LIST_ONLY: Final = frozenset({list})
_PAIR: Final = frozenset({2})


def int_pairs(value: object) -> bool:
    """Whether ``value`` is a list of ``[a, b]`` integer pairs within 2**53 (checked in C)."""
    if type(value) is not list:
        return False
    if not value:
        return True
    if not _LIST_ONLY.issuperset(map(type, value)) or not _PAIR.issuperset(map(len, value)):
        return False
    flat = list(itertools.chain.from_iterable(value))
    return _INT_ONLY.issuperset(map(type, flat)) and -MAX_INT <= min(flat) <= max(flat) <= MAX_INT


def finite_numbers(value: object, *, path: str, where: str, noun: str = "number") -> list[float]:
    """A list of finite numbers (floats, or JSON ints within 2**53), checked without a copy.

    ``1e999`` in JSON reads as infinity, so each float is checked, not only the spelt NaN.
    """
    if not isinstance(value, list):
        raise malformed(path, where, "a list of numbers", value)
    for item in value:
        if type(item) is float:
            if not math.isfinite(item):
                raise EvidenceError(
                    f"{_field(where)} holds a {noun} that is not a finite number ({item!r})",
                    slug="non-finite",
                    path=path,
                    hint="the tool measured nothing usable; regenerate the report",
                )
        elif type(item) is not int or not in_range(item):
            raise malformed(path, where, "a list of numbers", value)
    return value


def check_finite(value: float, *, path: str, where: str) -> float:
    if not math.isfinite(value):
        raise EvidenceError(
            f"{_field(where)} is not a finite number ({value!r})",
            slug="non-finite",
            path=path,
            hint="the tool measured nothing usable; regenerate the report",
        )
    return value
