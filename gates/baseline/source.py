"""A source file as a finding's identity reads it: normalised lines, statements, scopes.

A finding's line number changes with every line inserted above it; its text
changes when a formatter rewraps it. What this module gives a finding instead:

* the **text** of its line, *normalised*: comments dropped, then every
  whitespace character, every parenthesis and backslash, the trailing comma
  of the line, empty string pairs (``"a" "b"`` joined as ``"ab"``), and the
  case of letters; single quotes read as double quotes. What ``ruff format``
  or ``black`` changes (quotes, spacing, wrapping, magic trailing commas,
  redundant parentheses, ``0XFF``) does not change the text;
* its **context**: the first :data:`CONTEXT_CHARS` characters of normalised
  text from that line on (GitHub code scanning's ``primaryLocationLineHash``
  reads the same window), and the last ones before it (its *preceding*
  text): they tell identical lines apart;
* its **statement**: the normalised text of the whole statement holding the
  line (a compound statement's header only, ``def f(a, b):``), from
  Python's :mod:`ast`; a formatter that splits one line into five keeps it;
* its **scope**: the qualified name of the innermost function or class around
  the line (``Cache.get``; ``""`` at module level), from the same tree.

A file that is not Python, or that does not parse, has no scopes and each
line is its own statement. Files are read once, bounded in size, never
through a link out of the repository.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["CONTEXT_CHARS", "SourceFile", "normalise", "parse_source"]

CONTEXT_CHARS: Final = 100
_SPECIAL: Final = re.compile(r"[#'\"\\\n]")
_SPACE: Final = dict.fromkeys(map(ord, " \t\n\r\f\v\\"))
_PARENS: Final = dict.fromkeys(map(ord, "()"))
_CLOSING_COMMA: Final = re.compile(r",(?=[\])}])")
_UNICODE_PREFIX: Final = re.compile(r"(?<![\w\"])u(?=\")")
_PYTHON_SUFFIXES: Final = (".py", ".pyi")


def normalise(code: str) -> str:
    """Code without what a formatter changes: see the module docstring."""
    text = code.replace("'", '"').translate(_SPACE)
    text = _CLOSING_COMMA.sub("", text).translate(_PARENS).lower()
    return _UNICODE_PREFIX.sub("", text).replace('""', "")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file's lines, normalised, with the statement and scope of each."""

    code: Sequence[str]  # each physical line without its comment (Python) or as it is
    scopes: Sequence[str]  # per line: the innermost function or class, "" at module level
    statements: Sequence[tuple[int, int, int, int]]  # per line: the span of its statement

    @property
    def length(self) -> int:
        return len(self.code)

    def text(self, line: int) -> str:
        """The normalised text of ``line`` (1-based)."""
        return normalise(self.code[line - 1]).rstrip(",")

    def context(self, line: int) -> str:
        """The first :data:`CONTEXT_CHARS` normalised characters from ``line`` on."""
        parts: list[str] = []
        size = 0
        for index in range(line - 1, len(self.code)):
            part = normalise(self.code[index])
            parts.append(part)
            size += len(part)
            if size >= CONTEXT_CHARS:
                break
        return "".join(parts)[:CONTEXT_CHARS]

    def preceding(self, line: int) -> str:
        """The last :data:`CONTEXT_CHARS` normalised characters before ``line``."""
        parts: list[str] = []
        size = 0
        for index in range(line - 2, -1, -1):
            part = normalise(self.code[index])
            parts.append(part)
            size += len(part)
            if size >= CONTEXT_CHARS:
                break
        text = "".join(reversed(parts))
        return text[len(text) - CONTEXT_CHARS :] if len(text) > CONTEXT_CHARS else text

    def scope(self, line: int) -> str:
        return self.scopes[line - 1]

    def statement(self, line: int) -> str:
        """The normalised text of the statement that holds ``line``."""
        first, first_col, last, last_col = self.statements[line - 1]
        if first == last:
            return normalise(self.code[first - 1][first_col:last_col])
        pieces = [self.code[first - 1][first_col:]]
        pieces += self.code[first : last - 1]
        pieces.append(self.code[last - 1][:last_col])
        return normalise("".join(pieces))


def parse_source(text: str, *, path: str) -> SourceFile:
    """``text``, the content of the file at ``path``, read for identities."""
    python = path.endswith(_PYTHON_SUFFIXES)
    code = _without_comments(text) if python else text.split("\n")
    lines = text.split("\n")
    statements = [(n, 0, n, len(line)) for n, line in enumerate(code, start=1)]
    scopes = [""] * len(code)
    tree = _parse(text) if python else None
    if tree is not None:
        _read_tree(tree, lines, statements, scopes)
    return SourceFile(code=code, scopes=scopes, statements=statements)


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# ---------------------------------------------------------------- comments


def _without_comments(text: str) -> list[str]:
    """Each line of Python ``text`` with its comment cut off (``#`` outside a string).

    A small scanner over the characters that matter (``#``, quotes,
    backslashes, line ends), so strings hold ``#`` and triple-quoted strings
    span lines; unterminated strings end at the line's end, as a tokenizer
    that recovers would.
    """
    lines = text.split("\n")
    cuts: dict[int, int] = {}  # line index -> column where its comment starts
    line = 0
    line_start = 0
    quote = ""  # the open string's delimiter: ', ", ''' or """
    skip_to = -1
    for match in _SPECIAL.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        char = match.group()
        if char == "\n":
            line += 1
            line_start = at + 1
            if len(quote) == 1:  # a string left open at a line end
                quote = ""
        elif char == "\\":
            skip_to = at + 2
            if text.startswith("\n", at + 1):  # a continued line (in a string or not)
                line += 1
                line_start = at + 2
        elif quote:
            if text.startswith(quote, at):
                skip_to = at + len(quote)
                quote = ""
        elif char == "#":
            cuts[line] = at - line_start
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
        else:
            quote = char * 3 if text.startswith(char * 3, at) else char
            skip_to = at + len(quote)
    for index, column in cuts.items():
        lines[index] = lines[index][:column]
    return lines


# ---------------------------------------------------------------- statements and scopes


_Span = tuple[int, int, int, int]


def _read_tree(
    tree: ast.Module, lines: Sequence[str], statements: list[_Span], scopes: list[str]
) -> None:
    """Fill each line's statement and scope, outer first so that inner ones win."""
    for span in _statement_spans(tree.body, lines):
        for number in range(span[0], min(span[2], len(statements)) + 1):
            statements[number - 1] = span
    for first, last, name in _scopes(tree.body, ""):
        for number in range(first, min(last, len(scopes)) + 1):
            scopes[number - 1] = name


def _statement_spans(body: Sequence[ast.AST], lines: Sequence[str]) -> Iterator[_Span]:
    """The span of each statement in pre-order: a compound statement's header only."""
    for node in body:
        if not isinstance(node, ast.stmt | ast.excepthandler):
            continue
        for decorator in getattr(node, "decorator_list", ()):
            yield _span(decorator, lines)
        children = _children(node)
        first = _first_child(node)
        if first is None:
            yield _span(node, lines)
        else:
            start = _span(node, lines)
            end_col = _column(lines, first.lineno, first.col_offset)
            if (first.lineno, end_col) > (start[0], start[1]):
                yield (start[0], start[1], first.lineno, end_col)
        yield from _statement_spans(children, lines)


def _children(node: ast.AST) -> list[ast.AST]:
    found: list[ast.AST] = []
    for field in ("body", "handlers", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list):
            found.extend(value)
    for case in getattr(node, "cases", ()):
        found.extend(case.body)
    return found


def _first_child(node: ast.AST) -> ast.expr | ast.stmt | ast.pattern | None:
    """Where a compound statement's header ends: at its first statement (or case)."""
    cases = getattr(node, "cases", None)
    if cases:
        pattern: ast.pattern = cases[0].pattern
        return pattern
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        first: ast.stmt = body[0]
        return first
    return None


def _span(node: ast.stmt | ast.expr | ast.excepthandler, lines: Sequence[str]) -> _Span:
    last = node.end_lineno or node.lineno
    return (
        node.lineno,
        _column(lines, node.lineno, node.col_offset),
        last,
        _column(lines, last, node.end_col_offset or 0),
    )


def _column(lines: Sequence[str], line: int, offset: int) -> int:
    """A column in characters, from :mod:`ast`'s offset in UTF-8 bytes."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if text.isascii():
        return offset
    return len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))


def _scopes(body: Sequence[ast.AST], outer: str) -> Iterator[tuple[int, int, str]]:
    """``(first line, last line, qualified name)`` of every function and class, outer first."""
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{outer}.{node.name}" if outer else node.name
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield first, node.end_lineno or node.lineno, name
            yield from _scopes(node.body, name)
        elif isinstance(node, ast.stmt | ast.excepthandler):
            yield from _scopes(_children(node), outer)
