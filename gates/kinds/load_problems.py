"""The problems that keep a load gate from a value: each slug is in docs/errors.md (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from gates.model.reports import Problem

__all__ = [
    "db_unmeasured",
    "incomplete",
    "inconclusive",
    "no_break",
    "no_endpoint",
    "no_memory",
    "not_steps",
    "part_missing",
]


def inconclusive(path: str, name: str, summary: str, bound: str = "") -> Problem:
    spans = f" spans the bound {bound}" if bound else " has no value"
    return Problem(
        slug="load-inconclusive",
        path=path,
        message=f"{name} {summary}{spans}: the run cannot tell pass from fail",
        hint="run longer (more requests narrow the interval), or with less noise on the machine",
    )


def incomplete(path: str, found: int, stages: Sequence[str]) -> Problem:
    message = (
        f"the gate's stages hold {found} load runs ({', '.join(stages)}); a gate reads one"
        if found
        else "holds no latency.json, though a load report is here"
    )
    return Problem(
        slug="load-evidence-incomplete",
        path=path,
        message=message,
        hint="name one stage with `stage = ...`, or rerun the load stage",
    )


def part_missing(path: str, missing: Sequence[str]) -> Problem:
    return Problem(
        slug="load-evidence-incomplete",
        path=path,
        message=f"the run's {' and '.join(missing)} is missing or repeated beside it",
        hint="rerun the load stage: it records latency, memory and scenario together",
    )


def no_endpoint(path: str, endpoint: str, endpoints: Sequence[str]) -> Problem:
    known = ", ".join(endpoints[:8]) or "none"
    return Problem(
        slug="load-no-endpoint",
        path=path,
        message=f"no request to {endpoint!r} was measured (endpoints: {known})",
        hint='name an endpoint as Locust does, "<METHOD> <name>", or leave `endpoint` out',
    )


def no_memory(path: str) -> Problem:
    return Problem(
        slug="load-memory-gaps",
        path=path,
        message="the memory record has too few samples for the figure",
        hint="run longer than a few windows; check that the service's /proc is readable",
    )


def db_unmeasured(path: str, why: str = "") -> Problem:
    return Problem(
        slug="load-db-unmeasured",
        path=path,
        message=f"the service {why or 'timed no database query (no db.json beside the run)'}:"
        " db.* is missing, not 0",
        hint="call gates.load.run.dbprobe.install() in the service (SQLAlchemy's events), and"
        " write the probe when it stops (docs/load.md#database-time)",
    )


def not_steps(path: str) -> Problem:
    return Problem(
        slug="load-no-steps",
        path=path,
        message="load.breaking_users needs a step-load run; this one was steady",
        hint="run the stage with `steps=` (LoadConfig) into a stage of its own",
    )


def no_break(path: str, message: str) -> Problem:
    return Problem(
        slug="load-no-steps",
        path=path,
        message=message,
        hint="add larger steps, or bound load.breaking_users with `min` only",
    )
