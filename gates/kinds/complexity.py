"""``complexity.*``: radon's and complexipy's figures per function, from the findings evidence (pure).

radon's report (readers/complexity/radon_cc.py) is findings evidence, so the
``findings`` gates see the functions above 10 (and ``new``/``changed`` work on
them); the same report carries radon's figure for every block, and these
metrics read it, from the radon reports the judge selected for the gate:

* ``complexity.max_changed``: the highest complexity of the functions whose
  lines (``def`` to last line) the change touched; a new file touches all of
  its functions. The changed lines are ``gates check``'s, against the policy's
  ``base``: when git cannot tell (no merge base), or nobody worked them out,
  the gate is :class:`Unmeasured` with that problem and blocks.
  0 when the change touches no function;
* ``complexity.max``: the highest complexity of any function or method;
* ``complexity.average``: the average of every block radon measured, classes
  included, as ``radon cc -a`` computes it (radon's own figure);
* ``complexity.mi_min``: the lowest maintainability index (``radon mi``) of
  any file, from the ``radon-mi-json`` reports;
* ``complexity.cognitive_max_changed`` and ``complexity.cognitive_max``: the
  same as ``max_changed`` and ``max`` with complexipy's cognitive complexity
  per function (readers/complexity/complexipy_sarif.py), from its reports;
* ``complexity.duplicated_lines``: the lines of the copies of every block
  pylint's ``duplicate-code`` found duplicated (readers/complexity/pylint_duplicates.py).

The figures are radon's; a file radon could not parse is a problem of the
report (``scan-errors``), and no radon report among the gate's is
``missing-evidence``: never a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from typing import Final

from gates.baseline.marks import not_marked, touches
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import MAX_OFFENDERS
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement, NotApplicable, Unmeasured
from gates.model.reports import Block, Problem
from gates.model.stage import LoadedReport, Marks
from gates.model.verdict import Offender
from gates.policy.load import GateSpec

__all__ = ["METRICS", "measure"]

METRICS: Final = frozenset(
    {
        "complexity.max_changed",
        "complexity.max",
        "complexity.average",
        "complexity.mi_min",
        "complexity.cognitive_max_changed",
        "complexity.cognitive_max",
        "complexity.duplicated_lines",
    }
)
_COGNITIVE: Final = frozenset({"complexity.cognitive_max_changed", "complexity.cognitive_max"})


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's complexity figure, from the radon reports among ``reports``."""
    name = gate.metric.name
    if name == "complexity.mi_min":
        return _maintainability(gate, reports)
    if name == "complexity.duplicated_lines":
        return _duplicated(gate, reports)
    if name in _COGNITIVE:
        data = [r.data.cognitive for r in reports if r.data.cognitive is not None]
        problem = _no_complexipy(gate.name)
    else:
        data = [r.data.complexity for r in reports if r.data.complexity is not None]
        problem = _no_radon(gate.name, "cc")
    if not data:
        return Unmeasured(problems=(problem,), summary="no complexity evidence")
    paths = gate.paths
    blocks = [
        block
        for report in data
        for block in report.blocks
        if not paths or any(fnmatchcase(block.path, pattern) for pattern in paths)
    ]
    files = sum(report.files for report in data)
    if name == "complexity.average":
        return _average(blocks, files)
    functions = [block for block in blocks if block.function]
    figure = "cognitive complexity" if name in _COGNITIVE else "cyclomatic complexity"
    if name in {"complexity.max", "complexity.cognitive_max"}:
        return _highest(functions, f"of {count(len(functions), 'function')}", figure)
    return _changed(functions, context.evidence.marks, figure)


def _maintainability(gate: GateSpec, reports: Sequence[LoadedReport]) -> Measurement:
    data = [r.data.maintainability for r in reports if r.data.maintainability is not None]
    if not data:
        return Unmeasured(
            problems=(_no_radon(gate.name, "mi"),), summary="no maintainability index"
        )
    paths = gate.paths
    files = sorted(
        (index, path)
        for report in data
        for path, index in report.files.items()
        if not paths or any(fnmatchcase(path, pattern) for pattern in paths)
    )
    if not files:
        return NotApplicable(reason="not applicable: radon measured no file the gate's paths match")
    offenders = tuple(
        Offender(path=path, line=0, label="maintainability", detail=f"index {index:.2f}")
        for index, path in files[:MAX_OFFENDERS]
    )
    index, path = files[0]
    return Measured(
        value=index,
        summary=f"{path}, the lowest of {count(len(files), 'file')}",
        offenders=offenders,
        offenders_total=len(files),
    )


def _duplicated(gate: GateSpec, reports: Sequence[LoadedReport]) -> Measurement:
    data = [r.data.duplicates for r in reports if r.data.duplicates is not None]
    if not data:
        return Unmeasured(problems=(_no_pylint(gate.name),), summary="no duplicated-code evidence")
    paths = gate.paths
    blocks = sorted(
        (block for report in data for block in report),
        key=lambda b: (-b.lines, b.path, b.line),
    )
    blocks = [b for b in blocks if not paths or any(fnmatchcase(b.path, p) for p in paths)]
    offenders = tuple(
        Offender(
            path=block.path,
            line=block.line,
            label="duplicate-code",
            detail=f"{count(block.lines, 'line')} copied: {', '.join(block.places)}",
        )
        for block in blocks[:MAX_OFFENDERS]
    )
    lines = sum(block.lines for block in blocks)
    return Measured(
        value=float(lines),
        summary=f"{count(lines, 'line')} in the copies of {count(len(blocks), 'duplicated block')}",
        offenders=offenders,
        offenders_total=len(blocks),
    )


def _average(blocks: Sequence[Block], files: int) -> Measured:
    if not blocks:
        return Measured(value=0.0, summary=f"no block in {count(files, 'file')}")
    average = sum(block.complexity for block in blocks) / len(blocks)
    return Measured(
        value=average,
        summary=f"average of {count(len(blocks), 'block')} (classes, functions, methods) "
        f"in {count(files, 'file')}",
    )


def _highest(functions: Iterable[Block], what: str, figure: str) -> Measured:
    ordered = sorted(functions, key=lambda b: (-b.complexity, b.path, b.line))
    if not ordered:
        return Measured(value=0.0, summary=f"no function ({what.removeprefix('of ')})")
    offenders = tuple(
        Offender(
            path=block.path,
            line=block.line,
            label=block.name,
            detail=f"{figure} {block.complexity}",
        )
        for block in ordered[:MAX_OFFENDERS]
    )
    top = ordered[0]
    return Measured(
        value=float(top.complexity),
        summary=f"`{top.name}` ({top.path}:{top.line}), the highest {what}",
        offenders=offenders,
        offenders_total=len(ordered),
    )


def _changed(functions: Sequence[Block], marks: Marks | None, figure: str) -> Measurement:
    if marks is None or marks.lines is None:
        first, *rest = (marks.changed_problems if marks else ()) or (not_marked("changed"),)
        return Unmeasured(problems=(first, *rest), summary="the changed lines are unknown")
    lines, new = marks.lines, marks.new_files
    touched = [b for b in functions if touches(lines, new, b.path, b.line, b.end)]
    what = f"of {count(len(touched), 'function')} the change touched"
    measured = _highest(touched, what, figure)
    return Measured(
        value=measured.value,
        summary=f"{measured.summary}, against {marks.against}",
        offenders=measured.offenders,
        offenders_total=measured.offenders_total,
    )


def _missing(gate: str, tool: str, report: str, runs: str) -> Problem:
    """The gate reads ``tool``'s ``report`` and no report of the gate is one."""
    return Problem(
        slug="missing-evidence",
        path="",
        message=f"gate {gate!r} reads {report}, and none of its reports is one",
        hint=f'run the lint stage (it runs {runs} on the package), and name the tool: tool = "{tool}"',
        subject=tool,
    )


def _no_radon(gate: str, command: str) -> Problem:
    return _missing(
        gate, "radon", f"`radon {command} --json`'s report", f"`radon {command} --json`"
    )


def _no_complexipy(gate: str) -> Problem:
    return _missing(
        gate, "complexipy", "complexipy's SARIF report (cognitive complexity)", "complexipy"
    )


def _no_pylint(gate: str) -> Problem:
    return _missing(
        gate, "pylint", "pylint's duplicate-code report", "pylint's duplicate-code check"
    )
