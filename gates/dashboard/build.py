"""A verdict or a history record -> a :class:`Run`, and the figures the page shows of them (pure).

* :func:`run_from_verdict`: the JSON verdict's gates, findings by tool and
  severity, audit counts, secrets, waivers and benchmark comparisons;
* :func:`run_from_record`: a history record's gates (the metric's own value,
  ``measured``) and tests (durations, reruns);
* :func:`series`, :func:`change`, :func:`flaky_tests`: what the page draws.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import METRICS
from gates.dashboard.model import (
    Benchmark,
    Dashboard,
    Expiring,
    ExpiringKind,
    FindingCount,
    FindingRow,
    GateValue,
    Run,
    Security,
    Tests,
    TestTime,
)
from gates.history.model import RecordedTest, RunRecord
from gates.model.reports import Severity
from gates.model.verdict import GateResult, Verdict
from gates.policy.quarantine import Quarantine

__all__ = [
    "SLOWEST",
    "FlakyTest",
    "change",
    "flaky_tests",
    "run_from_record",
    "run_from_verdict",
    "series",
    "summarize_tests",
    "unit_of",
    "with_own_tests",
    "with_quarantines",
]

SLOWEST: Final = 15  # slowest tests a run keeps
_SECRETS_TOOL: Final = "detect-secrets"
_AUDIT_TOOL: Final = "pip-audit"


def unit_of(metric: str) -> str:
    """The unit of ``metric`` as the catalogue says it; "" for a count or an unknown metric."""
    known = METRICS.get(metric)
    return str(known.unit.value) if known is not None else ""


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _gate_value(gate: GateResult) -> GateValue:
    own = gate.measured if gate.measured is not None else gate.observed
    return GateValue(
        name=gate.name,
        metric=gate.metric,
        status=gate.status.value,
        value=_finite(own),
        bound=gate.bound,
        unit=unit_of(gate.metric),
        precision=gate.precision,
    )


def run_from_verdict(
    verdict: Verdict, *, source: str, date: str, run_id: str = "", branch: str = ""
) -> Run:
    """The run of a JSON verdict: its commit is the one its stages' evidence was made at."""
    commit = next((commit for _, commit, _ in verdict.stages if commit), "")
    return Run(
        source=source,
        run_id=run_id,
        commit=commit,
        parent="",
        date=date,
        branch=branch,
        status=verdict.status.value,
        gates=tuple(_gate_value(g) for g in verdict.gates),
        security=_security(verdict),
        expiring=tuple(
            Expiring(
                kind=ExpiringKind.WAIVER,
                target=w.target,
                owner=w.owner,
                reason=w.reason,
                expires=w.expires,
                status=w.status.value,
            )
            for w in verdict.waivers
        ),
        benchmarks=tuple(
            Benchmark(name=c.name, outcome=c.outcome.value, ratio=_finite(c.estimate))
            for g in verdict.gates
            for c in g.comparisons
        ),
        findings=tuple(
            FindingRow(
                tool=f.tool,
                rule=f.rule or "",
                severity=f.severity.label,
                path=f.path or "",
                line=f.line or 0,
                message=f.message,
                waived=waived,
            )
            for f, waived in verdict.findings
        ),
    )


def _security(verdict: Verdict) -> Security:
    totals: Counter[tuple[str, Severity]] = Counter()
    waived: Counter[tuple[str, Severity]] = Counter()
    secrets = sum(1 for f, _ in verdict.findings if f.tool == _SECRETS_TOOL)
    for finding, is_waived in verdict.findings:
        totals[(finding.tool, finding.severity)] += 1
        waived[(finding.tool, finding.severity)] += is_waived
    counts = dict(verdict.counts)
    scanned = any("secrets" in path for g in verdict.gates for path in g.evidence)
    problems = sorted(
        {
            f"{p.slug}: {p.message}"
            for g in verdict.gates
            for p in g.problems
            if p.subject in (_AUDIT_TOOL, _SECRETS_TOOL) or "audit" in p.slug
        }
    )
    return Security(
        findings=tuple(
            FindingCount(tool=tool, severity=sev.label, total=n, waived=waived[(tool, sev)])
            for (tool, sev), n in sorted(totals.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
        ),
        packages_audited=counts.get(Count.PACKAGES_AUDITED),
        packages_skipped=counts.get(Count.PACKAGES_SKIPPED),
        secrets=secrets if scanned or secrets else None,
        incomplete=tuple(problems),
    )


def run_from_record(record: RunRecord, *, source: str) -> Run:
    """The run of a history record: its gates' own values, and its tests."""
    return Run(
        source=source,
        run_id=record.run_id,
        commit=record.commit,
        parent=record.parent,
        date=record.recorded,
        branch=record.branch,
        status=record.status,
        gates=tuple(
            GateValue(
                name=g.name,
                metric=g.metric,
                status=g.status,
                value=_finite(g.measured if g.measured is not None else g.value),
                bound=g.bound,
                unit=unit_of(g.metric),
            )
            for g in record.gates
        ),
        tests=summarize_tests(record.tests),
    )


def summarize_tests(tests: Sequence[RecordedTest]) -> Tests:
    """A run's tests: how many, their total time, the slowest, the flaky and the failed."""
    slowest = sorted(tests, key=lambda t: (-t.duration, t.stage, t.id))[:SLOWEST]
    return Tests(
        count=len(tests),
        total_seconds=math.fsum(t.duration for t in tests),
        slowest=tuple(TestTime(stage=t.stage, id=t.id, seconds=t.duration) for t in slowest),
        flaky=tuple(sorted(f"{t.stage}::{t.id}" for t in tests if t.flaky)),
        failed=tuple(
            sorted(f"{t.stage}::{t.id}" for t in tests if t.outcome in ("failed", "error"))
        ),
    )


def series(runs: Sequence[Run], gate: str) -> list[float | None]:
    """The gate's value in each run (oldest first); ``None`` where a run does not know it."""
    values: list[float | None] = []
    for run in runs:
        found = run.gate(gate)
        values.append(found.value if found is not None else None)
    return values


def change(current: float | None, base: float | None) -> float | None:
    """current - base; ``None`` when either is unknown."""
    if current is None or base is None:
        return None
    return current - base


@dataclass(frozen=True, slots=True)
class FlakyTest:
    """A test seen flaky: in how many of the runs read, and the last commit it was."""

    test: str
    runs: int
    last_commit: str


def flaky_tests(board: Dashboard) -> list[FlakyTest]:
    """Tests that passed only on a rerun in a run read, or failed in some runs of one commit only."""
    seen: dict[str, list[str]] = {}
    runs_of: dict[str, int] = {}
    failures: dict[tuple[str, str], int] = {}
    for run in (*board.history, board.current):
        if run.tests is None:
            continue
        for test in run.tests.flaky:
            seen.setdefault(test, []).append(run.commit)
        runs_of[run.commit] = runs_of.get(run.commit, 0) + 1
        for test in run.tests.failed:
            failures.setdefault((run.commit, test), 0)
            failures[(run.commit, test)] += 1
    for (commit, test), failed in failures.items():
        # the same commit has the same tests: failed in some of its runs only is a flip
        if failed < runs_of[commit] and commit not in seen.get(test, []):
            seen.setdefault(test, []).append(commit)
    return sorted(
        (FlakyTest(test, len(commits), commits[-1]) for test, commits in seen.items()),
        key=lambda f: (-f.runs, f.test),
    )


def with_own_tests(current: Run, others: Sequence[Run]) -> Run:
    """``current`` with the tests of the newest other run of its commit, when it has none itself.

    The JSON verdict does not list tests; the history record of the same
    commit (``gates history record`` after ``gates check``) does.
    """
    if current.tests is not None or not current.commit:
        return current
    same = [r for r in others if r.commit == current.commit and r.tests is not None]
    if not same:
        return current
    newest = max(same, key=lambda r: (r.date, r.source))
    return replace(current, tests=newest.tests, run_id=current.run_id or newest.run_id)


def with_quarantines(run: Run, entries: Sequence[Quarantine], *, today: dt.date) -> Run:
    """``run`` with the policy's ``[[quarantine]]`` entries among what expires."""
    found = tuple(
        Expiring(
            kind=ExpiringKind.QUARANTINE,
            target=entry.test,
            owner=entry.owner,
            reason=entry.reason,
            expires=entry.expires.isoformat(),
            status="expired" if entry.expires < today else "live",
        )
        for entry in entries
    )
    return replace(run, expiring=(*run.expiring, *found)) if found else run
