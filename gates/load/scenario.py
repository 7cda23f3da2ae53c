"""``scenario.json``: what the load stage was asked to run, written beside its evidence.

Format ``gates-load-scenario``, version 1::

    {"format": "gates-load-scenario", "version": 1, "users": 50, "spawn_rate": 10,
     "run_time_s": 60, "warmup_s": 10, "offered_rps": 100.0, "processes": null,
     "max_busy": 0.9, "min_rate_share": 0.95, "max_memory_gap_s": 1.0,
     "steps": {"p95_ms": 200.0, "error_rate": 0.01, "rps_per_user": 2.0}}

The load kind judges the run against it (:class:`gates.load.summary.Scenario`): the
warm-up left out, the users the run had to reach, the rate it had to keep up with.
``steps`` is set for a step-load run (its limits are :class:`gates.load.steps.Limits`),
``null`` for a steady one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from gates.errors import EvidenceError
from gates.load.evidence import load_document
from gates.load.steps import Limits
from gates.load.summary import Scenario
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "VERSION", "Plan", "read", "render"]

FORMAT: Final = "gates-load-scenario"
VERSION: Final = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The run asked for: Locust's settings, and what the run is judged against."""

    users: int
    spawn_rate: float
    run_time_s: int
    warmup_s: float = 0.0
    offered_rps: float | None = None
    processes: int | None = None
    max_busy: float = 0.9
    min_rate_share: float = 0.95
    max_memory_gap_s: float = 1.0
    steps: Limits | None = None  # a step-load run, and when one of its windows breaks

    def __post_init__(self) -> None:
        if self.users < 1 or self.spawn_rate <= 0 or self.run_time_s < 1:
            raise ValueError("users, spawn rate and run time must be positive")
        if not 0 <= self.warmup_s < self.run_time_s:
            raise ValueError(f"the warm-up ({self.warmup_s:g} s) must be shorter than the run")
        if self.offered_rps is not None and self.offered_rps <= 0:
            raise ValueError("the offered rate must be positive")
        if self.processes is not None and self.processes < 1:
            raise ValueError("processes must be at least 1")

    @property
    def scenario(self) -> Scenario:
        """What :func:`gates.load.summary.summarise` checks the run against."""
        return Scenario(
            warmup_s=self.warmup_s,
            target_users=self.users if self.steps is None else None,
            offered_rps=self.offered_rps,
            max_busy=self.max_busy,
            min_rate_share=self.min_rate_share,
        )


def render(plan: Plan) -> bytes:
    steps = plan.steps
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "users": plan.users,
        "spawn_rate": plan.spawn_rate,
        "run_time_s": plan.run_time_s,
        "warmup_s": plan.warmup_s,
        "offered_rps": plan.offered_rps,
        "processes": plan.processes,
        "max_busy": plan.max_busy,
        "min_rate_share": plan.min_rate_share,
        "max_memory_gap_s": plan.max_memory_gap_s,
        "steps": None
        if steps is None
        else {
            "p95_ms": steps.p95_ms,
            "error_rate": steps.error_rate,
            "rps_per_user": steps.offered_rps_per_user,
        },
    }
    return (json.dumps(doc, allow_nan=False, indent=1) + "\n").encode()


def read(blob: Blob) -> Plan:
    doc = load_document(
        blob, FORMAT, VERSION, writer="the load stage of this gates version (`gates load`)"
    )
    steps = None
    if doc.raw("steps") is not None:
        limits = doc.obj("steps")
        steps = Limits(
            p95_ms=_optional(limits, "p95_ms"),
            error_rate=_optional(limits, "error_rate"),
            offered_rps_per_user=_optional(limits, "rps_per_user"),
            min_rate_share=doc.number("min_rate_share"),
        )
    try:
        return Plan(
            users=doc.count("users"),
            spawn_rate=doc.number("spawn_rate"),
            run_time_s=doc.count("run_time_s"),
            warmup_s=doc.number("warmup_s"),
            offered_rps=_optional(doc, "offered_rps"),
            processes=doc.count("processes") if doc.raw("processes") is not None else None,
            max_busy=doc.number("max_busy"),
            min_rate_share=doc.number("min_rate_share"),
            max_memory_gap_s=doc.number("max_memory_gap_s"),
            steps=steps,
        )
    except ValueError as error:
        raise EvidenceError(
            f"holds a scenario no load stage runs: {error}",
            slug="malformed-report",
            path=blob.path,
            hint="the report was edited; rerun the load stage",
        ) from None


def _optional(doc: Fields, key: str) -> float | None:
    return doc.number(key) if doc.raw(key) is not None else None
