"""``load.*``, ``memory.*`` and ``db.*``: a load run judged from its evidence (pure).

The load stage keeps, per run, gates' latency histograms (``gates-load-latency``), the
memory sampler's record (``gates-load-memory``), the scenario it was asked to run
(``gates-load-scenario``) and Locust's own reports (``locust-json``,
``locust-failures-csv``), which only cross-check gates' counts. A gate reads one run.

**The generator must not lie.** Every reason a run cannot be trusted
(:mod:`gates.load.summary`, :mod:`gates.load.memory`: a saturated generator, a rate
behind the offered one, users never reached, a worker lost, failures gates did not
count, memory gaps, the service dead or restarted) makes every gate on the run
*inconclusive*: it blocks and names the reasons. Locust's exit code plays no part.

**Estimates decide with their intervals.** A percentile gate (``load.p95_ms``) and the
growth gate (``memory.growth_mb_per_10k``) fail only when the interval's far side is
beyond the bound (for ``max``: the lower bound above it), pass only when the near side
is within it (the upper bound at or below it), and are otherwise inconclusive
(``load-inconclusive``: run longer). Percentile intervals are distribution-free, from
order statistics of the exact histograms (:mod:`gates.load.percentiles`), each side
one-sided 99 %; the slope's is Sen's (:mod:`gates.load.trend`).

``db.mean_ms`` (exact: the queries' summed time over their number) and ``db.p95_ms``
(with its interval) read the service's own query times (``gates-load-db``, written by
:mod:`gates.load.run.dbprobe`) in the measured window; without them such a gate is
unmeasured (``load-db-unmeasured``), never 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.kinds import load_problems as problems
from gates.kinds.interface import MeasureContext
from gates.kinds.shared import every_report, tally_counts
from gates.load import dbtime
from gates.load.dbtime import DbTiming
from gates.load.evidence import Latency
from gates.load.memory import MemoryFigures, MemoryRecord, figures
from gates.load.percentiles import percentile_of_histogram
from gates.load.scenario import Plan
from gates.load.steps import breaking_point, steps_of, windows_of
from gates.load.summary import OVERALL, LocustTotals, Summary, summarise
from gates.model.figures import format_value
from gates.model.measurement import Measured, Measurement, Unmeasured
from gates.model.reports import Problem
from gates.model.stage import LoadedReport
from gates.model.verdict import Offender
from gates.policy.load import GateSpec

__all__ = ["EXPECTED_TOOL", "KIND", "counts", "dedupe", "measure"]

KIND: Final = Kind.LOAD
EXPECTED_TOOL: Final = "locust"
_QUANTILES: Final = {"load.p50_ms": 0.5, "load.p95_ms": 0.95, "load.p99_ms": 0.99}
# Not reasons to distrust a step-load run: its users change by design, and falling behind
# is what it is there to find.
_STEP_EXPECTED: Final = frozenset({"load-rate-behind", "load-users-not-reached"})


@dataclass(frozen=True, slots=True)
class _Estimate:
    """A figure, its one-sided bounds (``None``: too few samples), and how it was found."""

    name: str  # the metric
    value: float | None
    low: float | None
    high: float | None
    how: str


@dataclass(frozen=True, slots=True)
class _Run:
    """One load run's evidence, read and judged for trust."""

    path: str  # the latency report, named in the verdict
    latency: Latency
    plan: Plan
    summary: Summary
    memory: MemoryFigures
    record: MemoryRecord
    db: DbTiming | None  # None: the service timed no query

    @property
    def problems(self) -> tuple[Problem, ...]:
        found = (*self.summary.problems, *self.memory.problems)
        if self.plan.steps is None:
            return found
        return tuple(p for p in found if p.slug not in _STEP_EXPECTED)


def dedupe(reports: Sequence[LoadedReport]) -> list[LoadedReport]:
    """Every report counts: each is one part of one run."""
    return every_report(reports)


def counts(reports: Sequence[LoadedReport]) -> Mapping[Count, int]:
    return tally_counts(reports)


def measure(
    gate: GateSpec, reports: Sequence[LoadedReport], context: MeasureContext
) -> Measurement:
    """The gate's metric on the one load run its reports hold."""
    del context  # a load gate reads its own run only
    run = _run(reports)
    if isinstance(run, Unmeasured):
        return run
    name = gate.metric.name
    if name == "load.breaking_users":
        return _breaking(gate, run)
    if run.problems:
        return Unmeasured(problems=_as_problems(run.problems), summary=_trust_summary(run))
    return _trusted(gate, run)


def _trusted(gate: GateSpec, run: _Run) -> Measurement:
    """The metric of a run nothing made untrustworthy."""
    name = gate.metric.name
    if name in _QUANTILES:
        return _percentile(gate, run, _QUANTILES[name])
    if name.startswith("memory."):
        return _memory(gate, run)
    if name.startswith("db."):
        return _database(gate, run)
    return _rate(gate, run)


def _run(reports: Sequence[LoadedReport]) -> _Run | Unmeasured:
    latencies = [(r, r.data.load) for r in reports if isinstance(r.data.load, Latency)]
    stages = sorted({r.stage for r, _ in latencies})
    if len(latencies) != 1:
        where = reports[0].path if reports else ""
        return Unmeasured(problems=(problems.incomplete(where, len(latencies), stages),))
    report, latency = latencies[0]
    same = [r for r in reports if r.stage == report.stage]
    plans = [r.data.load for r in same if isinstance(r.data.load, Plan)]
    records = [r.data.load for r in same if isinstance(r.data.load, MemoryRecord)]
    totals = [r.data.load for r in same if isinstance(r.data.load, LocustTotals)]
    counted = [t for t in totals if t.requests is not None]  # Locust's JSON: the cross-check
    missing = [
        name
        for name, found in (("scenario.json", plans), ("memory.json", records))
        if len(found) != 1
    ] + ([] if counted else ["locust.json"])
    if missing:
        return Unmeasured(problems=(problems.part_missing(report.path, missing),))
    plan, record = plans[0], records[0]
    timings = [r.data.load for r in same if isinstance(r.data.load, DbTiming)]
    summary = summarise(latency, plan.scenario, path=report.path, locust=_merged(totals))
    memory = figures(
        record,
        latency,
        measured_from=summary.measured_from,
        path=report.path.replace("latency.json", "memory.json"),
        max_gap_s=plan.max_memory_gap_s,
    )
    db = timings[0] if len(timings) == 1 else None
    return _Run(report.path, latency, plan, summary, memory, record, db)


def _merged(totals: Sequence[LocustTotals]) -> LocustTotals | None:
    """Locust's largest counts over its reports: the JSON's and the failures CSV's."""
    if not totals:
        return None
    requests = [t.requests for t in totals if t.requests is not None]
    failures = [t.failures for t in totals if t.failures is not None]
    return LocustTotals(
        requests=max(requests) if requests else None, failures=max(failures) if failures else None
    )


def _percentile(gate: GateSpec, run: _Run, q: float) -> Measurement:
    endpoint = gate.endpoint or OVERALL
    figures_ = run.summary.figures(endpoint)
    if figures_ is None:
        return Unmeasured(
            problems=(
                problems.no_endpoint(
                    run.path, endpoint, [f.endpoint for f in run.summary.endpoints]
                ),
            )
        )
    percentile = figures_.percentile(q)
    name = gate.metric.name
    shown = f"p{q * 100:g} of {endpoint}, {figures_.requests:,} requests"
    offenders = _endpoint_rows(run, q) if endpoint == OVERALL else ()
    estimate = _Estimate(name, percentile.value, percentile.low, percentile.high, shown)
    return _decide(gate, run.path, estimate, offenders)


def _memory(gate: GateSpec, run: _Run) -> Measurement:
    name = gate.metric.name
    if name == "memory.peak_mb":
        peak = run.memory.peak_mb
        if peak is None:
            return Unmeasured(problems=(problems.no_memory(run.path),))
        rss = run.memory.peak_rss_mb
        return Measured(
            value=peak,
            summary=f"peak PSS {format_value(name, peak)} of the service's process tree"
            f" (RSS {format_value(name, rss)}), {len(run.record.samples):,} samples",
        )
    slope = run.memory.growth_mb_per_10k
    if slope is None:
        return Unmeasured(problems=(problems.no_memory(run.path),))
    shown = f"Theil-Sen over {slope.n} windows after the warm-up"
    return _decide(gate, run.path, _Estimate(name, slope.estimate, slope.low, slope.high, shown))


def _database(gate: GateSpec, run: _Run) -> Measurement:
    """The queries' mean (exact: summed times) or p95 (with its interval), measured window only."""
    if run.db is None:
        return Unmeasured(problems=(problems.db_unmeasured(run.path),))
    found = dbtime.figures(run.db, run.summary.measured_from, run.summary.measured_to)
    name = gate.metric.name
    if found.mean_ms is None:
        return Unmeasured(
            problems=(problems.db_unmeasured(run.path, "ran no query in the measured window"),)
        )
    if name == "db.mean_ms":
        return Measured(
            value=found.mean_ms,
            summary=f"{found.queries:,} queries after the warm-up ({run.db.source} events)",
        )
    p95 = percentile_of_histogram(found.histogram, 0.95)
    how = f"p95 of {found.queries:,} queries after the warm-up"
    return _decide(gate, run.path, _Estimate(name, p95.value, p95.low, p95.high, how))


def _rate(gate: GateSpec, run: _Run) -> Measurement:
    endpoint = gate.endpoint or OVERALL
    figures_ = run.summary.figures(endpoint)
    if figures_ is None or figures_.requests == 0:
        return Unmeasured(
            problems=(
                problems.no_endpoint(
                    run.path, endpoint, [f.endpoint for f in run.summary.endpoints]
                ),
            )
        )
    span = run.summary.measured_to - run.summary.measured_from
    if gate.metric.name == "load.error_rate":
        rate = 100.0 * figures_.errors / figures_.requests
        return Measured(
            value=rate,
            summary=f"{figures_.errors:,} of {figures_.requests:,} requests to {endpoint} failed",
        )
    rps = figures_.rps or 0.0
    return Measured(
        value=rps,
        summary=f"{figures_.requests:,} requests to {endpoint} in {span:.1f} s after the warm-up",
    )


def _decide(
    gate: GateSpec, path: str, estimate: _Estimate, offenders: tuple[Offender, ...] = ()
) -> Measurement:
    """Three ways: fail beyond the bound for sure, pass within it for sure, else inconclusive."""
    name, value, low, high = estimate.name, estimate.value, estimate.low, estimate.high
    interval = f"[{_bound_text(name, low)}, {_bound_text(name, high)}]"
    summary = f"{format_value(name, value)} {interval} ({estimate.how})"
    if value is None:
        return Unmeasured(problems=(problems.inconclusive(path, name, summary),), summary=summary)
    over = gate.max is not None and low is not None and low > gate.max
    under = gate.min is not None and high is not None and high < gate.min
    if over or under:
        clamped = max(value, low) if over and low is not None else value
        if under and high is not None:
            clamped = min(clamped, high)
        return Measured(value=clamped, summary=summary, offenders=offenders)
    within_max = gate.max is None or (high is not None and high <= gate.max)
    within_min = gate.min is None or (low is not None and low >= gate.min)
    if within_max and within_min:
        return Measured(value=value, summary=summary, offenders=offenders)
    return Unmeasured(
        problems=(problems.inconclusive(path, name, summary, gate.bound),), summary=summary
    )


def _endpoint_rows(run: _Run, q: float) -> tuple[Offender, ...]:
    """Each endpoint's percentile and interval, worst first: shown under an overall gate."""
    rows = []
    for item in run.summary.endpoints:
        p = item.percentile(q)
        rows.append(
            (
                p.value or 0.0,
                Offender(
                    path=item.endpoint,
                    line=0,
                    label=f"p{q * 100:g}",
                    detail=f"{_ms(p.value)} [{_ms(p.low)}, {_ms(p.high)}],"
                    f" {item.requests:,} requests, {item.errors:,} failed",
                ),
            )
        )
    rows.sort(key=lambda row: -row[0])
    return tuple(offender for _, offender in rows)


def _breaking(gate: GateSpec, run: _Run) -> Measurement:
    limits = run.plan.steps
    if limits is None:
        return Unmeasured(problems=(problems.not_steps(run.path),))
    if run.problems:
        return Unmeasured(problems=_as_problems(run.problems), summary=_trust_summary(run))
    steps = steps_of(windows_of(run.latency, run.record))
    breaking = breaking_point(steps, limits)
    rows = tuple(
        Offender(
            path=f"{step.users} users" + (" (breaks)" if step.users == breaking.users else ""),
            line=0,
            label="step",
            detail=f"{step.rps:.1f} requests/s, p95 {_ms(step.p95_ms)},"
            f" errors {'-' if step.error_rate is None else f'{step.error_rate:.2%}'},"
            f" memory {'-' if step.memory_mb is None else f'{step.memory_mb:.1f} MiB'}",
        )
        for step in steps
    )
    shown = "; per step (users: requests/s, p95): " + ", ".join(
        f"{step.users}: {step.rps:.1f}/s {_ms(step.p95_ms)}" for step in steps
    )
    if breaking.users is not None:
        return Measured(
            value=float(breaking.users), summary=breaking.reason + shown, offenders=rows
        )
    if breaking.held_up_to is None or gate.max is not None:
        held = breaking.held_up_to
        message = (
            f"no step broke: the breaking point is above {held} users"
            if held is not None
            else "the run has no whole window to read steps from"
        )
        return Unmeasured(problems=(problems.no_break(run.path, message),))
    return Measured(
        value=float(breaking.held_up_to),
        summary=f"no step broke: held up to {breaking.held_up_to} users (the breaking point is"
        f" above){shown}",
        offenders=rows,
    )


def _as_problems(problems: Sequence[Problem]) -> tuple[Problem, *tuple[Problem, ...]]:
    first, *rest = problems
    return (first, *rest)


def _trust_summary(run: _Run) -> str:
    overall = run.summary.overall
    p95 = overall.percentile(0.95).value
    return (
        f"not trusted; as measured: {overall.requests:,} requests, p95 {_ms(p95)},"
        f" {overall.rps or 0.0:.1f} requests/s"
    )


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.1f} ms"


def _bound_text(name: str, value: float | None) -> str:
    return "?" if value is None else format_value(name, value)


def _no_endpoint(run: _Run, endpoint: str) -> Unmeasured:
    known = [figures_.endpoint for figures_ in run.summary.endpoints]
    return Unmeasured(problems=(problems.no_endpoint(run.path, endpoint, known),))
