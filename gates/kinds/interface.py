"""The interface every kind of evidence implements, and what a measurement can be.

A kind of evidence (coverage, patch, tests, findings, benchmarks, ...) is a
module checked against :class:`EvidenceKind` by mypy in :mod:`gates.kinds`,
with five names:

* ``KIND``: its member of :class:`gates.catalog.metrics.Kind`;
* ``EXPECTED_TOOL``: the tool a verdict names when a stage holds none of its
  evidence ("holds no pytest evidence");
* ``dedupe(reports)``: of several reports of one stage that say the same thing
  (the coverage JSON and the Cobertura XML of one run), the ones that count;
* ``measure(gate, reports, context)``: the gate's :data:`Measurement` from the
  reports the judge selected for it;
* ``counts(reports)``: the completeness counts its reports add to the verdict.

**Fail closed by construction.** A measurement is one of three shapes, and no
other: :class:`Measured` (a value), :class:`NotApplicable` (no value, and the
reason why none applies: passes, said explicitly) or :class:`Unmeasured` (no
value, and at least one problem: blocks). "No value and no problem" cannot be
built (``Unmeasured.problems`` is a non-empty tuple), and the judge blocks with
``nothing-measured`` should a kind pass one off anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.history.model import UNKNOWN, BaseHistory
from gates.model.measurement import Measurement
from gates.model.reports import Finding
from gates.model.stage import Evidence, LoadedReport
from gates.policy.load import GateSpec
from gates.policy.quarantine import Quarantine

__all__ = ["EvidenceKind", "MeasureContext"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureContext:
    """What a kind may know beyond the gate's own reports: the whole evidence, the base, waivers."""

    evidence: Evidence
    base: str  # the policy's base ref: what patch evidence must have compared with
    kept: Mapping[str, Sequence[Finding]]  # report path -> its findings no waiver covers
    waived: Mapping[str, Sequence[Finding]]  # report path -> its findings a waiver covers
    # the base branch's recorded runs, for the gates against the base (gates.history)
    history: BaseHistory = field(default=UNKNOWN)
    # [[quarantine]]: the live entries (failures they cover do not count), and how many in all
    quarantine: tuple[Quarantine, ...] = ()
    quarantined: int = 0


class EvidenceKind(Protocol):
    """One kind of evidence."""

    @property
    def KIND(self) -> Kind: ...  # noqa: N802 - a module-level constant

    @property
    def EXPECTED_TOOL(self) -> str: ...  # noqa: N802 - a module-level constant

    def dedupe(self, reports: Sequence[LoadedReport]) -> list[LoadedReport]: ...

    def measure(
        self, gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
    ) -> Measurement: ...

    def counts(self, reports: Sequence[LoadedReport]) -> Mapping[Count, int]: ...
