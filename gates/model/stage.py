"""A stage's evidence as typed values: its manifest, the reports read, the problems that taint them.

:mod:`gates.stage.recorder` writes a manifest and :mod:`gates.stage.manifest`
reads one back; :mod:`gates.judge.evidence` loads every stage folder into an
:class:`Evidence`, which the judge reads and nothing changes.
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from gates.catalog.metrics import Kind
from gates.catalog.tools import kinds_of
from gates.errors import InternalError
from gates.model.reports import Finding, Problem, ReportData

__all__ = [
    "Crash",
    "Evidence",
    "LoadedReport",
    "Manifest",
    "ReportEntry",
    "StageEvidence",
    "StageProblem",
    "ToolRun",
]

_REPRODUCE = "gates check -v"  # the command whose -v shows a crash's traceback


@dataclass(frozen=True, slots=True)
class ToolRun:
    """One run of a tool inside a stage."""

    name: str
    version: str
    argv: tuple[str, ...]
    exit_code: int
    ok_exit_codes: tuple[int, ...] | None = (
        None  # declared by the stage, for tools gates does not know
    )
    # where the tool's version came from: "locked: uv.lock (mypy==1.11.2)", "gates: …"
    # as gates.init.environment.toolchoice words it
    source: str = ""
    error: str = ""  # why this run produced no evidence (also in the manifest's `error`)


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One report a stage wrote: where, in which format, by which tool, its hash."""

    path: str  # relative to the stage folder, "/"-separated
    format: str
    tool: str
    sha256: str
    size: int
    role: str = ""  # e.g. "head" / "base" for benchmark runs


@dataclass(frozen=True, slots=True)
class Manifest:
    """The provenance of one stage's evidence."""

    stage: str
    commit: str
    dirty: bool
    worktree: str  # digest of uncommitted changes (gates.system.git)
    started: str
    finished: str
    gates_version: str
    reproduce: str  # the command that regenerates this stage's evidence
    tools: tuple[ToolRun, ...] = ()
    reports: tuple[ReportEntry, ...] = ()
    error: str = ""  # set when the stage could not produce evidence
    # the changed files and their content digests (gates.system.git.TreeState.changes);
    # None in a manifest without them, or with too many to list
    changes: Mapping[str, str] | None = None
    # the policy's `unaffected` globs, left out of `worktree` and `changes`
    unaffected: tuple[str, ...] = ()
    # the tools the stage meant to run, recorded when it failed before running them
    planned: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StageProblem:
    """A problem, and what it taints: a tool's reports, a kind, or the whole stage."""

    problem: Problem
    tool: str = ""  # "" = every tool of the stage
    kind: Kind | None = None  # None = every kind

    def taints(self, *, tool: str, kind: Kind) -> bool:
        return (not self.tool or self.tool == tool) and (self.kind is None or self.kind is kind)


@dataclass(frozen=True, slots=True)
class Crash:
    """Where gates failed, and how: the step, the file it was on, the exception.

    ``trace`` is the formatted traceback (shown with ``-v``): text, so the
    frames, and whatever the reader had built, are not kept alive.
    """

    step: str  # "in the coverage-json reader", "evaluating the policy": after "gates crashed"
    path: str  # the file it was on; "" when none
    error: str  # "OverflowError: int too large to convert to float"
    trace: str

    @classmethod
    def capture(cls, *, step: str, path: str = "") -> Crash:
        """The exception being handled, as a :class:`Crash` of ``step`` (call in ``except``)."""
        error = sys.exc_info()[1]
        assert error is not None  # noqa: S101 - only called while an exception is handled
        text = str(error).strip().splitlines()
        return cls(
            step=step,
            path=path,
            error=f"{type(error).__name__}: {text[0][:500]}" if text else type(error).__name__,
            trace="".join(traceback.format_exception(error)),
        )

    @property
    def problem(self) -> Problem:
        """The crash as a problem of the file (or step) it happened on."""
        error = InternalError(
            f"gates crashed {self.step}: {self.error}",
            slug="internal-error",
            hint="this is a bug in gates, not in your evidence: report it with the block "
            f"`gates check` printed on standard error (`{_REPRODUCE}` adds the traceback)"
            + (" and this file" if self.path else ""),
        )
        return Problem(slug=error.slug, path=self.path, message=error.message, hint=error.hint)


@dataclass(frozen=True, slots=True)
class LoadedReport:
    """One report, read and trusted."""

    stage: str
    path: str  # as shown to people, e.g. ".gates/unit/coverage.json"
    entry: ReportEntry
    kind: Kind
    data: ReportData


@dataclass(frozen=True, slots=True)
class StageEvidence:
    """Everything read from one stage folder."""

    name: str
    manifest: Manifest | None
    reports: tuple[LoadedReport, ...]
    problems: tuple[StageProblem, ...]
    crashes: tuple[Crash, ...] = ()  # where gates itself failed reading it (a bug)

    @property
    def reproduce(self) -> str:
        return self.manifest.reproduce if self.manifest else f"nox -s {self.name}"

    def tools(self, kind: Kind) -> set[str]:
        """Tools that reported (or were expected to report) evidence of ``kind``."""
        found = {report.entry.tool for report in self.reports if report.kind is kind}
        found |= {p.tool for p in self.problems if p.tool and p.kind is kind}
        found |= {tool for tool in self.unstarted_tools if kind in kinds_of(tool)}
        return found

    @property
    def unstarted_tools(self) -> tuple[str, ...]:
        """The tools a stage that failed before running them meant to run (its ``planned``)."""
        manifest = self.manifest
        if manifest is None or not manifest.error or manifest.tools:
            return ()
        return manifest.planned


@dataclass(frozen=True, slots=True)
class Marks:
    """The findings that are new (absent from the baseline) and those on changed lines."""

    new: Counter[Finding] | None = None  # None: no gate asked, or the baseline could not be read
    new_problems: tuple[Problem, ...] = ()
    baselined: int = 0  # findings the baseline accepted
    changed: Counter[Finding] | None = None  # None: no gate asked, or git could not tell
    changed_problems: tuple[Problem, ...] = ()
    against: str = ""  # what changed lines were compared with
    notes: tuple[str, ...] = field(default=())
    # the lines the change touched, per file, and its new files (every line): what
    # complexity.max_changed reads; None: no gate asked, or git could not tell
    lines: Mapping[str, frozenset[int]] | None = None
    new_files: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Evidence:
    """All stages found under the reports folder."""

    folder: str
    stages: tuple[StageEvidence, ...]
    # which findings are new and on changed lines (gates.baseline.apply); None: not worked out
    marks: Marks | None = None

    def stage(self, name: str) -> StageEvidence | None:
        return next((stage for stage in self.stages if stage.name == name), None)

    @property
    def crashes(self) -> tuple[Crash, ...]:
        """Every place gates failed while reading (a bug): each blocks the verdict."""
        return tuple(crash for stage in self.stages for crash in stage.crashes)
