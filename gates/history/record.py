"""A verdict and the evidence it judged -> one run's history record, as JSON text (pure).

The record (docs/history.md, ``gates/data/history.schema.json``) keeps what a
later run, a dashboard or an alert needs and nothing it could not trust: the
run's identity (commit, first parent, branch, run id), each gate's value,
bound and status, the completeness counts, each test once (its outcome, its
duration, the attempts before the last), and the versions of gates, the
policy and every tool. The text is deterministic: keys sorted, no ``NaN``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from gates.history.model import SCHEMA, VERSION
from gates.kinds.attempts import stage_tests
from gates.model.stage import Evidence
from gates.model.verdict import GateResult, Verdict

__all__ = ["RunInfo", "record_text"]

JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """What the verdict does not know about its run: where and when it was made."""

    run_id: str
    commit: str
    parent: str
    branch: str
    recorded: str  # UTC, ISO 8601 ("2026-12-03T17:05:00Z")
    gates_version: str
    policy_sha256: str


def record_text(verdict: Verdict, evidence: Evidence, run: RunInfo) -> str:
    """The record of ``verdict`` as one line of JSON, with a trailing newline."""
    document: JsonObject = {
        "schema": SCHEMA,
        "version": VERSION,
        "run": {
            "id": run.run_id,
            "commit": run.commit,
            "parent": run.parent or None,
            "branch": run.branch or None,
            "recorded": run.recorded,
            "gates_version": run.gates_version,
            "policy": verdict.policy,
            "policy_sha256": run.policy_sha256,
        },
        "status": verdict.status.value,
        "exit_code": int(verdict.exit_code),
        "gates": [_gate(g) for g in verdict.gates],
        "counts": {count.key: value for count, value in verdict.counts},
        "tests": _tests(evidence),
        "tools": _tools(evidence),
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _gate(gate: GateResult) -> JsonObject:
    return {
        "name": gate.name,
        "metric": gate.metric,
        "status": gate.status.value,
        "value": _number(gate.observed),
        "measured": _number(gate.measured if gate.measured is not None else gate.observed),
        "base": _number(gate.base),
        "bound": gate.bound,
        "stages": list(gate.stages),
    }


def _tests(evidence: Evidence) -> list[JsonObject]:
    """Each test of each stage once (its report-logs alone, when it has some), in (stage, id) order."""
    rows: dict[tuple[str, str], JsonObject] = {}
    for stage in evidence.stages:
        for case in stage_tests(stage.reports).get(stage.name, ()):
            rows[(stage.name, case.id)] = {
                "stage": stage.name,
                "id": case.id,
                "outcome": case.outcome.value,
                "duration": round(case.time, 6) if math.isfinite(case.time) else 0.0,
                "reruns": case.reruns,
            }
    return [rows[key] for key in sorted(rows)]


def _tools(evidence: Evidence) -> list[JsonObject]:
    seen: dict[tuple[str, str], str] = {}
    for stage in evidence.stages:
        for run in stage.manifest.tools if stage.manifest else ():
            seen[(stage.name, run.name)] = run.version
    return [{"stage": s, "name": n, "version": v} for (s, n), v in sorted(seen.items())]
