"""What ``GATES_SHARD`` asks a test stage for, and what pytest runs for one shard.

This module runs in Nox's own environment (the stage recipes import it), which
need not have gates' dependencies: the standard library and :mod:`gates.errors` only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import UsageError

__all__ = [
    "BY_FILES",
    "SHARDED",
    "SHARD_ENV",
    "Request",
    "arguments",
    "parse_request",
    "planned_arguments",
    "reproduce",
    "shard_reports",
    "shard_stage",
]

SHARD_ENV: Final = "GATES_SHARD"  # "K/N": run shard K of N; "combine": combine the shards
BY_FILES: Final = "files"
SHARDED: Final = ("unit", "integration")  # the stages GATES_SHARD splits
_REQUEST = re.compile(r"^([1-9][0-9]{0,3})/([1-9][0-9]{0,3})$")


@dataclass(frozen=True, slots=True)
class Request:
    """Shard ``index`` of ``total``, or (index 0) combining the shards."""

    index: int
    total: int

    @property
    def combine(self) -> bool:
        return self.index == 0


def parse_request(text: str) -> Request:
    """``"K/N"`` (1 <= K <= N) or ``"combine"``."""
    if text.strip() == "combine":
        return Request(0, 0)
    found = _REQUEST.match(text.strip())
    if found is None or int(found[1]) > int(found[2]):
        raise UsageError(
            f"{SHARD_ENV}={text!r} is neither K/N (1 <= K <= N) nor `combine`",
            slug="usage",
            hint=f"e.g. {SHARD_ENV}=2/4 runs the second of four shards",
        )
    return Request(int(found[1]), int(found[2]))


def shard_reports(reports: str) -> str:
    """The reports folder the shards write into: hidden in ``reports``, so that ``gates
    check`` (which skips hidden folders) judges the combined stage, never a shard."""
    return f"{reports}/.shards"


def shard_stage(stage: str, index: int, total: int) -> str:
    """The stage name (and folder) shard ``index`` of ``total`` of ``stage`` runs as."""
    return f"{stage}-shard-{index}-of-{total}"


def reproduce(stage: str) -> str:
    """The command that runs ``stage`` again: ``GATES_SHARD=K/N nox -s unit`` for a shard."""
    base, _, rest = stage.partition("-shard-")
    index, _, total = rest.partition("-of-")
    if base in SHARDED and index.isascii() and index.isdigit() and total.isdigit():
        return f"{SHARD_ENV}={index}/{total} nox -s {base}"
    return f"nox -s {stage}"


def arguments(by: str, tests: Sequence[str]) -> tuple[str, ...]:
    """What pytest is given to run one shard's ``tests``: their files, or the tests."""
    if by == BY_FILES:
        return tuple(dict.fromkeys(test.split("::", 1)[0] for test in tests))
    return tuple(tests)


def planned_arguments(plan: Path, index: int) -> tuple[str, ...]:
    """:func:`arguments` of shard ``index`` of the plan ``gates shard plan`` just wrote."""
    value = json.loads(plan.read_text(encoding="utf-8"))
    return arguments(str(value["by"]), [str(test) for test in value["shards"][index - 1]])
