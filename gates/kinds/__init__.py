"""Kinds of evidence: one module per kind, checked against interface.py, and the registry.

Adding a kind (say ``load``) touches its member of
:class:`gates.catalog.metrics.Kind`, its module ``gates/kinds/load.py``, one case
of :func:`evidence_kind` (mypy fails on a member without one), its reader(s),
its metrics, docs and tests: see CONTRIBUTING.md, "Add a kind of evidence".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, assert_never

from gates.catalog.metrics import Kind
from gates.kinds import benchmarks, coverage, findings, load, patch, tests
from gates.kinds.interface import EvidenceKind, MeasureContext
from gates.model.measurement import Measured, Measurement, NotApplicable, Unmeasured

__all__ = [
    "EvidenceKind",
    "MeasureContext",
    "Measured",
    "Measurement",
    "NotApplicable",
    "Registry",
    "Unmeasured",
    "evidence_kind",
]

# What the judge asks for the module of a kind; a test passes a stub of its own.
Registry: TypeAlias = Callable[[Kind], EvidenceKind]


def evidence_kind(kind: Kind) -> EvidenceKind:
    """The module of ``kind``: exhaustive, so a kind declared and not handled fails mypy."""
    match kind:
        case Kind.COVERAGE:
            return coverage
        case Kind.PATCH:
            return patch
        case Kind.TESTS:
            return tests
        case Kind.FINDINGS:
            return findings
        case Kind.BENCHMARKS:
            return benchmarks
        case Kind.LOAD:
            return load
        case _:
            assert_never(kind)
