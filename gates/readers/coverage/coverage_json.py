"""coverage.py's JSON report (``coverage json``, ``pytest --cov-report=json``).

Reads ``meta.format`` 2 (introduced by coverage.py 7.4.1) and 3 (which adds
function and class regions); a report without a format number (coverage.py
before 7.4.1), or with a newer one, is refused (``unsupported-format``) rather
than guessed at.

Per file it keeps the parser's lists of executed and missing lines and of
executed and missing branch arcs (checked, not copied), and coverage.py's count
of the file's branches (``summary.num_branches``: an arc excused by a
``partial_branches`` pragma is in neither list, yet counts as covered). The
number of decimals of ``totals.percent_covered_display`` is the project's
``[report] precision``. Line sets hold
statements only: coverage.py before 7.13.1 also listed the module docstring
line (coverage issue 2105) and excluded lines that ran as "executed", so when a
file's lists disagree with its ``summary.num_statements`` the reader drops
those lines, and refuses the report if they still disagree.

Completeness: ``Count.STATEMENTS_MEASURED`` is the number of statements
measured; zero is the problem ``no-statements``. A non-finite percentage is
``non-finite``; totals that disagree with the files mean a truncated or edited
report (``malformed-report``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.covround import MAX_PRECISION
from gates.model.reports import CoverageData, FileCoverage, Problem, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, int_pairs, ints, malformed
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import decimal

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "coverage-json"
TOOL: Final = "coverage"

_FORMATS: Final = (2, 3)
_REGENERATE: Final = "rerun the stage that measures coverage (e.g. `nox -s unit`)"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The coverage of one stage, and how many statements it measured."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    branch = _meta(doc.obj("meta"))
    files = [
        _file(
            context.relpath(name),
            Fields(value, path=blob.path, where=f"files.{name}"),
            branch=branch,
        )
        for name, value in doc.obj("files").items()
    ]
    statements = sum(len(item.executed) + len(item.missing) for item in files)
    totals = doc.obj("totals")
    _check_totals(totals, statements)
    return ReportData(
        tool=TOOL,
        coverage=CoverageData(files=files, branch=branch, precision=_precision(totals)),
        counts={Count.STATEMENTS_MEASURED: statements},
        problems=() if statements else (_no_statements(blob.path),),
    )


def _meta(meta: Fields) -> bool:
    """Check the format version; whether branches were measured."""
    if not meta.has("format"):
        raise _unsupported(
            meta.path, "has no `meta.format`: it was written by a coverage.py older than 7.4.1"
        )
    version = meta.integer("format")
    if version not in _FORMATS:
        raise _unsupported(meta.path, f"has `meta.format` {version}; this reader knows 2 and 3")
    branch = meta.raw("branch_coverage")
    if not isinstance(branch, bool):
        raise malformed(meta.path, "meta.branch_coverage", "a boolean", branch)
    return branch


def _unsupported(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        why,
        slug="unsupported-format",
        path=path,
        hint="use coverage.py 7.4.1 or later, or upgrade gates if coverage.py is newer than it",
    )


def _file(path: str, item: Fields, *, branch: bool) -> FileCoverage:
    where = item.where
    executed = ints(item.array("executed_lines"), path=item.path, where=f"{where}.executed_lines")
    missing = ints(item.array("missing_lines"), path=item.path, where=f"{where}.missing_lines")
    summary = item.obj("summary")
    summary.number("percent_covered")  # finite, or the report is refused
    statements = summary.count("num_statements")
    if len(executed) + len(missing) != statements:
        executed = _statements_only(item, executed, statements - len(missing))
    if not branch:
        return FileCoverage(path, executed, missing, [], [])
    hit, missed = _arcs(item, "executed_branches"), _arcs(item, "missing_branches")
    branches = summary.count("num_branches")
    if branches < len(hit) + len(missed):
        raise malformed(
            item.path,
            f"{where}.summary.num_branches",
            f"at least the {len(hit) + len(missed)} arcs listed",
            branches,
        )
    return FileCoverage(path, executed, missing, hit, missed, branches)


def _statements_only(item: Fields, executed: list[int], expected: int) -> list[int]:
    """Drop what coverage.py < 7.13.1 listed as executed but is no statement.

    Those are excluded lines that ran and the module docstring, which is
    always the first line a module executes.
    """
    where = f"{item.where}.excluded_lines"
    excluded = set(ints(item.array("excluded_lines", []), path=item.path, where=where))
    kept = [line for line in executed if line not in excluded] if excluded else list(executed)
    if kept and len(kept) == expected + 1:
        del kept[0]  # the module docstring
    if len(kept) != expected:
        raise EvidenceError(
            f"`{item.where}` lists {len(kept)} executed statements but its summary says "
            f"{expected}: the report is truncated or edited",
            slug="malformed-report",
            path=item.path,
            hint=_REGENERATE,
        )
    return kept


def _arcs(item: Fields, key: str) -> Sequence[Sequence[int]]:
    """A list of ``[from, to]`` pairs of line numbers, checked without a copy."""
    arcs = item.array(key)
    if not int_pairs(arcs):
        raise malformed(item.path, f"{item.where}.{key}", "a list of [from, to] line pairs", arcs)
    return arcs  # type: ignore[return-value] # checked just above: list[list[int]]


def _precision(totals: Fields) -> int | None:
    """The decimals coverage.py showed: its ``[report] precision`` (``"90.50"`` -> 2)."""
    if not totals.has("percent_covered_display"):
        return None
    display = totals.text("percent_covered_display")
    whole, _, decimals = display.partition(".")
    if decimal(whole) is None or (decimals and decimal(decimals) is None):
        raise malformed(totals.path, "totals.percent_covered_display", "a percentage", display)
    if len(decimals) > MAX_PRECISION:
        raise EvidenceError(
            f"`totals.percent_covered_display` shows {len(decimals)} decimals; a percentage "
            f"has at most {MAX_PRECISION} that mean anything: the report is corrupt or edited",
            slug="malformed-report",
            path=totals.path,
            hint=_REGENERATE,
        )
    return len(decimals)


def _check_totals(totals: Fields, statements: int) -> None:
    totals.number("percent_covered")
    declared = totals.count("num_statements")
    if declared != statements:
        raise EvidenceError(
            f"`totals.num_statements` is {declared} but the files hold {statements} "
            "statements: the report is truncated or edited",
            slug="malformed-report",
            path=totals.path,
            hint=_REGENERATE,
        )


def _no_statements(path: str) -> Problem:
    return Problem(
        slug="no-statements",
        path=path,
        message="coverage measured 0 statements: wrong --source/--cov target, or tests imported nothing",
        hint="check `[tool.coverage.run] source` (or `--cov=`) names your package, then "
        + _REGENERATE,
    )
