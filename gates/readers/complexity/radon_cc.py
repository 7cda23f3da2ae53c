"""``radon cc --json --show-closures PACKAGE``: cyclomatic complexity per function, as findings.

radon maps each file to the list of its blocks (functions, methods, closures
flattened as ``outer.inner``, and classes, whose figure sums their methods'),
each with its ``complexity``, its ``rank`` (A 1-5, B 6-10, C 11-20, D 21-30,
E 31-40, F 41 and more) and its lines ``lineno``-``endline``. Every function
or method of rank C or worse (complexity above 10) becomes a finding of the
rule ``CC``, at its ``def`` line and spanning its body, so a ``changed = true``
gate counts the functions whose lines the change touched, and ``new = true``
those absent from the baseline (the identity is the function's own ``def``
line, not its number). Severity (docs/severity.md): C ``low``, D ``medium``,
E and F ``high``. Classes are not findings: their methods are.

radon exits 0 whatever it could not read, so the report itself is checked:

* a file mapped to ``{"error": ...}`` (it does not parse) is the problem
  ``scan-errors``, whose subject is the file: its functions were not measured;
* a report with no file (``{}``: a wrong path, everything excluded) is the
  problem ``no-files-checked``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final

from gates.model.reports import Block, ComplexityData, Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "MOST", "SEVERITIES", "TOOL", "no_files", "rank_of", "read", "scan_error"]

FORMAT: Final = "radon-cc-json"
TOOL: Final = "radon"
RULE: Final = "CC"
MOST: Final = 10  # the highest complexity that is not a finding: the top of rank B

SEVERITIES: Final[Mapping[str, Severity]] = {
    "C": Severity.LOW,
    "D": Severity.MEDIUM,
    "E": Severity.HIGH,
    "F": Severity.HIGH,
}
_KINDS: Final = frozenset({"function", "method", "class"})


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a ``radon cc --json`` report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    relpath = functools.cache(context.relpath)
    measured: list[Block] = []
    problems: list[Problem] = []
    files = 0
    for name, blocks in doc.items():
        file = relpath(name)
        if isinstance(blocks, dict):
            error = Fields(blocks, path=blob.path, where=name).text("error")
            problems.append(scan_error(blob.path, file, error))
        elif isinstance(blocks, list):
            measured += _blocks(blocks, file, where=name, path=blob.path)
            files += 1
        else:
            raise malformed(blob.path, name, "a list of blocks or an error", blocks)
    if not files and not problems:
        problems.append(no_files(blob.path))
    findings = [_finding(block) for block in measured if block.function and block.complexity > MOST]
    complexity = ComplexityData(blocks=measured, files=files)
    return ReportData(tool=TOOL, findings=findings, problems=problems, complexity=complexity)


def _blocks(blocks: list[object], file: str, *, where: str, path: str) -> list[Block]:
    measured: list[Block] = []
    for index, item in enumerate(blocks):
        block = Fields(item, path=path, where=f"{where}[{index}]")
        kind = block.text("type")
        if kind not in _KINDS:
            raise malformed(path, f"{block.where}.type", "function, method or class", kind)
        complexity = block.count("complexity")
        line = block.count("lineno")
        end = max(block.count("endline"), line)
        measured.append(Block(file, _name(block), line, end, complexity, kind != "class"))
    return measured


def _finding(block: Block) -> Finding:
    rank = rank_of(block.complexity)
    message = (
        f"`{block.name}` has cyclomatic complexity {block.complexity} (rank {rank}; at most {MOST})"
    )
    return Finding(TOOL, RULE, SEVERITIES[rank], block.path, block.line, message, block.end)


def _name(block: Fields) -> str:
    name = block.text("name")
    owner = block.opt_text("classname")
    return f"{owner}.{name}" if owner else name


def rank_of(complexity: int) -> str:
    """radon's rank of a complexity (``cc_rank``): A 1-5, B 6-10, C 11-20, D 21-30, E 31-40, F 41+."""
    for rank, top in (("A", 5), ("B", 10), ("C", 20), ("D", 30), ("E", 40)):
        if complexity <= top:
            return rank
    return "F"


def scan_error(path: str, file: str, reason: str) -> Problem:
    return Problem(
        slug="scan-errors",
        path=path,
        message=f"radon could not measure {file}: {reason}; its complexity is unknown",
        hint="fix the file so that it parses, and rerun the lint stage",
        subject=file,
    )


def no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} measured 0 files: wrong path or every file excluded",
        hint="check the package the lint stage passes to radon, and radon's exclusions",
        subject=TOOL,
    )
