"""The ``[gates]`` settings: where evidence lives, the base ref, the budget of reading it.

The base ref every command compares with is resolved here, in one order
(:func:`resolve_base`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import PolicyError
from gates.policy.fields import known_keys, text
from gates.policy.schema import DEFAULT_BASE, LIMITS, SETTINGS_KEYS
from gates.system.gitnames import from_top, ref

__all__ = [
    "BASE_VARIABLE",
    "DEFAULT_BASE",
    "Budget",
    "Settings",
    "environment_base",
    "glob_match",
    "parse_settings",
    "resolve_base",
    "unaffected_problem",
]

BASE_VARIABLE: Final = "GATES_BASE"  # CI sets it to the pull request's base branch


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """How much reading the evidence may cost (:mod:`gates.judge.budget` spends it)."""

    report_seconds: float = 60.0
    evidence_seconds: float = 600.0
    memory_mb: int = 4096


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[gates]`` table."""

    reports: str = ".gates"
    base: str = DEFAULT_BASE
    max_report_mb: int = 256
    unaffected: tuple[str, ...] = ()  # globs whose changes cannot change the evidence
    # the budget of reading the evidence (gates.judge.budget): CPU seconds, MiB of address space
    max_report_seconds: int = 60
    max_evidence_seconds: int = 600
    max_memory_mb: int = 4096
    history: str = "gates-history"  # the history branch (docs/history.md)

    @property
    def budget(self) -> Budget:
        """What reading the evidence may spend."""
        return Budget(
            report_seconds=self.max_report_seconds,
            evidence_seconds=self.max_evidence_seconds,
            memory_mb=self.max_memory_mb,
        )


def environment_base() -> str | None:
    """``$GATES_BASE``, when set: what a command's ``--base`` defaults to."""
    return os.environ.get(BASE_VARIABLE, "").strip() or None


def resolve_base(given: str | None, configured: str | None) -> str:
    """The base ref every command compares with, resolved in one order.

    The command's ``--base`` (whose default is ``$GATES_BASE``: see
    :func:`environment_base`), else the policy's ``[gates] base``, else
    :data:`DEFAULT_BASE`.
    """
    return given or configured or DEFAULT_BASE


def parse_settings(table: Mapping[str, object]) -> Settings:
    known_keys(table, SETTINGS_KEYS, "gates")
    reports = text(table, "reports", "gates", default=".gates")
    if Path(reports).is_absolute() or ".." in Path(reports).parts:
        raise PolicyError("should be a folder inside the repository", key="gates.reports")
    base = text(table, "base", "gates", default=DEFAULT_BASE)
    try:
        ref(base)
    except ValueError as error:
        raise PolicyError(f"should be a git ref: {error}", key="gates.base") from None
    history = text(table, "history", "gates", default="gates-history")
    try:
        ref(history)
    except ValueError as error:
        raise PolicyError(f"should be a branch name: {error}", key="gates.history") from None
    return Settings(
        reports=reports,
        base=base,
        history=history,
        unaffected=_unaffected(table),
        **{name.replace("-", "_"): _limit(table, name) for name in LIMITS},
    )


def _limit(table: Mapping[str, object], name: str) -> int:
    """One of the whole-number limits of ``[gates]`` (:data:`gates.policy.schema.LIMITS`)."""
    limit = LIMITS[name]
    value = table.get(name, limit.default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not limit.low <= value <= limit.high
    ):
        raise PolicyError(
            f"should be an integer from {limit.low} to {limit.high} ({limit.unit})",
            key=f"gates.{name}",
        )
    return value


def _unaffected(table: Mapping[str, object]) -> tuple[str, ...]:
    """``[gates] unaffected``: checked globs, never one that leaves out all the code."""
    value = table.get("unaffected", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PolicyError(
            'should be an array of globs, e.g. ["*.md", "docs/"]', key="gates.unaffected"
        )
    for pattern in value:
        problem = unaffected_problem(pattern)
        if problem:
            raise PolicyError(f"{pattern[:80]!r} {problem}", key="gates.unaffected")
    return tuple(value)


_CODE_SAMPLES = ("setup.py", "src/pkg/module.py", "pkg/sub/module.py")


def unaffected_problem(pattern: str) -> str:
    """Why ``pattern`` cannot be an ``unaffected`` glob, or "" when it can."""
    if any(not c.isprintable() for c in pattern):
        return "holds a control character"
    if pattern.startswith((":", "!")) or ".." in pattern.split("/"):
        return "should be a glob of paths inside the repository (no `:`/`!` prefix, no `..`)"
    if all(glob_match(pattern, sample) for sample in _CODE_SAMPLES):
        return (
            "matches every Python file: no change would ever make evidence stale; "
            "name the folders or suffixes that hold no code, e.g. `docs/` or `*.md`"
        )
    return ""


def glob_match(pattern: str, path: str) -> bool:
    """Whether ``path`` matches an ``unaffected`` glob, as :func:`gates.system.gitnames.pathspec` reads it."""
    return re.fullmatch(_glob_regex(from_top(pattern)), path) is not None


def _glob_regex(glob: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            parts.append(".*")
            index += 2
        else:
            char = glob[index]
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            index += 1
    return "".join(parts)
