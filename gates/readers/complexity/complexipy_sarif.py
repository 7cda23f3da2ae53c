"""complexipy's SARIF: the cognitive complexity of every function, as findings above 15.

The lint stage runs ``complexipy PACKAGE --isolated --quiet --ignore-complexity
--max-complexity-allowed 0 --output-format sarif --output complexipy.sarif``:
with a threshold of 0, every function whose cognitive complexity is 1 or more
is a result, with its lines (``region.startLine``-``endLine``, the ``def`` to
its last line) and its name (``logicalLocations[0].name``: ``Router::route``
for a method, read as ``Router.route``; a nested function counts in its
outer one). complexipy's JSON output has no line numbers, so the SARIF is
the report; the figure is in the result's message, ``Function 'NAME' has a
cognitive complexity of N, which exceeds ...``, read as written (a message
of another shape is ``malformed-report``: another complexipy, not a guess).

Every function above 15 (:data:`MOST`, complexipy's default) becomes a
finding of the rule ``cognitive``, at its ``def`` line and spanning its body,
so ``changed = true`` and ``new = true`` work as for radon's ``CC``.
Severity (docs/severity.md): 16-25 ``low``, 26-50 ``medium``, above ``high``.
The figures of every function are kept for ``complexity.cognitive_*``.

complexipy exits 1 when a file does not parse and leaves the file out of its
report: the exit code (gates/catalog/tools.py) is what blocks then. A report
with no result at all is the problem ``no-files-checked``: a wrong path,
every file excluded, or a package without a single branch, which nothing
tells apart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final

from gates.model.reports import Block, ComplexityData, Finding, Problem, ReportData, Severity
from gates.readers.findings.sarif_result import repository_path
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "MOST", "RULE", "TOOL", "read", "severity_of"]

FORMAT: Final = "complexipy-sarif"
TOOL: Final = "complexipy"
RULE: Final = "cognitive"
MOST: Final = 15  # the highest cognitive complexity that is not a finding
_FIGURE: Final = " has a cognitive complexity of "
_MAX_DIGITS: Final = 15


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read complexipy's SARIF log."""
    log = Fields(parse_json(blob).value, path=blob.path, where="")
    if log.raw("version") != "2.1.0":
        raise malformed(blob.path, "version", 'SARIF "2.1.0"', log.raw("version"))
    runs = log.array("runs")
    if not runs:
        raise malformed(blob.path, "runs", "a list of one run or more", runs)
    relpath = functools.cache(lambda uri: repository_path(uri, context))
    measured: list[Block] = []
    for index, item in enumerate(runs):
        run = Fields(item, path=blob.path, where=f"runs[{index}]")
        name = run.obj("tool").obj("driver").text("name")
        if name != TOOL:
            raise malformed(blob.path, f"{run.where}.tool.driver.name", '"complexipy"', name)
        for number, result in enumerate(run.array("results")):
            where = f"{run.where}.results[{number}]"
            measured.append(_block(Fields(result, path=blob.path, where=where), relpath))
    problems = [] if measured else [_nothing(blob.path)]
    findings = [_finding(block) for block in measured if block.complexity > MOST]
    files = len({block.path for block in measured})
    cognitive = ComplexityData(blocks=measured, files=files)
    return ReportData(tool=TOOL, findings=findings, problems=problems, cognitive=cognitive)


def _block(result: Fields, relpath: Callable[[str], str]) -> Block:
    locations = result.array("locations")
    if len(locations) != 1:
        raise malformed(result.path, f"{result.where}.locations", "one location", locations)
    location = Fields(locations[0], path=result.path, where=f"{result.where}.locations[0]")
    physical = location.obj("physicalLocation")
    uri = physical.obj("artifactLocation").text("uri")
    region = physical.obj("region")
    line = region.count("startLine")
    end = max(region.count("endLine", line), line)
    logical = location.array("logicalLocations")
    if not logical:
        raise malformed(result.path, f"{location.where}.logicalLocations", "a function", logical)
    name = Fields(logical[0], path=result.path, where=f"{location.where}.logicalLocations[0]")
    function = name.text("name")
    complexity = _figure(result, function)
    return Block(relpath(uri), function.replace("::", "."), line, end, complexity, function=True)


def _figure(result: Fields, function: str) -> int:
    """N in ``Function 'NAME' has a cognitive complexity of N, which exceeds ...``."""
    text = result.obj("message").text("text")
    head = f"Function '{function}'{_FIGURE}"
    number, comma, _ = text.removeprefix(head).partition(",")
    if (
        not text.startswith(head)
        or not comma
        or not number.isascii()
        or not number.isdigit()
        or len(number) > _MAX_DIGITS
    ):
        expected = f"\"Function '<name>'{_FIGURE}<N>, ...\""
        raise malformed(result.path, f"{result.where}.message.text", expected, text)
    return int(number)


def _finding(block: Block) -> Finding:
    message = (
        f"`{block.name}` has cognitive complexity {block.complexity} (at most {MOST}; complexipy)"
    )
    return Finding(
        TOOL, RULE, severity_of(block.complexity), block.path, block.line, message, block.end
    )


def severity_of(complexity: int) -> Severity:
    """16-25 low, 26-50 medium, above 50 high."""
    if complexity <= 25:
        return Severity.LOW
    return Severity.MEDIUM if complexity <= 50 else Severity.HIGH


def _nothing(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} reported no function: a wrong path, every file excluded, or not one "
        "branch in the package",
        hint="check the package the lint stage passes to complexipy, and its exclusions",
        subject=TOOL,
    )
