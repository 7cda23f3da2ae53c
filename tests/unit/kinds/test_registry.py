"""The kinds of evidence: one module per kind, exhaustive, and fail closed by construction."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

import pytest

from gates import kinds
from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.judge.evaluate import evaluate
from gates.kinds import EvidenceKind, MeasureContext
from gates.kinds.shared import every_report, tally_counts
from gates.model.measurement import Measurement, NotApplicable, Unmeasured
from gates.model.reports import CoverageTotal, ReportData
from gates.model.stage import Evidence, LoadedReport
from gates.model.verdict import Status, Verdict
from gates.policy.load import GateSpec, parse_policy
from tests.unit import _build as b

FAILED_TESTS = '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'


@pytest.mark.parametrize("kind", list(Kind), ids=lambda kind: kind.value)
def test_every_kind_has_its_module(kind: Kind) -> None:
    module = kinds.evidence_kind(kind)
    assert module.KIND is kind
    assert module.EXPECTED_TOOL
    assert getattr(module, "__name__", "") == f"gates.kinds.{kind.value}"


class _Stub:
    """A kind of evidence that measures nothing, and says so in the way given."""

    KIND = Kind.TESTS
    EXPECTED_TOOL = "pytest"

    def __init__(self, measurement: Measurement) -> None:
        self.measurement = measurement

    def dedupe(self, reports: Sequence[LoadedReport]) -> list[LoadedReport]:
        return every_report(reports)

    def measure(
        self, gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
    ) -> Measurement:
        del gate, reports, context
        return self.measurement

    def counts(self, reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
        return tally_counts(reports)


def _judge_with(stub: EvidenceKind, policy: str, evidence: Evidence) -> Verdict:
    def registry(kind: Kind) -> EvidenceKind:
        return stub if kind is stub.KIND else kinds.evidence_kind(kind)

    return evaluate(
        parse_policy(tomllib.loads(policy)), evidence, today=dt.date(2026, 11, 25), kinds=registry
    )


def _junit_stage() -> Evidence:
    return b.evidence(b.stage("unit", b.junit("unit", passed=3)))


NOTHING: Final[dict[str, Measurement]] = {
    # the type forbids both: a kind has to lie to mypy to return one
    "no value, no problem": Unmeasured(problems=cast(Any, ())),
    "not applicable, without a reason": NotApplicable(reason=""),
}


@pytest.mark.parametrize("measurement", NOTHING.values(), ids=NOTHING.keys())
def test_a_kind_that_measures_nothing_blocks_the_gate(measurement: Measurement) -> None:
    verdict = _judge_with(_Stub(measurement), FAILED_TESTS, _junit_stage())
    gate = verdict.gates[0]
    assert (gate.status, verdict.exit_code) == (Status.ERROR, 3)
    assert [p.slug for p in gate.problems] == ["nothing-measured"]
    assert "gave tests.failed no value, and no reason why" in gate.reason
    assert gate.observed is None


def test_a_gate_waiver_still_covers_a_kind_that_measured_nothing() -> None:
    waiver = '[[waiver]]\ngate = "tests"\nowner = "@qa"\nreason = "r"\nexpires = 2027-01-01\n'
    stub = _Stub(Unmeasured(problems=cast(Any, ())))
    gate = _judge_with(stub, FAILED_TESTS + waiver, _junit_stage()).gates[0]
    assert gate.status is Status.WAIVED
    assert [p.slug for p in gate.problems] == ["nothing-measured"]


def test_a_kind_that_says_why_it_does_not_apply_passes_and_says_so() -> None:
    stub = _Stub(NotApplicable(reason="not applicable: no test here", summary="0 tests"))
    gate = _judge_with(stub, FAILED_TESTS, _junit_stage()).gates[0]
    assert (gate.status, gate.reason) == (Status.PASS, "not applicable: no test here")


def test_coverage_with_only_the_report_total_blocks() -> None:
    total = CoverageTotal(statements=10, missing=0, branches=None, partial=None, cover="100.00")
    text = ReportData(tool="coverage", coverage_total=total)
    report = b.report("unit", "report.txt", "coverage-report", Kind.COVERAGE, text)
    verdict = b.judge(
        '[gate.unit]\nmetric = "coverage.percent"\nstage = "unit"\nmin = 90\n',
        b.evidence(b.stage("unit", report)),
    )
    gate = verdict.gates[0]
    assert (gate.status, verdict.exit_code) == (Status.ERROR, 3)
    assert [p.slug for p in gate.problems] == ["missing-evidence"]
    assert "holds no coverage data" in gate.reason
