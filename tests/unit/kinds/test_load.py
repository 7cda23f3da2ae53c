"""The load gates on the load stage's recorded runs: trusted, starved, stepped, cut short."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gates.catalog.metrics import Kind
from gates.load import evidence as latency_evidence
from gates.load.histogram import Histogram
from gates.load.percentiles import percentile_of_histogram, percentile_of_samples
from gates.load.summary import OVERALL, LocustTotals
from gates.model.reports import ReportData
from gates.model.stage import LoadedReport, StageEvidence
from gates.model.verdict import GateResult, Status
from gates.readers import READERS
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import read_blob
from tests.unit import _build as b

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "gates-load" / "0.1.0"
CONTEXT = ReadContext("/tmp/gates-load-fixture")  # noqa: S108 - never written
_FILES = (
    ("scenario.json", "scenario.json", "gates-load-scenario"),
    ("latency.json", "run/latency.json", "gates-load-latency"),
    ("memory.json", "run/memory.json", "gates-load-memory"),
    ("locust.json", "run/locust.json", "locust-json"),
    ("locust_failures.csv", "run/locust_failures.csv", "locust-failures-csv"),
)


def read(run: str, name: str, fmt: str, *, stage: str = "load") -> LoadedReport:
    display = f".gates/{stage}/{name}"
    data = READERS[fmt].read(
        read_blob(ASSETS / f"{run}.{name.rsplit('/', maxsplit=1)[-1]}", display=display), CONTEXT
    )
    return b.report(stage, name, fmt, Kind.LOAD, data)


def run_stage(run: str, *, stage: str = "load", leave_out: str = "") -> StageEvidence:
    reports = [
        read(run, name, fmt, stage=stage) for asset, name, fmt in _FILES if asset != leave_out
    ]
    return b.stage(stage, *reports)


def gate(run: str | StageEvidence, metric: str, bound: str, extra: str = "") -> GateResult:
    stage = run_stage(run) if isinstance(run, str) else run
    policy = f'[gate.g]\nmetric = "{metric}"\nstage = "{stage.name}"\n{bound}\n{extra}\n'
    return b.judge(policy, b.evidence(stage)).gates[0]


def slugs(result: GateResult) -> set[str]:
    return {problem.slug for problem in result.problems}


# ---------------------------------------------------------------- a trusted run


def test_a_trusted_runs_p95_passes_with_its_interval_below_the_bound() -> None:
    result = gate("steady", "load.p95_ms", "max = 200")
    assert result.status is Status.PASS, result.reason
    assert result.problems == ()
    assert "p95 of (all)" in result.reason


def test_a_slow_endpoint_fails_only_when_its_lower_bound_is_above_the_bound() -> None:
    # /slow sleeps 20 ms: its p95 cannot be below 20 ms, so a 10 ms bound fails for sure
    result = gate("steady", "load.p95_ms", "max = 10", 'endpoint = "GET /slow"')
    assert result.status is Status.FAIL
    assert result.observed is not None and result.observed > 20


def test_a_bound_inside_the_interval_is_inconclusive_never_a_pass() -> None:
    latency = read("steady", "run/latency.json", "gates-load-latency").data.load
    assert isinstance(latency, latency_evidence.Latency)
    slow = [s for s in latency.series if s.endpoint == "GET /slow"]
    point = percentile_of_histogram(Histogram.merged(s.histogram for s in slow), 0.95).value
    assert point is not None
    result = gate("steady", "load.p95_ms", f"max = {point:.3f}", 'endpoint = "GET /slow"')
    assert result.status is Status.ERROR
    assert "load-inconclusive" in slugs(result)
    assert "run longer" in " ".join(p.hint for p in result.problems)


def test_an_endpoint_no_request_went_to_is_named() -> None:
    result = gate("steady", "load.p95_ms", "max = 200", 'endpoint = "GET /nowhere"')
    assert slugs(result) == {"load-no-endpoint"}
    assert "GET /slow" in result.problems[0].message


def test_errors_are_counted_from_the_listener_in_percent() -> None:
    result = gate("steady", "load.error_rate", "max = 1")
    assert result.status is Status.FAIL  # /fail answers 500: one request in seven
    assert result.observed is not None and 10 < result.observed < 20


def test_the_leak_blocks_with_its_slope() -> None:
    # /leak keeps 64 KiB a request, 3 requests in 7: about 268 MiB per 10,000 requests
    result = gate("steady", "memory.growth_mb_per_10k", "max = 50")
    assert result.status is Status.FAIL
    assert result.observed is not None and 150 < result.observed < 400
    assert "Theil-Sen" in result.reason


def test_the_memory_peak_is_the_trees_pss() -> None:
    result = gate("steady", "memory.peak_mb", "max = 2048")
    assert result.status is Status.PASS
    assert "RSS" in result.reason


def test_database_time_is_missing_never_zero() -> None:
    result = gate("steady", "db.mean_ms", "max = 50")
    assert result.status is Status.ERROR
    assert result.observed is None
    assert slugs(result) == {"load-db-unmeasured"}


# ---------------------------------------------------------------- the generator must not lie


@pytest.mark.parametrize(
    ("metric", "bound"),
    [
        ("load.p95_ms", "max = 100000"),
        ("load.p50_ms", "max = 100000"),
        ("load.rps", "min = 1"),
        ("memory.peak_mb", "max = 100000"),
        ("load.error_rate", "max = 100"),
    ],
)
def test_a_starved_generator_is_inconclusive_whatever_the_bound(metric: str, bound: str) -> None:
    result = gate("starved", metric, bound)
    assert result.status is Status.ERROR
    assert "load-generator-saturated" in slugs(result)
    assert "not trusted; as measured" in result.reason or result.problems


def test_locust_counting_failures_gates_did_not_blocks() -> None:
    stage = run_stage("steady")
    more = LocustTotals(failures=10**6)
    extra = b.report(
        "load", "run/extra.json", "locust-json", Kind.LOAD, ReportData("locust", load=more)
    )
    result = gate(
        dataclasses.replace(stage, reports=(*stage.reports, extra)), "load.p95_ms", "max = 200"
    )
    assert "load-uncounted-failures" in slugs(result)


def test_a_run_without_its_memory_record_blocks() -> None:
    result = gate(run_stage("steady", leave_out="memory.json"), "load.p95_ms", "max = 200")
    assert slugs(result) == {"load-evidence-incomplete"}
    assert "memory.json" in result.problems[0].message


def test_a_run_without_locusts_own_counts_cannot_be_cross_checked() -> None:
    result = gate(run_stage("steady", leave_out="locust.json"), "load.p95_ms", "max = 200")
    assert slugs(result) == {"load-evidence-incomplete"}
    assert "locust.json" in result.problems[0].message


def test_a_gate_over_two_runs_asks_for_one() -> None:
    steady, steps = run_stage("steady"), run_stage("steps", stage="steps")
    policy = '[gate.g]\nmetric = "load.p95_ms"\nmax = 200\n'
    result = b.judge(policy, b.evidence(steady, steps)).gates[0]
    assert "load-evidence-incomplete" in slugs(result)


# ---------------------------------------------------------------- the breaking point


def test_a_step_run_reports_each_step_and_its_breaking_point() -> None:
    # /slow one at a time, 20 ms each: past about 4 users its queue grows without end
    passed = gate(run_stage("steps", stage="steps"), "load.breaking_users", "min = 1")
    assert passed.status is Status.PASS, passed.reason
    assert "per step (users: requests/s, p95): 1: " in passed.reason  # shown when it passes too
    result = gate(run_stage("steps", stage="steps"), "load.breaking_users", "min = 100")
    assert result.status is Status.FAIL and result.problems == (), result.reason
    rows = [o.path for o in result.offenders]
    assert rows[0] == "1 users"
    assert sum(row.endswith("(breaks)") for row in rows) == 1
    assert all("requests/s, p95" in o.detail for o in result.offenders)
    assert result.observed is not None
    assert f"{int(result.observed)} users (breaks)" in rows
    assert "p95" in result.reason  # why it broke, twice in a row


def test_a_step_run_whose_generator_gave_way_first_is_inconclusive() -> None:
    stage = run_stage("steps-saturated", stage="steps")
    result = gate(stage, "load.breaking_users", "min = 1")
    assert result.status is Status.ERROR
    assert "load-generator-saturated" in slugs(result)


def test_a_steady_run_has_no_breaking_point() -> None:
    result = gate("steady", "load.breaking_users", "min = 1")
    assert slugs(result) == {"load-no-steps"}


# ---------------------------------------------------------------- the figures are the latencies'


def test_the_interval_brackets_the_raw_latencies_percentile() -> None:
    # tests/assets/locust/2.47.0 kept every raw latency beside the listener's histograms
    locust = Path(__file__).resolve().parents[2] / "assets" / "locust" / "2.47.0"
    raw = [
        float(line.split("\t")[-1])
        for line in (locust / "local.raw.tsv").read_text().splitlines()
        if line.strip()
    ]
    latency = latency_evidence.read(
        read_blob(locust / "local.latency.json", display="latency.json")
    )
    merged = Histogram.merged(s.histogram for s in latency.series)
    exact = percentile_of_samples(raw, 0.95)
    from_histogram = percentile_of_histogram(merged, 0.95)
    assert exact.value is not None and from_histogram.value is not None
    assert from_histogram.low is not None and from_histogram.high is not None
    assert from_histogram.low <= exact.value <= from_histogram.high
    assert abs(from_histogram.value - exact.value) <= exact.value * 0.001 + 1e-6
    assert OVERALL == "(all)"


# ---------------------------------------------------------------- paybot, a real service


def test_paybot_under_its_load_reads_as_its_own_figures() -> None:
    stage = run_stage("paybot")
    db = read("paybot", "run/db.json", "gates-load-db")
    stage = dataclasses.replace(stage, reports=(*stage.reports, db))
    p95 = gate(stage, "load.p95_ms", "max = 200")
    assert p95.status is Status.PASS, p95.reason
    assert gate(stage, "load.error_rate", "max = 1").observed == 0.0
    mean = gate(stage, "db.mean_ms", "max = 50")
    assert mean.status is Status.PASS
    assert "queries after the warm-up (sqlalchemy events)" in mean.reason
    assert gate(stage, "db.p95_ms", "max = 50").status is Status.PASS
    pay = gate(stage, "load.p95_ms", "max = 200", 'endpoint = "POST /orders/{id}/pay"')
    assert pay.status is Status.PASS
