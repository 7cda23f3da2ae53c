"""The typed values of the history: one run's record, and what the base branch's history says.

A :class:`RunRecord` is what ``gates history record`` wrote for one run (the
format: docs/history.md); :class:`BaseHistory` is what the judge knows of the
base branch: the records along its first-parent chain, nearest first, and the
files it could not trust. Pure values: no I/O.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from gates.model.reports import Problem

__all__ = [
    "SCHEMA",
    "UNKNOWN",
    "VERSION",
    "BaseEntry",
    "BaseHistory",
    "GateRecord",
    "RecordedTest",
    "RunRecord",
    "ToolRecord",
    "median",
]

SCHEMA: Final = "gates.history"
VERSION: Final = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class GateRecord:
    """One gate of a recorded verdict."""

    name: str
    metric: str
    status: str  # pass, warn, waived, fail, error
    value: float | None  # what the gate judged (a difference, for a gate against the base)
    measured: float | None  # the metric's own value (the same as ``value`` but against the base)
    base: float | None  # the base's value it was compared with; None: not compared
    bound: str
    stages: tuple[str, ...]


class RecordedTest(NamedTuple):
    """One test of a recorded run: its outcome once, however many attempts it took."""

    stage: str
    id: str
    outcome: str  # passed, failed, error, skipped
    duration: float  # seconds, as its runner reported them
    reruns: int  # attempts before the last one: a test that passed after a rerun is flaky

    @property
    def flaky(self) -> bool:
        return self.outcome == "passed" and self.reruns > 0


class ToolRecord(NamedTuple):
    """A tool that made the evidence: its stage, name and version."""

    stage: str
    name: str
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    """One run's record in the history."""

    run_id: str
    commit: str
    parent: str  # the commit's first parent; "" for a root commit
    branch: str  # "" when the run was on no branch (a detached head)
    recorded: str  # UTC, ISO 8601, when the record was made
    gates_version: str
    policy: str  # the policy file's name
    policy_sha256: str
    status: str
    exit_code: int
    gates: tuple[GateRecord, ...]
    counts: Mapping[str, int]
    tests: tuple[RecordedTest, ...]
    tools: tuple[ToolRecord, ...]

    def gate(self, name: str) -> GateRecord | None:
        return next((g for g in self.gates if g.name == name), None)

    def tests_of(self, stages: Sequence[str]) -> list[RecordedTest]:
        """Its tests of ``stages`` (every stage when empty)."""
        return [t for t in self.tests if not stages or t.stage in stages]


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseEntry:
    """A commit of the base branch with at least one record file: the newest it trusts, or why none."""

    commit: str
    record: RunRecord | None  # None: every record of the commit is corrupt
    corrupt: tuple[Problem, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseHistory:
    """The base branch's history as the judge sees it: nearest commit first.

    ``unknown`` says why there is none at all (no history branch, no base ref):
    then every comparison with the base is unknown, never "no regression".
    """

    base: str  # the base ref, as the policy names it
    merge_base: str = ""
    entries: tuple[BaseEntry, ...] = ()
    skipped: int = 0  # commits of the chain, before the nearest entry, that have no record
    unknown: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def nearest(self) -> BaseEntry | None:
        return self.entries[0] if self.entries else None

    def records(self, limit: int) -> list[RunRecord]:
        """The trusted records of the nearest ``limit`` recorded commits."""
        return [e.record for e in self.entries[:limit] if e.record is not None]

    @property
    def corrupt(self) -> tuple[Problem, ...]:
        return tuple(p for e in self.entries for p in e.corrupt)


UNKNOWN: Final = BaseHistory(base="", unknown="the history was not read")


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (at least one)."""
    return float(statistics.median(values))
