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
  reads the same window), and the nearest line above it with any text (its
  *preceding* line): they tell identical lines apart;
* its **statement**, from Python's :mod:`ast`: the normalised text of the
  outermost statement that starts on the line, whole (a ``def`` line's is
  the whole function, an ``elif x: return y`` line's the whole ``elif``), or,
  on a line no statement starts on, of the innermost statement around it; a
  formatter that splits one line into five, or moves an inline body to a
  line of its own, keeps it;
* its **scope**: the qualified name of the innermost function or class around
  the line (``Cache.get``; ``""`` at module level), from the same tree.

A file that is not Python, or that does not parse, has no scopes and each
line is its own statement. Files are read once, bounded in size, never
through a link out of the repository.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    # the normalised text of each span asked for: a class's, for each finding on its line
    _texts: dict[tuple[int, int, int, int], str] = field(default_factory=dict)
    _lines: dict[int, str] = field(default_factory=dict)  # normalised lines, by index

    def _normalised(self, index: int) -> str:
        known = self._lines.get(index)
        if known is None:
            known = self._lines[index] = normalise(self.code[index])
        return known

    @property
    def length(self) -> int:
        return len(self.code)

    def text(self, line: int) -> str:
        """The normalised text of ``line`` (1-based)."""
        return self._normalised(line - 1).rstrip(",")

    def context(self, line: int) -> str:
        """The first :data:`CONTEXT_CHARS` normalised characters from ``line`` on."""
        parts: list[str] = []
        size = 0
        for index in range(line - 1, len(self.code)):
            part = self._normalised(index)
            parts.append(part)
            size += len(part)
            if size >= CONTEXT_CHARS:
                break
        return "".join(parts)[:CONTEXT_CHARS]

    def preceding(self, line: int) -> str:
        """The normalised text of the nearest line above ``line`` that has any."""
        for index in range(line - 2, -1, -1):
            part = self.text(index + 1)
            if part:
                return part
        return ""

    def scope(self, line: int) -> str:
        return self.scopes[line - 1]

    def statement(self, line: int) -> str:
        """The normalised text of the statement that holds ``line``."""
        span = self.statements[line - 1]
        known = self._texts.get(span)
        if known is not None:
            return known
        first, first_col, last, last_col = span
        if first == last:
            text = normalise(self.code[first - 1][first_col:last_col])
        else:
            pieces = [self.code[first - 1][first_col:]]
            pieces += self.code[first : last - 1]
            pieces.append(self.code[last - 1][:last_col])
            text = normalise("".join(pieces))
        self._texts[span] = text
        return text


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
    """Fill each line's statement and scope, outer first so that inner ones win.

    A line a statement starts on keeps the outermost one that starts there;
    any other line takes the innermost statement around it.
    """
    owners: dict[int, _Span] = {}
    _fill(
        tree.body,
        "",
        _Lines(None if all(map(str.isascii, lines)) else lines, statements, scopes, owners),
    )
    for line, span in owners.items():
        if line <= len(statements):
            statements[line - 1] = span


@dataclass(frozen=True, slots=True)
class _Lines:
    """What one walk of a tree fills in."""

    text: Sequence[str] | None  # None: every line is ASCII, so columns are ast's offsets
    statements: list[_Span]
    scopes: list[str]
    owners: dict[int, _Span]  # line -> the outermost statement that starts on it

    def statement(self, span: _Span) -> None:
        first, last = span[0], min(span[2], len(self.statements))
        self.owners.setdefault(first, span)
        if first <= last:
            self.statements[first - 1 : last] = [span] * (last - first + 1)

    def scope(self, first: int, last: int, name: str) -> None:
        last = min(last, len(self.scopes))
        if first <= last:
            self.scopes[first - 1 : last] = [name] * (last - first + 1)


_BODIES: Final = ("body", "handlers", "orelse", "finalbody")
_SCOPES: Final = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _fill(body: Sequence[ast.AST], outer: str, into: _Lines) -> None:
    """Each statement (decorator, ``except`` clause) of ``body`` and below, in pre-order."""
    for node in body:
        if not isinstance(node, ast.stmt | ast.excepthandler):
            continue
        for decorator in getattr(node, "decorator_list", ()):
            into.statement(_span(decorator, into.text))
        into.statement(_span(node, into.text))
        name = outer
        if isinstance(node, _SCOPES):
            name = f"{outer}.{node.name}" if outer else node.name
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            into.scope(first, node.end_lineno or node.lineno, name)
        for field_name in _BODIES:
            children = getattr(node, field_name, None)
            if children:
                _fill(children, name, into)
        for case in getattr(node, "cases", ()):
            _fill(case.body, name, into)


def _span(node: ast.stmt | ast.expr | ast.excepthandler, lines: Sequence[str] | None) -> _Span:
    last = node.end_lineno or node.lineno
    if lines is None:
        return (node.lineno, node.col_offset, last, node.end_col_offset or 0)
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
