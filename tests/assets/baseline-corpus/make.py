"""The baseline corpus: edits people make to code, and which findings each leaves unchanged.

Run by make.sh, in two phases:

``python make.py edits``
    Builds ``project/<case>/`` from ``project/before/`` for every case made
    here by editing lines (the two reformatted cases are ``ruff format``'s,
    run by make.sh). The duplicated and edited cases pick their lines from
    the findings of ``before`` (its reports must exist).

``python make.py expected``
    Writes ``project/expected/<case>.json``: each finding of the case's
    reports, labelled ``unchanged`` (the same finding as one of ``before``),
    ``duplicate`` (on a line pasted as a copy of a flagged line, with the
    original's tool and rule), ``edited`` (on a flagged line that was edited)
    or ``new`` (anything else). The label comes from how the case was made,
    never from gates: each edit keeps a map from every line of the edited file
    to the line of ``before`` it came from (none for an inserted, pasted or
    edited line); for ruff format, which keeps the syntax tree, each node of
    the tree after is paired with its node before (lines no node starts on,
    ``else:`` for one, are paired by their text, with difflib). A finding
    after is ``unchanged`` when a finding of ``before`` with the same tool and
    rule sits on a line mapped to its line (each used once).

Standard library only, deterministic: the same ``before`` gives the same corpus.
"""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
ASSETS = HERE.parent
FIXED_ROOT = "/tmp/gates-corpus"  # where make.sh copies each tree before running the tools
REPORTS = {
    "ruff": ASSETS / "ruff" / "0.17.6" / "check-corpus-{case}.json",
    "bandit": ASSETS / "bandit" / "1.9.4" / "corpus-{case}.json",
    "mypy": ASSETS / "mypy" / "2.4.1" / "corpus-{case}.jsonl",
}
EDITED_CASES = ("inserted", "moved", "renamed", "duplicated", "edited")
FORMATTED_CASES = ("reformatted", "reformatted-narrow")
CASES = (*EDITED_CASES[:1], *FORMATTED_CASES, *EDITED_CASES[1:])
RENAMES = {
    "shop/reports.py": "shop/dashboard.py",
    "shop/utils.py": "shop/helpers.py",
    "tenacity/tornadoweb.py": "tenacity/tornado_support.py",
}
PICKED = 24  # lines duplicated, lines edited

Origin = tuple[str, int] | None  # (path before, line before)


class Tree:
    """The Python files of a project, each as lines, with where each line came from."""

    def __init__(self, files: dict[str, list[str]], origins: dict[str, list[Origin]]) -> None:
        self.files = files
        self.origins = origins

    @classmethod
    def load(cls, root: Path) -> Tree:
        files = {
            path.relative_to(root).as_posix(): path.read_text(encoding="utf-8").split("\n")
            for path in sorted(root.rglob("*.py"))
        }
        origins: dict[str, list[Origin]] = {
            name: [(name, n) for n in range(1, len(lines) + 1)] for name, lines in files.items()
        }
        return cls(files, origins)

    def copy(self) -> Tree:
        return Tree(
            {k: list(v) for k, v in self.files.items()},
            {k: list(v) for k, v in self.origins.items()},
        )

    def insert(self, path: str, index: int, lines: list[str]) -> None:
        """Insert ``lines`` before 0-based ``index`` of ``path``: new lines, from nowhere."""
        self.files[path][index:index] = lines
        self.origins[path][index:index] = [None] * len(lines)

    def write(self, root: Path, before: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(before, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for name, lines in self.files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- the edits


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def inserted(tree: Tree) -> Tree:
    """Comment lines inserted above: at the top of each module, above every other
    definition, at the top of every function body of two statements or more."""
    edited = tree.copy()
    for name, lines in tree.files.items():
        module = ast.parse("\n".join(lines))
        at: list[tuple[int, list[str]]] = []
        docstring = module.body and _is_docstring(module.body[0])
        top = (module.body[0].end_lineno or 0) if docstring else 0
        at.append((top, ["", "# Corpus edit: lines inserted above every finding.", "# A second one."]))
        for number, node in enumerate(module.body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and number % 2:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                at.append((first - 1, [f"{_indent(lines[first - 1])}# Inserted above a definition."]))
        for function in _functions(module):
            body = function.body[1:] if _is_docstring(function.body[0]) else function.body
            if len(body) >= 2:
                first = body[0].lineno
                at.append((first - 1, [f"{_indent(lines[first - 1])}# Inserted in the body."]))
        for index, new in sorted(at, key=lambda item: item[0], reverse=True):
            edited.insert(name, index, new)
    return edited


def _span(node: ast.stmt) -> tuple[int, int]:
    """0-based [start, end) of a definition's lines, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    return first - 1, node.end_lineno or node.lineno


def _overloaded(node: ast.stmt) -> bool:
    return any("overload" in ast.unparse(d) for d in getattr(node, "decorator_list", []))


def _move(tree: Tree, name: str, start: int, end: int, to: int) -> None:
    """Move lines [start, end) to before line index ``to`` (``to`` >= end), blank lines around."""
    lines, origins = tree.files[name], tree.origins[name]
    block, block_origins = lines[start:end], origins[start:end]
    insert_lines = ["", "", *block] if to > end else [*block, "", ""]
    insert_origins: list[Origin] = (
        [None, None, *block_origins] if to > end else [*block_origins, None, None]
    )
    lines[to:to] = insert_lines
    origins[to:to] = insert_origins
    del lines[start:end]
    del origins[start:end]


def moved(tree: Tree) -> Tree:
    """The first top-level function of each module moved to its end; the first method
    (not ``__init__``) of each class of three methods or more moved to the class's end."""
    edited = tree.copy()
    for name in tree.files:
        module = ast.parse("\n".join(edited.files[name]))
        classes = [n for n in module.body if isinstance(n, ast.ClassDef)]
        for cls in sorted(classes, key=lambda c: c.lineno, reverse=True):
            methods = [
                n
                for n in cls.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                and n.name != "__init__"
                and not _overloaded(n)
            ]
            if len(cls.body) >= 3 and methods and methods[0] is not cls.body[-1]:
                start, end = _span(methods[0])
                _move(edited, name, start, end, cls.end_lineno or end)
        module = ast.parse("\n".join(edited.files[name]))
        functions = [
            n
            for n in module.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not _overloaded(n)
        ]
        if len(functions) >= 2 and functions[0] is not module.body[-1]:
            start, end = _span(functions[0])
            last = len(edited.files[name])
            while last > 0 and not edited.files[name][last - 1].strip():
                last -= 1
            _move(edited, name, start, end, last)
    return edited


def renamed(tree: Tree) -> Tree:
    """Three modules renamed, one of them also given a comment line at its top."""
    edited = tree.copy()
    for old, new in RENAMES.items():
        edited.files[new] = edited.files.pop(old)
        edited.origins[new] = edited.origins.pop(old)
    edited.insert("shop/helpers.py", 0, ["# Renamed from shop/utils.py."])
    return edited


def _simple_lines(lines: list[str]) -> dict[int, ast.stmt]:
    """1-based line -> the one-line simple statement that is alone on it."""
    module = ast.parse("\n".join(lines))
    found: dict[int, ast.stmt] = {}
    crowded: set[int] = set()
    for node in ast.walk(module):
        if not isinstance(node, ast.stmt) or hasattr(node, "body") or _is_docstring(node):
            continue
        if node.lineno != node.end_lineno:
            continue
        if node.lineno in found:
            crowded.add(node.lineno)
        found[node.lineno] = node
    for node in ast.walk(module):  # `if x: y = 1`: the line is a header's too
        if isinstance(node, ast.stmt) and hasattr(node, "body") and node.lineno in found:
            crowded.add(node.lineno)
    return {line: node for line, node in found.items() if line not in crowded}


def _pick(
    tree: Tree, findings: list[Finding], accept: Callable[[str, ast.stmt], bool]
) -> list[tuple[str, int]]:
    """``PICKED`` flagged lines spread over the tools, each a one-line simple statement."""
    simple = {name: _simple_lines(lines) for name, lines in tree.files.items()}
    by_tool: dict[str, list[tuple[str, int]]] = {}
    for tool, _, path, line in sorted(set(findings)):
        node = simple.get(path, {}).get(line)
        if node is not None and accept(tree.files[path][line - 1], node):
            places = by_tool.setdefault(tool, [])
            if (path, line) not in places:
                places.append((path, line))
    picked: list[tuple[str, int]] = []
    tools = sorted(by_tool)
    while len(picked) < PICKED and any(by_tool.values()):
        for tool in tools:
            places = by_tool[tool]
            step = max(1, len(places) // PICKED)
            while places:
                place = places.pop(min(step, len(places)) - 1)
                if place not in picked:
                    picked.append(place)
                    break
    return sorted(picked[:PICKED])


def duplicated(tree: Tree, findings: list[Finding]) -> Tree:
    """Flagged one-line statements pasted again right below themselves."""
    edited = tree.copy()

    def pasteable(_: str, node: ast.stmt) -> bool:
        return not isinstance(node, ast.Return | ast.Raise | ast.Continue | ast.Break)

    for path, line in reversed(_pick(tree, findings, pasteable)):
        edited.insert(path, line, [tree.files[path][line - 1]])
    return edited


def _literal(text: str, node: ast.stmt) -> ast.Constant | None:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and child.end_lineno == child.lineno:
            value = child.value
            if (isinstance(value, str) and value and text[child.col_offset] in "'\"") or (
                isinstance(value, int) and not isinstance(value, bool) and text.isascii()
            ):
                return child
    return None


def edited_lines(tree: Tree, findings: list[Finding]) -> Tree:
    """Flagged one-line statements edited: a string literal gets `_v2` at its end, or a
    number grows by one."""
    edited = tree.copy()
    picked = _pick(tree, findings, lambda text, node: _literal(text, node) is not None)
    for path, line in picked:
        text = tree.files[path][line - 1]
        node = _literal(text, _simple_lines(tree.files[path])[line])
        assert node is not None
        start, end = node.col_offset, node.end_col_offset or 0
        if isinstance(node.value, str):
            changed = text[: end - 1] + "_v2" + text[end - 1 :]
        else:
            changed = text[:start] + str(int(node.value) + 1) + text[end:]
        edited.files[path][line - 1] = changed
        edited.origins[path][line - 1] = None
    return edited


# ---------------------------------------------------------------- reports and labels

Finding = tuple[str, str, str, int]  # tool, rule, path, line


def read_findings(case: str) -> list[Finding]:
    """The findings of a case's three reports, with repository-relative paths."""
    found: list[Finding] = []
    for item in json.loads(Path(str(REPORTS["ruff"]).format(case=case)).read_text()):
        path = item["filename"].removeprefix(FIXED_ROOT + "/")
        found.append(("ruff", item["code"] or item.get("name", ""), path, item["location"]["row"]))
    bandit = json.loads(Path(str(REPORTS["bandit"]).format(case=case)).read_text())
    for item in bandit["results"]:
        path = item["filename"].removeprefix("./")
        found.append(("bandit", item["test_id"], path, item["line_number"]))
    for text in Path(str(REPORTS["mypy"]).format(case=case)).read_text().splitlines():
        if text.strip().startswith("{"):
            item = json.loads(text)
            if item["severity"] == "error":
                found.append(("mypy", item["code"] or "blocking-error", item["file"], item["line"]))
    return sorted(found)


def edit(case: str, before: Tree, findings: list[Finding]) -> Tree:
    if case == "inserted":
        return inserted(before)
    if case == "moved":
        return moved(before)
    if case == "renamed":
        return renamed(before)
    if case == "duplicated":
        return duplicated(before, findings)
    return edited_lines(before, findings)


def formatted_origins(before: Tree, after_root: Path) -> dict[str, list[set[tuple[str, int]]]]:
    """For ruff format: each line after -> the lines before it may have come from."""
    result: dict[str, list[set[tuple[str, int]]]] = {}
    for name, old in before.files.items():
        new = (after_root / name).read_text(encoding="utf-8").split("\n")
        maps: list[set[tuple[str, int]]] = [set() for _ in new]
        pairs = zip(ast.walk(ast.parse("\n".join(old))), ast.walk(ast.parse("\n".join(new))))
        for a, b in pairs:
            assert type(a) is type(b), f"{name}: ruff format changed the tree"
            for attr in ("lineno", "end_lineno"):
                x, y = getattr(a, attr, None), getattr(b, attr, None)
                if isinstance(x, int) and isinstance(y, int):
                    maps[y - 1].add((name, x))
        stripped = difflib.SequenceMatcher(
            None, [line.strip() for line in old], [line.strip() for line in new], autojunk=False
        )
        for block in stripped.get_matching_blocks():
            for k in range(block.size):
                maps[block.b + k].add((name, block.a + k + 1))
        result[name] = maps
    return result


def labels(case: str, before: Tree, findings_before: list[Finding]) -> list[list[object]]:
    after_findings = read_findings(case)
    copies: dict[tuple[str, int], tuple[str, int]] = {}
    edited: set[tuple[str, int]] = set()
    if case in FORMATTED_CASES:
        origins = formatted_origins(before, PROJECT / case)
    else:
        tree = edit(case, before, findings_before)
        origins = {
            name: [{origin} if origin else set() for origin in lines]
            for name, lines in tree.origins.items()
        }
        if case == "duplicated":
            for name, lines in tree.origins.items():
                for index, origin in enumerate(lines):
                    if origin is None and index > 0 and lines[index - 1] is not None:
                        copies[(name, index + 1)] = lines[index - 1]  # pasted below its original
        if case == "edited":
            edited = {
                (name, index + 1)
                for name, lines in tree.origins.items()
                for index, origin in enumerate(lines)
                if origin is None
            }
    unused = list(findings_before)
    rows: list[list[object]] = []
    for tool, rule, path, line in after_findings:
        candidates = origins.get(path, [])
        sources = candidates[line - 1] if 0 < line <= len(candidates) else set()
        match = next(
            (f for f in unused if f[0] == tool and f[1] == rule and (f[2], f[3]) in sources), None
        )
        if match is not None:
            unused.remove(match)
            label = "unchanged"
        elif (path, line) in copies and (tool, rule, *copies[(path, line)]) in findings_before:
            label = "duplicate"
        elif (path, line) in edited:
            label = "edited"
        else:
            label = "new"
        rows.append([tool, rule, path, line, label])
    return rows


def main(phase: str) -> None:
    before = Tree.load(PROJECT / "before")
    findings = read_findings("before")
    if phase == "edits":
        for case in EDITED_CASES:
            edit(case, before, findings).write(PROJECT / case, PROJECT / "before")
        return
    folder = PROJECT / "expected"
    folder.mkdir(exist_ok=True)
    for case in CASES:
        rows = labels(case, before, findings)
        text = "[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n"
        (folder / f"{case}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
