"""Which waivers apply to what: pure matching, with usage counted.

A waiver covers a finding (``tool:rule``, the rule a glob, optionally only in
files matching ``path``), a whole gate, or an evidence problem
(``tool[:problem[:subject]]``, where ``tool`` may also be a stage name). An expired waiver covers nothing: it blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from gates.errors import PolicyError
from gates.model.reports import Finding, Problem
from gates.model.verdict import WaiverTarget
from gates.policy.fields import kind_of, known_keys, text
from gates.policy.hints import expires_hint, finding_hint
from gates.policy.schema import WAIVER_KEYS, WAIVER_TARGETS

__all__ = ["Waiver", "WaiverBook", "parse_waiver"]


class WaiverBook:
    """The policy's waivers, split into live and expired, counting what each covers."""

    def __init__(self, waivers: Sequence[Waiver], *, today: dt.date) -> None:
        self.all = tuple(waivers)
        self.live = tuple(w for w in waivers if w.expires >= today)
        self._findings = tuple(w for w in self.live if w.kind is WaiverTarget.FINDING)
        self._evidence = tuple(w for w in self.live if w.kind is WaiverTarget.EVIDENCE)
        self.used: Counter[int] = Counter()

    def finding(self, finding: Finding) -> Waiver | None:
        """The first live waiver covering ``finding``."""
        for waiver in self._findings:
            tool, _, rule = waiver.target.partition(":")
            if tool != finding.tool or not fnmatchcase(finding.rule, rule):
                continue
            if waiver.path and not fnmatchcase(finding.path, waiver.path):
                continue
            self.used[waiver.index] += 1
            return waiver
        return None

    def split_findings(self, findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(not waived, waived)."""
        if not self._findings:  # no finding waiver: nothing to match, finding by finding
            return list(findings), []
        kept: list[Finding] = []
        waived: list[Finding] = []
        for finding in findings:
            (waived if self.finding(finding) else kept).append(finding)
        return kept, waived

    def evidence(self, problem: Problem, *, tool: str, stage: str = "") -> Waiver | None:
        """The first live waiver covering an evidence problem of ``tool`` (or of ``stage``)."""
        for waiver in self._evidence:
            parts = waiver.target.split(":", 2)
            if parts[0] not in (tool, stage) or not parts[0]:
                continue
            if len(parts) > 1 and parts[1] != problem.slug:
                continue
            if len(parts) > 2 and parts[2] != problem.subject:
                continue
            self.used[waiver.index] += 1
            return waiver
        return None

    def gate(self, name: str) -> Waiver | None:
        for waiver in self.live:
            if waiver.kind is WaiverTarget.GATE and waiver.target == name:
                self.used[waiver.index] += 1
                return waiver
        return None


# ---------------------------------------------------------------- reading a [[waiver]] table


_TARGET_PATTERNS = {
    "finding": (re.compile(r"^[^:\s]+:\S+$"), "tool:rule (the rule may be a glob)"),
    "evidence": (re.compile(r"^[^:\s]+(:[^:\s]+)?(:\S+)?$"), "tool[:problem[:subject]]"),
}


@dataclass(frozen=True, slots=True)
class Waiver:
    """One ``[[waiver]]``: what it covers, who owns it, why, until when."""

    index: int
    kind: WaiverTarget
    target: str
    owner: str
    reason: str
    expires: dt.date
    path: str = ""  # glob, for finding waivers

    @property
    def label(self) -> str:
        where = f" in {self.path}" if self.path else ""
        return f"{self.kind} {self.target}{where}"


def parse_waiver(index: int, item: Mapping[str, object]) -> Waiver:
    where = f"waiver[{index}]"
    known_keys(item, WAIVER_KEYS, where)
    targets = [key for key in WAIVER_TARGETS if key in item]
    if len(targets) != 1:
        raise PolicyError(
            "needs exactly one of " + ", ".join(f"`{t}`" for t in WAIVER_TARGETS),
            key=where,
            hint='e.g. finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"',
        )
    kind = WaiverTarget(targets[0])
    target = text(item, kind, where, default="")
    pattern = _TARGET_PATTERNS.get(kind)
    if pattern is not None and not pattern[0].match(target):
        raise PolicyError(
            f"{target!r} should read {pattern[1]}",
            key=f"{where}.{kind}",
            hint=finding_hint(target) if kind is WaiverTarget.FINDING else "",
        )
    if "path" in item and kind is not WaiverTarget.FINDING:
        raise PolicyError("applies to finding waivers only", key=f"{where}.path")
    return Waiver(
        index=index,
        kind=kind,
        target=target,
        owner=_required_text(item, "owner", where),
        reason=_required_text(item, "reason", where),
        expires=_expires(item, where),
        path=text(item, "path", where, default="-") if "path" in item else "",
    )


def _required_text(item: Mapping[str, object], key: str, where: str) -> str:
    if key not in item:
        raise PolicyError(
            "is required: every waiver has an owner, a reason and an expiry", key=f"{where}.{key}"
        )
    return text(item, key, where, default="")


def _expires(item: Mapping[str, object], where: str) -> dt.date:
    value = item.get("expires")
    if value is None:
        raise PolicyError(
            "is required: every waiver has an owner, a reason and an expiry",
            key=f"{where}.expires",
            hint="a TOML date such as expires = 2027-01-31",
        )
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise PolicyError(
            f"should be a TOML date (expires = 2027-01-31), found {kind_of(value)}",
            key=f"{where}.expires",
            hint=expires_hint(value),
        )
    return value
