"""Reading one table of ``gates.toml``: typed fields, with errors that name the key path.

Shared by the settings, the gates and the waivers (:mod:`gates.policy.load`,
:mod:`gates.policy.settings`, :mod:`gates.policy.waivers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gates.errors import PolicyError
from gates.policy.hints import not_a_table_hint, not_an_array_hint, suggest, unknown_key_hint

__all__ = ["array", "choice", "kind_of", "known_keys", "plain", "table", "text", "texts"]


def table(document: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise PolicyError(
            f"should be a table, found {kind_of(value)}", key=key, hint=not_a_table_hint(key, value)
        )
    return value


def array(document: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PolicyError(
            f"should be an array of tables ([[{key}]]), found {kind_of(value)}",
            key=key,
            hint=not_an_array_hint(key),
        )
    return value


def known_keys(table: Mapping[str, object], allowed: Mapping[str, object], where: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            path = f"{where}.{key}" if where else key
            raise PolicyError(
                "is not a known key",
                key=path,
                hint=unknown_key_hint(key, value, where),
                slug="policy-unknown-key",
            )


def kind_of(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def text(table: Mapping[str, object], key: str, where: str, *, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(
            f"should be a non-empty string, found {kind_of(value)}", key=f"{where}.{key}"
        )
    return plain(value, f"{where}.{key}", lines=key in _FREE_TEXT)


def texts(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(
            "should be a string or a non-empty array of strings", key=f"{where}.{key}"
        )
    return tuple(plain(str(v), f"{where}.{key}") for v in value)


_FREE_TEXT = frozenset({"description", "reason"})
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and line feed allowed


def plain(value: str, key: str, *, lines: bool = False) -> str:
    """``value``, refused when it holds a control character (a NUL, a line break, ESC).

    A path or setting with a line break can forge a second line wherever it is
    written one per line (a CI step's ``$GITHUB_OUTPUT``); a NUL cannot reach
    the file system. Free text (``lines``) may hold tabs and line breaks.
    """
    found = (_LINE_CONTROL if lines else _CONTROL).search(value)
    if found:
        raise PolicyError(
            f"holds the control character U+{ord(found.group()):04X}: "
            + ("text here" if lines else "a setting, name, path or glob")
            + " is plain text"
            + ("" if lines else " on one line"),
            key=key,
            hint="remove it (a TOML escape such as \\n or \\u0000 writes one)",
        )
    return value


def choice(body: Mapping[str, object], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = body.get(key, allowed[0])
    if value not in allowed:
        raise PolicyError(
            f"should be one of {', '.join(repr(a) for a in allowed)}, found {value!r}",
            key=f"{where}.{key}",
            hint=suggest(str(value), allowed),
        )
    return str(value)
