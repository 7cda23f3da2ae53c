"""History records and runs built for the dashboard's tests (the format: docs/history.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from gates.dashboard.model import GateValue, Run

__all__ = ["commit", "gate_run", "record", "write"]


def commit(number: int) -> str:
    """A full, distinct commit SHA."""
    return f"{number:040x}"


def record(
    number: int,
    *,
    coverage: float | None = 90.0,
    tests: Sequence[tuple[str, str, float, int]] = (),
    recorded: str = "",
    run_id: str = "",
) -> dict[str, object]:
    """A ``gates.history`` version 1 record of run ``number``; ``tests``: (id, outcome, seconds, reruns)."""
    return {
        "schema": "gates.history",
        "version": 1,
        "run": {
            "id": run_id or f"run-{number}",
            "commit": commit(number),
            "parent": commit(number - 1) if number else None,
            "branch": "main",
            "recorded": recorded or f"2026-11-{1 + number % 28:02d}T10:{number % 60:02d}:00Z",
            "gates_version": "0.1.0",
            "policy": "gates.toml",
            "policy_sha256": "",
        },
        "status": "pass",
        "exit_code": 0,
        "gates": [
            {
                "name": "unit-coverage",
                "metric": "coverage.percent",
                "status": "pass",
                "value": coverage,
                "measured": coverage,
                "base": None,
                "bound": ">= 85",
                "stages": ["unit"],
            }
        ],
        "counts": {"tests_run": len(tests)},
        "tests": [
            {"stage": "unit", "id": i, "outcome": o, "duration": d, "reruns": r}
            for i, o, d, r in tests
        ],
        "tools": [],
    }


def write(folder: Path, document: dict[str, object], name: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def gate_run(number: int, values: dict[str, float | None], *, status: str = "pass") -> Run:
    """A run of commit ``number`` whose gates (metric ``coverage.percent``) have ``values``."""
    return Run(
        source=f"run-{number}",
        run_id=f"run-{number}",
        commit=commit(number),
        parent="",
        date=f"2026-11-{1 + number % 28:02d}",
        branch="main",
        status=status,
        gates=tuple(
            GateValue(
                name=name,
                metric="coverage.percent",
                status=status,
                value=v,
                bound=">= 80",
                unit="%",
            )
            for name, v in values.items()
        ),
    )
