"""The problems that keep a coverage gate from a value: each slug is in docs/errors.md (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from gates.model.figures import count
from gates.model.reports import FileCoverage, Problem

__all__ = ["no_branch_data", "nothing_measured"]


def no_branch_data() -> Problem:
    """Branch coverage was not measured in every stage a branch gate reads."""
    return Problem(
        slug="no-branch-data",
        path="",
        message="branch coverage was not measured in every stage the gate reads",
        hint="turn on branch coverage: `branch = true` under [tool.coverage.run] "
        "(or [run] in .coveragerc)",
    )


_SHOWN_FILES: Final = 3  # files named when a gate's globs match none of what coverage measured


def nothing_measured(unit: str, paths: Sequence[str], measured: Sequence[FileCoverage]) -> Problem:
    """Coverage measured nothing the gate reads: the files it did measure, and where to look."""
    if paths:
        named = [item.path for item in measured if item.executed or item.missing]
        if not named:
            what = "it measured no statement at all"
        else:
            shown = ", ".join(named[:_SHOWN_FILES])
            more = f" and {len(named) - _SHOWN_FILES} more" if len(named) > _SHOWN_FILES else ""
            what = f"it measured {count(len(named), 'other file')}: {shown}{more}"
        return Problem(
            slug="no-statements",
            path="",
            message=f"coverage measured 0 {unit} in files matching path = {list(paths)}; {what}",
            hint="check the gate's `path` globs against those files, and the project's coverage "
            "`source` / `include` settings ([tool.coverage.run] or .coveragerc): coverage.py "
            "measures only what they name, and warns `module-not-imported` when a source "
            "it names is never imported",
        )
    return Problem(
        slug="no-statements",
        path="",
        message=f"coverage measured 0 {unit}: wrong `source` setting, or the tests imported nothing",
        hint="check the coverage source setting of the stage",
    )
