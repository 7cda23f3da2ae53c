"""The benchmark harness cannot rot: its generators still make reports the real readers accept.

No timing is asserted here (performance is measured in ``benchmarks/``, see
BENCHMARKS.md); these tests write a small evidence set with the same code as
``python -m benchmarks.evidence_set`` and read it through ``load_evidence``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from benchmarks.evidence_set import (
    REPORTS,
    TODAY,
    EvidenceSet,
    bare_parse,
    check_in_process,
    measure,
    report,
    write_evidence_set,
)
from gates.catalog.counts import Count
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_evidence
from gates.model.stage import Evidence
from gates.model.verdict import Status
from gates.policy.load import load_policy
from gates.system.git import tree_state

FILES, LINES, FINDINGS, CASES = 20, 30, 100, 100


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> EvidenceSet:
    root = tmp_path_factory.mktemp("bench") / "repo"
    return write_evidence_set(root, files=FILES, findings=FINDINGS, cases=CASES, lines=LINES)


def load(written: EvidenceSet) -> Evidence:
    state = tree_state(written.root, exclude=REPORTS)
    return load_evidence(written.root, reports=REPORTS, state=state, max_bytes=1 << 24)


def counts(evidence: Evidence) -> dict[Count, int]:
    found: dict[Count, int] = {}
    for stage in evidence.stages:
        for loaded in stage.reports:
            found.update(loaded.data.counts)
    return found


def test_the_generated_set_is_read_with_no_problem(written: EvidenceSet) -> None:
    evidence = load(written)
    assert [stage.name for stage in evidence.stages] == ["lint", "unit"]
    assert [p.problem for stage in evidence.stages for p in stage.problems] == []
    formats = {r.entry.format for stage in evidence.stages for r in stage.reports}
    assert formats == {"coverage-json", "junit-xml", "ruff-json", "file-list"}
    found = counts(evidence)
    assert found[Count.STATEMENTS_MEASURED] == FILES * LINES
    assert found[Count.TESTS_RUN] + found[Count.TESTS_SKIPPED] == CASES
    assert found[Count.FILES_LINTED] == -(-FINDINGS // 40)
    findings = [f for stage in evidence.stages for r in stage.reports for f in r.data.findings]
    assert len(findings) == FINDINGS
    assert all(not f.path.startswith("/") for f in findings)  # under the repository root


def test_the_policy_judges_every_gate_on_evidence(written: EvidenceSet) -> None:
    verdict = evaluate(load_policy(written.root / "gates.toml"), load(written), today=TODAY)
    statuses = {gate.name: gate.status for gate in verdict.gates}
    assert statuses == {
        "unit-coverage": Status.PASS,
        "branch-coverage": Status.PASS,
        "tests": Status.FAIL,  # 2 % of the generated cases fail
        "lint": Status.FAIL,
        "lint-security": Status.FAIL,  # ruff's S rules are medium
    }
    assert verdict.exit_code == 1


def test_every_measured_action_runs(written: EvidenceSet) -> None:
    assert len(bare_parse(written)) == 3
    assert set(check_in_process(written)) == {
        "policy + git state",
        "load_evidence",
        "evaluate",
        "render json + terminal",
    }
    series = measure(written, rounds=1, subprocesses=False)
    text = report(series)
    assert "load_evidence / bare parse: wall" in text
    assert all(len(values.wall) == len(values.cpu) == 1 for values in series.values())


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_loading_leaves_the_collector_on_as_it_found_it(written: EvidenceSet) -> None:
    load(written)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_off")
def test_loading_leaves_the_collector_off_as_it_found_it(written: EvidenceSet) -> None:
    load(written)
    assert not gc.isenabled()
