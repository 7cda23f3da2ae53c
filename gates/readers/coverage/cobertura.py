"""Cobertura XML as coverage.py writes it (``coverage xml``, ``pytest --cov-report=xml``).

Each ``<class filename=...>`` is one file; its ``<line hits=...>`` elements
give executed (hits > 0) and missing lines. Cobertura has no branch arcs, only
``condition-coverage="50% (1/2)"`` per line: the reader encodes a line with
``k`` of ``n`` branches taken as the synthetic arcs ``(line, -1) .. (line, -n)``,
the first ``k`` executed (see :class:`gates.model.FileCoverage`).

Paths: ``filename`` is relative to one of the ``<source>`` directories. With
one source (or ``relative_files``, where it is empty) the path is that source
joined with the filename. With several, coverage.py does not say which one: the
reader picks the source under which the file exists in the repository, and
reports ``ambiguous-path`` when that is not exactly one.

Completeness: ``Count.STATEMENTS_MEASURED`` is the number of ``<line>``
elements; zero is ``no-statements`` (coverage.py writes ``line-rate="1"`` for
it). ``lines-valid`` must match the lines read; with several sources a
mismatch is ``colliding-paths`` (coverage.py keeps one of two files whose
names relative to different sources are equal, e.g. two ``__init__.py``),
otherwise the report is truncated or edited (``malformed-report``).
"""

from __future__ import annotations

import math
import posixpath
from typing import Final
from xml.etree.ElementTree import Element

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import CoverageData, FileCoverage, Problem, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, parse_xml
from gates.untrusted.safetext import decimal, is_file, named, parse_float, shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "cobertura-xml"
TOOL: Final = "coverage"

_BYTES_PER_ARC: Final = 4  # a real report spends ~50 bytes on each branch (see _Arcs)
_MAX_SOURCES: Final = 16  # a file is looked up under each <source>: more is refused as ambiguous
Arc = tuple[int, int]
_REGENERATE: Final = "rerun the stage that measures coverage (e.g. `nox -s unit`)"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The coverage of one stage, and how many statements it measured."""
    root = parse_xml(blob)
    if root.tag != "coverage":
        raise _malformed(blob.path, f"the root element is <{root.tag[:60]}>, not <coverage>")
    sources = [(source.text or "").strip() for source in root.iterfind("sources/source")]
    resolver = _Paths(sources, context)
    files = _files(root, blob.path, resolver, _Arcs(blob))
    statements = sum(len(item.executed) + len(item.missing) for item in files)
    problems = [*resolver.problems(blob.path), *_check_totals(root, blob.path, statements, sources)]
    if not statements:
        problems.append(_no_statements(blob.path))
    return ReportData(
        tool=TOOL,
        coverage=CoverageData(files=files, branch=_has_branches(root, blob.path, files)),
        counts={Count.STATEMENTS_MEASURED: statements},
        problems=problems,
    )


class _Arcs:
    """The synthetic branch arcs of one report, bounded by the report's own size.

    ``condition-coverage="0% (0/1000000000)"`` declares a billion branches in
    a few bytes. coverage.py writes each branch's destination as a ``<line>`` of
    its own, so a real report spends far more than :data:`_BYTES_PER_ARC` bytes
    on each branch; a report that declares more branches than that is refused
    before any arc is made.
    """

    def __init__(self, blob: Blob) -> None:
        self._path = blob.path
        self._left = len(blob.data) // _BYTES_PER_ARC

    def make(self, number: int, covered: int, total: int) -> tuple[list[Arc], list[Arc]]:
        """The arcs ``(number, -1) .. (number, -total)``: the first ``covered`` taken."""
        self._left -= total
        if self._left < 0:
            raise _malformed(
                self._path,
                f"a <line> declares {total:,} branches: more than the whole report could "
                "describe, so it is corrupt or hostile",
            )
        arcs = [(number, -k) for k in range(1, total + 1)]
        return arcs[:covered], arcs[covered:]


def _files(root: Element, path: str, resolver: _Paths, arcs: _Arcs) -> list[FileCoverage]:
    files: dict[str, FileCoverage] = {}
    for element in root.iterfind("packages/package/classes/class"):
        filename = element.get("filename")
        if not filename:
            raise _malformed(path, "a <class> has no `filename`")
        name = resolver.resolve(filename)
        if name in files:
            raise _malformed(path, f"{named(name)} appears in two <class> elements")
        files[name] = _lines(element, name, path, arcs)
    return list(files.values())


def _lines(element: Element, name: str, path: str, arcs: _Arcs) -> FileCoverage:
    executed: list[int] = []
    missing: list[int] = []
    taken: list[Arc] = []
    not_taken: list[Arc] = []
    for line in element.iterfind("lines/line"):
        attrib = line.attrib
        number, hits = decimal(attrib.get("number", "")), decimal(attrib.get("hits", ""))
        if number is None or hits is None:
            raise _malformed(
                path, f"a <line> of {named(name)} does not have `number` and `hits` counts"
            )
        (executed if hits else missing).append(number)
        if attrib.get("branch") == "true":
            covered, total = _conditions(attrib.get("condition-coverage", ""), name, path)
            hit, missed = arcs.make(number, covered, total)
            taken += hit
            not_taken += missed
    return FileCoverage(name, executed, missing, taken, not_taken)


def _conditions(text: str, name: str, path: str) -> tuple[int, int]:
    """``"50% (1/2)"`` -> ``(1, 2)``."""
    head, _, tail = text.rpartition("(")
    covered, slash, total = tail.removesuffix(")").partition("/")
    found = (decimal(covered), decimal(total))
    if not (head and slash and tail.endswith(")")) or None in found:
        raise _malformed(path, f"a <line> of {named(name)} has condition-coverage {shown(text)}")
    low, high = found
    assert low is not None and high is not None  # noqa: S101 - checked just above, for mypy
    if low > high:
        raise _malformed(path, f"a <line> of {named(name)} has condition-coverage {shown(text)}")
    return low, high


class _Paths:
    """Turns ``<class filename>`` into a repository-relative path."""

    def __init__(self, sources: list[str], context: ReadContext) -> None:
        self._sources = sources
        self._context = context
        self._unresolved: list[str] = []

    def resolve(self, filename: str) -> str:
        relpath = self._context.relpath
        if len(self._sources) <= 1:
            source = self._sources[0] if self._sources else ""
            return relpath(posixpath.join(source, filename) if source else filename)
        if len(self._sources) <= _MAX_SOURCES:
            candidates = [relpath(posixpath.join(source, filename)) for source in self._sources]
            present = [name for name in candidates if self._exists(name)]
            if len(present) == 1:
                return present[0]
        self._unresolved.append(filename)
        return relpath(posixpath.join(self._sources[0], filename))

    def _exists(self, name: str) -> bool:
        # an absolute name replaces the root; a name the system refuses is no file
        return is_file(posixpath.join(self._context.root, name))

    def problems(self, path: str) -> list[Problem]:
        if not self._unresolved:
            return []
        listed = ", ".join(named(name, 80) for name in self._unresolved[:5])
        many = (
            f" (the report lists {len(self._sources)} <source> directories; gates looks a "
            f"file up under at most {_MAX_SOURCES})"
            if len(self._sources) > _MAX_SOURCES
            else ""
        )
        return [
            Problem(
                slug="ambiguous-path",
                path=path,
                message=f"{len(self._unresolved)} file(s) could be under more than one <source> "
                f"or none of them{many}: {listed}",
                hint="read coverage from `coverage json` (repository-relative paths), or "
                "measure with a single `[run] source`",
            )
        ]


def _check_totals(root: Element, path: str, statements: int, sources: list[str]) -> list[Problem]:
    _finite(root, "line-rate", path)
    _finite(root, "branch-rate", path)
    declared = _integer(root, "lines-valid", path)
    if declared is None or declared == statements:
        return []
    message = f"`lines-valid` is {declared} but the <class> elements hold {statements} lines"
    if len(sources) <= 1:
        raise _malformed(path, f"{message}: the report is truncated or edited")
    return [
        Problem(
            slug="colliding-paths",
            path=path,
            message=f"{message}: coverage.py dropped files whose names collide across "
            f"the {len(sources)} <source> directories (e.g. two `__init__.py`)",
            hint="read coverage from `coverage json`, or measure with a single `[run] source`",
        )
    ]


def _has_branches(root: Element, path: str, files: list[FileCoverage]) -> bool:
    """coverage.py writes ``branches-valid="0" branch-rate="0"`` without --branch."""
    declared = bool(_integer(root, "branches-valid", path)) or root.get("branch-rate", "0") != "0"
    return declared or any(item.executed_branches or item.missing_branches for item in files)


def _integer(root: Element, key: str, path: str) -> int | None:
    text = root.get(key)
    if text is None:
        return None
    value = decimal(text)
    if value is None:
        raise _malformed(path, f"`{key}` is {shown(text)}, not a count")
    return value


def _finite(root: Element, key: str, path: str) -> None:
    text = root.get(key)
    if text is None:
        return
    value = parse_float(text)
    if value is None:
        raise _malformed(path, f"`{key}` is {shown(text)}, not a number")
    if not math.isfinite(value):
        raise EvidenceError(
            f"`{key}` is not a finite number ({shown(text)})",
            slug="non-finite",
            path=path,
            hint="the tool measured nothing usable; " + _REGENERATE,
        )


def _malformed(path: str, message: str) -> EvidenceError:
    return EvidenceError(
        message,
        slug="malformed-report",
        path=path,
        hint="the report is not coverage.py's Cobertura XML; " + _REGENERATE,
    )


def _no_statements(path: str) -> Problem:
    return Problem(
        slug="no-statements",
        path=path,
        message="coverage measured 0 statements: wrong --source/--cov target, or tests imported nothing",
        hint="check `[tool.coverage.run] source` (or `--cov=`) names your package, then "
        + _REGENERATE,
    )
