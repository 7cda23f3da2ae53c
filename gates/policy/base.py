"""Policy from the base branch: a change cannot lower the bar it is judged by.

On a pull request the thresholds come from the base branch's ``gates.toml``
(``gates check --base-policy``); the pull request's own ``gates.toml`` may
only make them stricter before it is merged. :func:`judge_against_base`
compares the two, field by field, and returns the policy to judge with and
every difference, each marked applied or not. The rules (docs/policy.md,
"Policy from the base branch"):

* **Bounds and strictness** (``min``, ``max``, ``level``, ``on-missing``,
  ``severity``, ``slowdown``, ``new``, ``changed``): the pull request's value
  applies when it is at least as strict as the base's, else the base's stays.
* **What a gate measures** (``metric``, ``stage``, ``tool``, ``rule``,
  ``path``): the base's stays; a change is shown, never applied. A gate whose
  metric changed keeps the base's gate whole.
* **Gates**: a new gate applies (it can only block more); a removed gate stays.
* **Waivers**, matched by what they name (kind, target, path): a removed
  waiver is removed; a new one does not apply; one whose expiry moved later
  keeps the base's expiry (and owner and reason).
* **Settings**: ``reports`` is the pull request's (where this run's evidence
  is); ``base`` is the base's; the limits (``max-report-mb``, the time and memory
  budgets of reading) may only shrink.

Pure: no I/O. Comparing a policy with itself yields no change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from gates.model.reports import Severity
from gates.model.verdict import Level
from gates.policy.load import GateSpec, Policy
from gates.policy.schema import LIMITS
from gates.policy.settings import Settings
from gates.policy.waivers import Waiver

__all__ = ["NOT_APPLIED", "BasedPolicy", "PolicyChange", "judge_against_base"]

NOT_APPLIED: Final = "not applied: policy changes apply after merge"
APPLIED: Final = "applied: it only tightens"


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """One difference between the pull request's policy and the base's."""

    subject: str  # "unit-coverage min", "gate flaky", "waiver finding ruff:E501"
    before: str  # "" when the subject is new
    after: str  # "" when the subject was removed
    applied: bool

    def describe(self) -> str:
        """``"unit-coverage min 90 → 80 (not applied: policy changes apply after merge)"``."""
        if not self.before:
            what = f"{self.subject} added"
        elif not self.after:
            what = f"{self.subject} removed"
        else:
            what = f"{self.subject} {self.before} → {self.after}"
        return f"{what} ({APPLIED if self.applied else NOT_APPLIED})"


@dataclass(frozen=True, slots=True)
class BasedPolicy:
    """The policy to judge with, and how the pull request's policy differs from the base's."""

    policy: Policy
    changes: tuple[PolicyChange, ...]
    base_source: str

    def notes(self) -> tuple[str, ...]:
        """The verdict notes: where the thresholds came from, then each change."""
        held = sum(1 for change in self.changes if not change.applied)
        if not self.changes:
            summary = "the same as the base branch's"
        else:
            summary = f"{_count(len(self.changes), 'change')} to the base branch's"
            summary += f", {held} not applied until merged" if held else ", all of them tightenings"
        head = f"policy: {self.policy.source} judged with the base branch's thresholds ({self.base_source}): {summary}"
        return (head, *(f"policy change: {change.describe()}" for change in self.changes))


def judge_against_base(base: Policy, head: Policy) -> BasedPolicy:
    """The policy a pull request is judged by: ``base``, tightened where ``head`` is stricter."""
    changes: list[PolicyChange] = []
    settings = _settings(base.settings, head.settings, changes)
    gates = _gates(base.gates, head.gates, changes)
    waivers = _waivers(base.waivers, head.waivers, changes)
    # the base's quarantine: a change may end an entry (its test fixed), never add one
    kept = {entry.test for entry in head.quarantine}
    quarantine = tuple(entry for entry in base.quarantine if entry.test in kept)
    policy = Policy(
        settings=settings,
        gates=gates,
        waivers=waivers,
        source=head.source,
        quarantine=quarantine,
    )
    return BasedPolicy(policy, tuple(changes), base.source)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------- ordering by strictness

# Each maps a field's value to a number that grows with strictness.
_Rank = Callable[[object], float]


def _min_rank(value: object) -> float:
    return float(value) if isinstance(value, int | float) else -math.inf


def _max_rank(value: object) -> float:
    return -float(value) if isinstance(value, int | float) else -math.inf


def _block_rank(value: object) -> float:
    return 1.0 if value is Level.BLOCK else 0.0


def _severity_rank(value: object) -> float:
    # no severity filter counts every finding, like "info"
    return -float(value) if isinstance(value, Severity) else -float(Severity.INFO)


def _slowdown_rank(value: object) -> float:
    return -float(value) if isinstance(value, int | float) else -math.inf


def _all_rank(value: object) -> float:
    # `new` and `changed` leave findings out: counting every finding is the stricter
    return 0.0 if value else 1.0


# (key in gates.toml, attribute of GateSpec, rank)
_BOUNDS: Final[tuple[tuple[str, str, _Rank], ...]] = (
    ("min", "min", _min_rank),
    ("max", "max", _max_rank),
    ("level", "level", _block_rank),
    ("on-missing", "on_missing", _block_rank),
    ("severity", "severity", _severity_rank),
    ("slowdown", "slowdown", _slowdown_rank),
    ("new", "new", _all_rank),
    ("changed", "changed", _all_rank),
)
_SELECTION: Final = (("stage", "stages"), ("tool", "tools"), ("rule", "rules"), ("path", "paths"))


def _show(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value) if value else "none"
    return str(value)


def _show_slowdown(value: object) -> str:
    return f"{float(value) * 100:g}%" if isinstance(value, float) else _show(value)


# ---------------------------------------------------------------- settings


def _settings(base: Settings, head: Settings, changes: list[PolicyChange]) -> Settings:
    if head.base != base.base:
        changes.append(PolicyChange("[gates] base", base.base, head.base, applied=False))
    if head.history != base.history:
        changes.append(PolicyChange("[gates] history", base.history, head.history, applied=False))
    limits: dict[str, Any] = {
        name.replace("-", "_"): _smaller(name, base, head, changes) for name in LIMITS
    }
    return Settings(
        reports=head.reports,
        base=base.base,
        unaffected=_unaffected(base.unaffected, head.unaffected, changes),
        history=base.history,  # the base's records only: a change cannot pick its own
        **limits,
    )


def _smaller(name: str, base: Settings, head: Settings, changes: list[PolicyChange]) -> int:
    """A limit of ``[gates]`` (a size, a time budget) may only shrink: a larger one loosens."""
    field = name.replace("-", "_")
    was, now = getattr(base, field), getattr(head, field)
    assert isinstance(was, int) and isinstance(now, int)  # noqa: S101 - the limits are whole numbers
    if now == was:
        return was
    changes.append(PolicyChange(f"[gates] {name}", str(was), str(now), applied=now < was))
    return min(was, now)


def _unaffected(
    base: tuple[str, ...], head: tuple[str, ...], changes: list[PolicyChange]
) -> tuple[str, ...]:
    """Globs the change adds would let more edits keep evidence fresh: a loosening."""
    added = [pattern for pattern in head if pattern not in base]
    kept = tuple(pattern for pattern in base if pattern in head)
    if added or kept != base:
        changes.append(
            PolicyChange(
                "[gates] unaffected", _show(list(base)), _show(list(head)), applied=not added
            )
        )
    return kept


# ---------------------------------------------------------------- gates


def _gates(
    base: Sequence[GateSpec], head: Sequence[GateSpec], changes: list[PolicyChange]
) -> tuple[GateSpec, ...]:
    theirs = {gate.name: gate for gate in head}
    kept = []
    for gate in base:
        other = theirs.get(gate.name)
        if other is None:
            changes.append(PolicyChange(f"gate {gate.name}", gate.metric.name, "", applied=False))
            kept.append(gate)
        else:
            kept.append(_gate(gate, other, changes))
    names = {gate.name for gate in base}
    for gate in head:
        if gate.name not in names:
            changes.append(PolicyChange(f"gate {gate.name}", "", gate.metric.name, applied=True))
            kept.append(gate)
    return tuple(kept)


def _gate(base: GateSpec, head: GateSpec, changes: list[PolicyChange]) -> GateSpec:
    if head.metric.name != base.metric.name:
        changes.append(
            PolicyChange(f"{base.name} metric", base.metric.name, head.metric.name, applied=False)
        )
        return base
    for key, attribute in _SELECTION:
        before, after = getattr(base, attribute), getattr(head, attribute)
        if before != after:
            changes.append(
                PolicyChange(f"{base.name} {key}", _show(before), _show(after), applied=False)
            )
    merged = base
    for key, attribute, rank in _BOUNDS:
        before, after = getattr(base, attribute), getattr(head, attribute)
        if before == after:
            continue
        applied = rank(after) >= rank(before)
        show = _show_slowdown if key == "slowdown" else _show
        changes.append(PolicyChange(f"{base.name} {key}", show(before), show(after), applied))
        if applied:
            merged = replace(merged, **{attribute: after})
    return merged


# ---------------------------------------------------------------- waivers


def _key(waiver: Waiver) -> tuple[str, str, str]:
    return (waiver.kind, waiver.target, waiver.path)


def _waivers(
    base: Sequence[Waiver], head: Sequence[Waiver], changes: list[PolicyChange]
) -> tuple[Waiver, ...]:
    """The base's waivers the pull request keeps; indexes stay the base file's."""
    theirs: dict[tuple[str, str, str], list[Waiver]] = {}
    for waiver in head:
        theirs.setdefault(_key(waiver), []).append(waiver)
    kept = []
    for waiver in base:
        matches = theirs.get(_key(waiver), [])
        if not matches:
            changes.append(PolicyChange(f"waiver {waiver.label}", "present", "", applied=True))
            continue
        other = matches.pop(0)
        kept.append(_waiver(waiver, other, changes))
    changes.extend(
        PolicyChange(f"waiver {waiver.label}", "", f"until {waiver.expires}", applied=False)
        for rest in theirs.values()
        for waiver in rest
    )
    return tuple(kept)


def _waiver(base: Waiver, head: Waiver, changes: list[PolicyChange]) -> Waiver:
    if head.expires > base.expires:
        changes.append(
            PolicyChange(
                f"waiver {base.label} expires",
                base.expires.isoformat(),
                head.expires.isoformat(),
                applied=False,
            )
        )
        return base
    if head.expires < base.expires:
        changes.append(
            PolicyChange(
                f"waiver {base.label} expires",
                base.expires.isoformat(),
                head.expires.isoformat(),
                applied=True,
            )
        )
    return replace(head, index=base.index)
