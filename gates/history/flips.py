"""Flip rates across the base branch's recent runs, and ``tests.flip_suspects`` (pure).

A test's flip rate over the base branch's last :data:`FLIP_RUNS` recorded
runs (one record per commit, the nearest first: :class:`BaseHistory`) is the
number of times its outcome changed between passed and failed from one run
to the next, over the runs it has minus one. A run where it was skipped or
absent does not count; a failed test and an error are both a failure; a
flaky run (failed, then passed on a rerun) is a pass, as its record says: a
flip *within* a run is ``tests.flaky``'s. A test is a suspect when its rate
is at least :data:`FLIP_THRESHOLD` over at least :data:`FLIP_MIN_RUNS` runs.

A test is known by its canonical id (:func:`gates.model.testids.canonical_test_id`), so the
records written from JUnit XML (``tests.test_x.TestY::test_z``) and those
written from pytest's report-log (``tests/test_x.py::TestY::test_z``) name the
same test alike.

Fewer than :data:`FLIP_MIN_RUNS` trusted records of the base branch is never
"no suspect": the metric is unmeasured (``no-base-history``), and the gate
follows ``on-missing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from gates.history.model import BaseHistory, RunRecord
from gates.model.figures import count
from gates.model.measurement import Measured, Measurement, Unmeasured
from gates.model.reports import Problem
from gates.model.testids import canonical_test_id
from gates.model.verdict import Offender

__all__ = [
    "FLIP_MIN_RUNS",
    "FLIP_RUNS",
    "FLIP_THRESHOLD",
    "Flips",
    "flip_rates",
    "flip_suspects",
]

FLIP_RUNS: Final = 20  # the base branch's recorded runs (commits) read, the nearest first
FLIP_THRESHOLD: Final = 0.2  # a flip in five runs
FLIP_MIN_RUNS: Final = 5  # a rate over fewer runs says nothing
_SHOWN: Final = 5  # suspects named in the reason
_MAX_OFFENDERS: Final = 1000
_FAILED: Final = frozenset({"failed", "error"})
_HINT: Final = (
    "record base-branch runs with `gates history record` (the reusable workflow does on "
    "pushes to the base branch) and fetch the history branch; see docs/history.md"
)


@dataclass(frozen=True, slots=True)
class Flips:
    """One test's outcomes across the runs read: how often they changed."""

    id: str  # canonical
    runs: int  # runs where it passed or failed
    flips: int  # changes between passed and failed from one such run to the next

    @property
    def rate(self) -> float:
        return self.flips / (self.runs - 1) if self.runs > 1 else 0.0


def flip_rates(records: Sequence[RunRecord], stages: Sequence[str]) -> list[Flips]:
    """Each test's flips across ``records`` (in any order of time: a flip counts either way)."""
    outcomes: dict[str, list[bool]] = {}
    for record in records:
        seen: dict[str, bool] = {}
        for test in record.tests_of(stages):
            if test.outcome == "passed" or test.outcome in _FAILED:
                key = canonical_test_id(test.id)
                seen[key] = seen.get(key, False) or test.outcome in _FAILED
        for key, failed in seen.items():
            outcomes.setdefault(key, []).append(failed)
    return [
        Flips(key, len(runs), sum(a != b for a, b in pairwise(runs)))
        for key, runs in sorted(outcomes.items())
    ]


def flip_suspects(history: BaseHistory, stages: Sequence[str]) -> Measurement:
    """``tests.flip_suspects``: the tests whose flip rate reaches the threshold, named."""
    records = history.records(FLIP_RUNS)
    if history.unknown or len(records) < FLIP_MIN_RUNS:
        return _unknown(
            history.unknown
            or f"{count(len(records), 'trusted record')} of {history.base or 'the base branch'} "
            f"in its last {FLIP_RUNS} recorded commits; a flip rate needs {FLIP_MIN_RUNS}"
        )
    rated = flip_rates(records, stages)
    if not rated:
        where = f"stage {', '.join(stages)}" if stages else "any stage"
        return _unknown(
            f"the base's last {count(len(records), 'recorded run')} hold no test of {where}"
        )
    suspects = sorted(
        (f for f in rated if f.runs >= FLIP_MIN_RUNS and f.rate >= FLIP_THRESHOLD),
        key=lambda f: (-f.rate, f.id),
    )
    offenders = [
        Offender(
            path=f.id.partition("::")[0] if "::" in f.id else "",
            line=0,
            label=f.id,
            detail=f"flip rate {f.rate:.2f}: {count(f.flips, 'flip')} in {f.runs} runs",
        )
        for f in suspects
    ]
    named = "; ".join(f"{o.label} ({o.detail})" for o in offenders[:_SHOWN])
    more = f"; and {len(offenders) - _SHOWN:,} more" if len(offenders) > _SHOWN else ""
    return Measured(
        value=float(len(suspects)),
        summary=f"{count(len(suspects), 'flip suspect')} (flip rate >= {FLIP_THRESHOLD:g} over "
        f">= {FLIP_MIN_RUNS} runs) among {count(len(rated), 'test')} of the base's last "
        f"{count(len(records), 'recorded run')}" + (f": {named}{more}" if named else ""),
        offenders=tuple(offenders[:_MAX_OFFENDERS]),
        offenders_total=len(offenders),
    )


def _unknown(why: str) -> Unmeasured:
    return Unmeasured(
        problems=(
            Problem(
                slug="no-base-history",
                path="",
                message=f"flip rates unknown: {why}",
                hint=_HINT,
                subject="history",
            ),
        ),
        summary="flip rates unknown",
    )
