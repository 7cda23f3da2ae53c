"""A load run's figures, and every reason they cannot be trusted (pure, no I/O).

:func:`summarise` turns the latency evidence (:mod:`gates.load.evidence`) and the
scenario into the metrics of issue 13 (per endpoint and overall: ``load.p50_ms``,
``load.p95_ms``, ``load.p99_ms`` with their intervals, ``load.error_rate``,
``load.rps``) over the *measured* part of the run: the windows that start once the
warm-up is over, up to the moment recording stopped.

It also lists the run's problems. Any problem makes every load gate **inconclusive**
(blocking, named): the figures may look like results, but a load generator that lied
produced them. Locust's exit code plays no part. The problems (their slugs):

* ``load-generator-saturated``: a generator process was busy (running or waiting to run)
  90 % or more of a measured window, or its loop woke 0.25 s or more late: latencies
  then measure the generator's own queue.
* ``load-rate-behind``: the achieved request rate is below 95 % of the offered one.
* ``load-users-not-reached``: the users never reached the target, or were below it in a
  measured window (a ramp longer than the warm-up; a worker lost).
* ``load-worker-missing``: a worker's last shard never reached the master.
* ``load-uncounted-failures`` / ``load-uncounted-requests``: Locust's own reports count
  more failures (its failures file, its JSON) or requests than gates recorded.
* ``load-latency-out-of-range``: a latency of an hour or more (kept as an hour).
* ``load-no-requests``: nothing was measured after the warm-up.
* ``load-run-cut-short``: recording stopped before 95 % of the planned run time, less
  2 s (Locust starts its ``--run-time`` clock before its first user).
* ``load-listener-problem``: the listener could not read a worker's shard.

The memory sampler and the service's lifecycle add theirs (``load-memory-gaps``,
``load-service-died``, ``load-service-restarted``) through ``more_problems``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from gates.load.evidence import Latency, Series
from gates.load.histogram import Histogram
from gates.load.percentiles import Judgement, Outcome, Percentile, judge, percentile_of_histogram
from gates.model.reports import Problem

__all__ = [
    "OVERALL",
    "Figures",
    "LocustTotals",
    "Scenario",
    "Summary",
    "gate_percentile",
    "summarise",
]

OVERALL: Final = "(all)"
QUANTILES: Final = (0.5, 0.95, 0.99)
# Locust (2.47) starts its --run-time clock from the event loop's cached time, before the
# first user is spawned: a 6 s run recorded 5.2 s of users (tests/assets/locust/2.47.0).
_CLOCK_SLACK_S: Final = 2.0


@dataclass(frozen=True, slots=True)
class Scenario:
    """What the run was meant to be, and how far the generator may fall short of it."""

    warmup_s: float = 0.0
    target_users: int | None = None  # None: Locust's --users, from the evidence
    offered_rps: float | None = None  # None: no offered rate to keep up with
    max_busy: float = 0.9
    max_lag_s: float = 0.25
    min_rate_share: float = 0.95
    min_run_share: float = 0.95


@dataclass(frozen=True, slots=True)
class LocustTotals:
    """What Locust's own reports counted over the whole run, for the cross-check."""

    requests: int | None = None  # its --json-file, all endpoints
    failures: int | None = None  # the larger of its JSON's and its failures CSV's count


@dataclass(frozen=True, slots=True)
class Figures:
    """One endpoint's (or all endpoints') measured figures."""

    endpoint: str
    requests: int
    errors: int
    span_s: float
    histogram: Histogram

    @property
    def error_rate(self) -> float | None:
        return self.errors / self.requests if self.requests else None

    @property
    def rps(self) -> float | None:
        return self.requests / self.span_s if self.span_s > 0 else None

    def percentile(self, q: float) -> Percentile:
        return percentile_of_histogram(self.histogram, q)


@dataclass(frozen=True, slots=True)
class Summary:
    endpoints: tuple[Figures, ...]
    overall: Figures
    measured_from: float
    measured_to: float
    problems: tuple[Problem, ...]

    def figures(self, endpoint: str) -> Figures | None:
        if endpoint == OVERALL:
            return self.overall
        return next((f for f in self.endpoints if f.endpoint == endpoint), None)


def summarise(
    latency: Latency,
    scenario: Scenario,
    *,
    path: str,
    locust: LocustTotals | None = None,
    more_problems: Sequence[Problem] = (),
) -> Summary:
    """The measured figures of a run, and its problems (``path`` names the evidence)."""
    start = _measured_from(latency, scenario)
    span = max(latency.ended - start, 0.0)
    measured = [s for s in latency.series if s.window * latency.window_s >= start - 1e-9]
    endpoints = tuple(
        _figures(name, [s for s in measured if s.endpoint == name], span)
        for name in sorted({s.endpoint for s in measured})
    )
    overall = _figures(OVERALL, measured, span)
    problems = [
        *_generator_problems(latency, scenario, start, path),
        *_count_problems(latency, overall, locust, path),
        *_run_problems(latency, scenario, overall, path),
        *more_problems,
    ]
    return Summary(endpoints, overall, start, latency.ended, tuple(problems))


def gate_percentile(summary: Summary, endpoint: str, q: float, bound_ms: float) -> Judgement:
    """A gate ``load.p<q>_ms <= bound_ms`` on one endpoint (or :data:`OVERALL`)."""
    if summary.problems:
        names = ", ".join(sorted({problem.slug for problem in summary.problems}))
        return Judgement(Outcome.INCONCLUSIVE, f"the run cannot be trusted: {names}")
    figures = summary.figures(endpoint)
    if figures is None:
        return Judgement(Outcome.INCONCLUSIVE, f"no request to {endpoint} was measured")
    return judge(figures.percentile(q), bound_ms)


def _measured_from(latency: Latency, scenario: Scenario) -> float:
    """The start of the first window that begins once the warm-up is over."""
    after = latency.started + scenario.warmup_s
    window = -(-after // latency.window_s)  # ceil
    return float(window * latency.window_s)


def _figures(name: str, series: Sequence[Series], span: float) -> Figures:
    return Figures(
        endpoint=name,
        requests=sum(s.requests for s in series),
        errors=sum(s.errors for s in series),
        span_s=span,
        histogram=Histogram.merged(s.histogram for s in series),
    )


def _generator_problems(
    latency: Latency, scenario: Scenario, start: float, path: str
) -> list[Problem]:
    windows = {
        window: load
        for window, load in latency.load.items()
        if window * latency.window_s >= start - 1e-9
    }
    problems = []
    busiest = max((load.busy for load in windows.values()), default=0.0)
    latest = max((load.lag for load in windows.values()), default=0.0)
    if busiest >= scenario.max_busy or latest >= scenario.max_lag_s:
        problems.append(
            Problem(
                slug="load-generator-saturated",
                path=path,
                message=f"the load generator was saturated: busy {busiest:.0%} of a window at worst"
                f" (limit {scenario.max_busy:.0%}), its loop {latest:.3f} s late at worst"
                f" (limit {scenario.max_lag_s} s)",
                hint="give the generator more CPU: more worker processes (--processes), other"
                " machines, fewer users per worker, or a machine the service does not share",
            )
        )
    target = scenario.target_users or latency.target_users
    if target:
        reached = max((load.users for load in latency.load.values()), default=0)
        lowest = min((load.users for load in windows.values()), default=0)
        if reached < target or lowest < target:
            problems.append(
                Problem(
                    slug="load-users-not-reached",
                    path=path,
                    message=f"the users never reached {target} (at most {reached})"
                    if reached < target
                    else f"{target} users were reached, but only {lowest} ran in a measured window",
                    hint="raise the spawn rate or the warm-up so the ramp ends before measuring;"
                    " check that every worker stayed connected",
                )
            )
    return problems


def _count_problems(
    latency: Latency, overall: Figures, locust: LocustTotals | None, path: str
) -> list[Problem]:
    problems = []
    missing = [worker.id for worker in latency.workers if not worker.final]
    if missing or not latency.workers:
        problems.append(
            Problem(
                slug="load-worker-missing",
                path=path,
                message=f"no final report from {', '.join(missing)}"
                if missing
                else "no process reported a single request",
                hint="a worker died or was cut off; rerun, and check the workers' logs",
            )
        )
    recorded_requests = sum(s.requests for s in latency.series)
    recorded_errors = sum(s.errors for s in latency.series)
    if locust is not None and locust.failures is not None and locust.failures > recorded_errors:
        problems.append(
            Problem(
                slug="load-uncounted-failures",
                path=path,
                message=f"Locust counted {locust.failures} failures, gates recorded {recorded_errors}",
                hint="load gates' listener in every Locust process (-f locustfile.py,<listener>)",
            )
        )
    if locust is not None and locust.requests is not None and locust.requests > recorded_requests:
        problems.append(
            Problem(
                slug="load-uncounted-requests",
                path=path,
                message=f"Locust counted {locust.requests} requests, gates recorded {recorded_requests}",
                hint="load gates' listener in every Locust process (-f locustfile.py,<listener>)",
            )
        )
    clamped = sum(worker.clamped for worker in latency.workers)
    if clamped:
        problems.append(
            Problem(
                slug="load-latency-out-of-range",
                path=path,
                message=f"{clamped} requests took an hour or more (recorded as an hour)",
                hint="the service hangs; look at its logs",
            )
        )
    return problems


def _run_problems(
    latency: Latency, scenario: Scenario, overall: Figures, path: str
) -> list[Problem]:
    problems = []
    if overall.requests == 0:
        problems.append(
            Problem(
                slug="load-no-requests",
                path=path,
                message="no request was measured after the warm-up",
                hint="make the run longer than the warm-up, and check that the users send requests",
            )
        )
    rps = overall.rps
    if scenario.offered_rps and (rps or 0.0) < scenario.min_rate_share * scenario.offered_rps:
        problems.append(
            Problem(
                slug="load-rate-behind",
                path=path,
                message=f"the achieved rate {rps or 0.0:.1f}/s is below"
                f" {scenario.min_rate_share:.0%} of the offered {scenario.offered_rps:g}/s",
                hint="the service or the generator could not keep up: see the step-load report",
            )
        )
    ran = latency.ended - latency.started
    if latency.planned_s and ran < scenario.min_run_share * latency.planned_s - _CLOCK_SLACK_S:
        problems.append(
            Problem(
                slug="load-run-cut-short",
                path=path,
                message=f"recording stopped after {ran:.1f} s of a planned {latency.planned_s:g} s",
                hint="the run was interrupted; rerun the load stage",
            )
        )
    problems.extend(
        Problem(
            slug="load-listener-problem",
            path=path,
            message=problem,
            hint="rerun; report it if it persists",
        )
        for problem in latency.problems
    )
    return problems
