"""Mutations of ``gates.toml``: its values (through the JSON tree mutations) and its text.

A seed policy is parsed with :mod:`tomllib`; the tree is mutated like a JSON
one (types swapped, huge and non-finite numbers, hostile strings, keys
renamed, tables repeated) and written back by :func:`dump`, a small TOML
writer that also writes what TOML forbids (a key twice, nesting a parser
cannot recurse through), so that the loader sees both valid policies with
hostile values and invalid documents.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from typing import Final

from tests.fuzz.mutate_json import Dup, Raw, mutate_tree
from tests.fuzz.values import Draw, choice

__all__ = ["dump", "mutate_policy"]

_BARE: Final = re.compile(r"[A-Za-z0-9_-]+")
_TOML_RAW: Final = (
    "1" + "0" * 30,
    "-" + "9" * 400,
    "9" * 4301,
    "inf",
    "-inf",
    "nan",
    "1e999",
    "0x7fffffffffffffff",
    "1979-05-27T07:32:00Z",
    "1979-05-27",
    "9999-12-31",
    "[" * 3_000 + "]" * 3_000,
    "{a = " * 600 + "1" + "}" * 600,
    '"""' + "a" * 10 + '"""',
    "'\\x'",
)


def mutate_policy(text: str, draw: Draw, others: list[object]) -> str:
    """One value-level mutation of the policy ``text``; the text itself when it is not TOML."""
    try:
        tree: object = tomllib.loads(text)
    except (ValueError, RecursionError):  # broken, 4,301 digits or deeply nested by a mutation
        return text
    if draw.integer(0, 3) == 0:
        return dump(_raw_value(tree, draw))
    return dump(mutate_tree(tree, draw, others))


def _raw_value(tree: object, draw: Draw) -> object:
    """A TOML-only value (a date, a hex integer, a deep inline table) somewhere in a table."""
    tables = [tree] if isinstance(tree, dict) else []
    if isinstance(tree, dict):
        tables += [value for value in tree.values() if isinstance(value, dict)]
        tables += [
            v
            for value in tree.values()
            if isinstance(value, dict)
            for v in value.values()
            if isinstance(v, dict)
        ]
    if tables:
        table = choice(draw, tables)
        keys = sorted(table) or ["min"]
        table[choice(draw, [*keys, "min", "max", "expires", "reports"])] = Raw(
            choice(draw, _TOML_RAW)
        )
    return tree


def dump(tree: object) -> str:
    """``tree`` as TOML text: scalars first, then tables and arrays of tables."""
    if not isinstance(tree, dict):
        return f"x = {_value(tree)}\n"
    return "\n".join(_table(tree, ()))


def _table(table: dict[str, object], path: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    nested: list[tuple[str, object]] = []
    for key, value in table.items():
        if (isinstance(value, dict) and value) or (
            isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        ):
            nested.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in nested:
        name = ".".join(_key(part) for part in (*path, key))
        if isinstance(value, dict):
            lines += ["", f"[{name}]", *_table(value, (*path, key))]
        else:
            assert isinstance(value, list)
            for item in value:
                lines += ["", f"[[{name}]]", *_table(item, (*path, key))]
    return lines


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE.fullmatch(text) else json.dumps(text)


def _value(value: object) -> str:  # noqa: PLR0911 - one case per TOML type
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Dup):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, int | str):
        return str(value) if isinstance(value, int) else json.dumps(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    return '""'  # null: TOML has none


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)
