"""pylint's ``duplicate-code`` (R0801) alone, as ``json2``: duplicated blocks, as findings.

The lint stage runs ``pylint --disable=all --enable=duplicate-code
--persistent=n --output-format=json2 PACKAGE``. Each ``duplicate-code``
message names every place of one duplicated block in its text::

    Similar lines in 2 files
    ==app.copy:[4:25]
    ==app.tangled:[4:25]
        total = 0
        ...

each place a module and pylint's ``[start:end]`` (0-based, end excluded: lines
``start + 1`` to ``end``). The message itself sits on whichever module pylint
checked last: its ``path`` and ``module`` give the folder module names start
from, and so each place's file (``app.copy`` -> ``app/copy.py``,
``app.__init__`` -> ``app/__init__.py``). Each message becomes one finding of
the rule ``duplicate-code`` (severity ``low``), at its first place's first
line and spanning the block there, its message naming every place by file
and lines. The block's **duplicated lines** are the lines of its places beyond
the first (``end - start`` each), the figure ``complexity.duplicated_lines``
sums (pylint 4 prints no figure of its own: its report's "nb duplicated lines"
stays 0). A message whose text has another shape is ``malformed-report``.

pylint reports a file it could not parse as a message of type ``error``
(``syntax-error``) and a path it could not find as ``fatal``: each is the
problem ``scan-errors`` (subject: the file), its duplicates unknown. Other
messages (a project's option pylint does not know) are neither.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from gates.model.reports import Duplicate, Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "RULE", "TOOL", "read"]

FORMAT: Final = "pylint-duplicate-code-json"
TOOL: Final = "pylint"
RULE: Final = "duplicate-code"
_FAILED: Final = ("error", "fatal")  # a tuple: `in` must not hash the value
_MAX_DIGITS: Final = 15


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read pylint's ``json2`` report of its ``duplicate-code`` check."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    relpath = functools.cache(context.relpath)
    doc.obj("statistics").count("modulesLinted")  # pylint's json2, not another JSON
    duplicates: list[Duplicate] = []
    problems: list[Problem] = []
    for index, item in enumerate(doc.array("messages")):
        message = Fields(item, path=blob.path, where=f"messages[{index}]")
        kind, symbol = message.text("type"), message.text("symbol")
        if kind in _FAILED:
            problems.append(_unread(blob.path, relpath(message.text("path")), message))
        elif symbol == RULE:
            duplicates.append(_duplicate(message, relpath, context.root))
    findings = [_finding(duplicate) for duplicate in duplicates]
    return ReportData(tool=TOOL, findings=findings, problems=problems, duplicates=duplicates)


def _duplicate(message: Fields, relpath: Callable[[str], str], context_root: str) -> Duplicate:
    text = message.text("message")
    places = [_place(message, line) for line in text.splitlines() if line.startswith("==")]
    head = text.partition("\n")[0]
    if len(places) < 2 or head != f"Similar lines in {len(places)} files":
        expected = '"Similar lines in N files" and N places "==module:[start:end]"'
        raise malformed(message.path, f"{message.where}.message", expected, text)
    root = _root(message, relpath(message.text("path")))
    named_modules = (message.text("module"), *(module for module, _, _ in places))
    files = [
        (f"{root}{_file(module, named_modules, Path(context_root, root))}", start, end)
        for module, start, end in places
    ]
    copies = sum(end - start for _, start, end in files[1:])
    named = tuple(f"{path}:{start + 1}-{end}" for path, start, end in files)
    path, start, end = files[0]
    return Duplicate(path, start + 1, end, copies, named)


def _file(module: str, named: Sequence[str], folder: Path) -> str:
    """The file of a place's module, from the folder module names start from.

    pylint names a package's ``__init__`` ``a.b.__init__``, but the package it
    was given on its command line by its bare name (``tenacity``): a bare
    name is a package when other modules of the message sit in it, or when
    its folder holds an ``__init__.py`` and there is no ``<name>.py``.
    """
    path = module.replace(".", "/")
    package = f"{path}/__init__.py"
    if any(other.startswith(f"{module}.") for other in named):
        return package
    if not (folder / f"{path}.py").is_file() and (folder / package).is_file():
        return package
    return f"{path}.py"


def _root(message: Fields, path: str) -> str:
    """The folder pylint's module names start from: the message's path minus its module's.

    Every ``duplicate-code`` message sits on one module (the last one pylint
    checked), whose file is ``path``; a place's module ``a.b`` is the file
    ``<root>a/b.py`` (a package's is ``a/__init__.py``: pylint names it ``a.__init__``).
    """
    module = message.text("module").replace(".", "/")
    for tail in (f"{module}.py", f"{module}/__init__.py"):
        if path == tail or path.endswith(f"/{tail}"):
            return path.removesuffix(tail)
    raise malformed(message.path, f"{message.where}.module", f"the module of {path}", module)


def _place(message: Fields, line: str) -> tuple[str, int, int]:
    """``==module:[start:end]`` -> (module, start, end)."""
    module, bracket, span = line.removeprefix("==").rpartition(":[")
    first, colon, stop = span.removesuffix("]").partition(":")
    if not (
        module
        and bracket
        and colon
        and span.endswith("]")
        and all(_digits(number) for number in (first, stop))
        and int(first) < int(stop)
    ):
        raise malformed(message.path, f"{message.where}.message", '"==module:[start:end]"', line)
    return module, int(first), int(stop)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS


def _finding(duplicate: Duplicate) -> Finding:
    places = ", ".join(duplicate.places)
    message = (
        f"{duplicate.end - duplicate.line + 1} lines duplicated in "
        f"{len(duplicate.places)} places: {places}"
    )
    return Finding(TOOL, RULE, Severity.LOW, duplicate.path, duplicate.line, message, duplicate.end)


def _unread(path: str, file: str, message: Fields) -> Problem:
    return Problem(
        slug="scan-errors",
        path=path,
        message=f"pylint could not read {file}: {message.text('message')}; its duplicated "
        "blocks are unknown",
        hint="fix the file so that it parses (or the path the lint stage passes to pylint), "
        "and rerun the lint stage",
        subject=file,
    )
