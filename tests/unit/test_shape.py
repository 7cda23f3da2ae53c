"""The shape of the package holds: short functions (an AST check, no import).

A function of gates over :data:`MAX_LINES` lines (from its ``def`` to its last
line, docstring included) is a list of steps that wants names: split it into
named steps, or add it to :data:`LONG_FUNCTIONS` with the reason it reads
better whole.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

PACKAGE: Final = Path(__file__).resolve().parents[2] / "gates"

MAX_LINES: Final = 60

# "path/to/module.py:qualified.name" -> why it reads better as one function. Keep it empty.
LONG_FUNCTIONS: Final[dict[str, str]] = {}


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """Each function's qualified name and its length in lines, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def long_functions(source: str, where: str) -> dict[str, int]:
    """The functions of ``source`` over :data:`MAX_LINES` lines, as ``where:name`` -> lines."""
    return {
        f"{where}:{name}": lines
        for name, lines in _functions(ast.parse(source))
        if lines > MAX_LINES
    }


def test_no_function_of_gates_grows_past_the_limit() -> None:
    found: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        found.update(long_functions(path.read_text(encoding="utf-8"), where))
    grown = {name: lines for name, lines in found.items() if name not in LONG_FUNCTIONS}
    assert not grown, (
        f"functions over {MAX_LINES} lines: {grown}; split each into named steps "
        "(or say in LONG_FUNCTIONS why it reads better whole)"
    )
    stale = sorted(set(LONG_FUNCTIONS) - set(found))
    assert not stale, f"LONG_FUNCTIONS names functions that are short now or gone: {stale}"


def test_the_measure_finds_a_long_function() -> None:
    def method(lines: int) -> str:  # a method of `lines` lines, its `def` line included
        body = "".join(f"        x{i} = {i}\n" for i in range(lines - 1))
        return f"class C:\n    def m(self) -> None:\n{body}"

    assert long_functions(method(MAX_LINES), "m.py") == {}  # at the limit: fine
    assert long_functions(method(MAX_LINES + 1), "m.py") == {"m.py:C.m": MAX_LINES + 1}
