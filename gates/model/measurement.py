"""What a kind of evidence measured for a gate: a value, a reason none applies, or a problem.

**Fail closed by construction.** A measurement is one of three shapes, and no
other: :class:`Measured` (a value), :class:`NotApplicable` (no value, and the
reason why none applies: passes, said explicitly) or :class:`Unmeasured` (no
value, and at least one problem: blocks). "No value and no problem" cannot be
built (``Unmeasured.problems`` is a non-empty tuple), and the judge blocks with
``nothing-measured`` should a kind pass one off anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from gates.model.reports import Problem
from gates.model.verdict import BenchmarkComparison, Offender

__all__ = ["Measured", "Measurement", "NotApplicable", "Problems", "Unmeasured"]


# At least one problem: the type of "this could not be measured, and here is why".
Problems: TypeAlias = tuple[Problem, *tuple[Problem, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Measured:
    """A value the gate's bound judges; ``problems`` found on the way still block."""

    value: float
    summary: str  # e.g. "412 tests, 3 failed"
    offenders: tuple[Offender, ...] = ()  # worst first, at most MAX_OFFENDERS
    offenders_total: int = 0
    problems: tuple[Problem, ...] = ()
    comparisons: tuple[BenchmarkComparison, ...] = ()
    precision: int | None = None  # a coverage.py percentage: the decimals it is shown and judged at
    # against the base (gates.history.ratchet): ``value`` is the difference of these two
    measured: float | None = None
    base: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NotApplicable:
    """The metric does not apply (a change with no Python line): passes, and says why."""

    reason: str  # "not applicable: the change adds no Python line"
    summary: str = ""

    @property
    def problems(self) -> tuple[Problem, ...]:
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Unmeasured:
    """No value, because of ``problems`` (at least one): the gate blocks unless they are waived."""

    problems: Problems
    summary: str = ""
    # a gate against the base whose base is unknown: the metric's own value, which was measured
    # (recorded in the history, so the next run has a base), never judged
    measured: float | None = None


Measurement: TypeAlias = Measured | NotApplicable | Unmeasured
