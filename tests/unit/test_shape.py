"""The shape of the package holds: short modules and functions, no long flat folder (no import).

A function of gates over :data:`MAX_LINES` lines (from its ``def`` to its last
line, docstring included) is a list of steps that wants names: split it into
named steps, or add it to :data:`LONG_FUNCTIONS` with the reason it reads
better whole. A module over :data:`MAX_MODULE_LINES` lines holds more than one
job: split it by job. A folder of the package holding more than
:data:`MAX_MODULES` modules wants sub-packages that say what lives there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

PACKAGE: Final = Path(__file__).resolve().parents[2] / "gates"

MAX_LINES: Final = 60
MAX_MODULES: Final = 14
MAX_MODULE_LINES: Final = 400

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


def test_no_module_of_gates_grows_past_the_limit() -> None:
    long = {
        path.relative_to(PACKAGE).as_posix(): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}; split each by job"


def module_counts(package: Path) -> dict[str, int]:
    """How many modules (``*.py``, ``__init__.py`` aside) each folder of ``package`` holds."""
    counts: dict[str, int] = {}
    for folder in sorted({package, *(p for p in package.rglob("*") if p.is_dir())}):
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        if modules:
            counts[folder.relative_to(package.parent).as_posix()] = len(modules)
    return counts


def test_no_folder_of_gates_is_a_long_flat_list() -> None:
    crowded = {name: n for name, n in module_counts(PACKAGE).items() if n > MAX_MODULES}
    assert not crowded, (
        f"folders of more than {MAX_MODULES} modules: {crowded}; group them into "
        "sub-packages whose names say what lives there"
    )


def test_the_count_finds_a_crowded_folder(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for i in range(MAX_MODULES + 1):
        (package / "sub" / f"m{i}.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    assert module_counts(package) == {"pkg/sub": MAX_MODULES + 1}
