"""Which waivers apply to what: pure matching, with usage counted.

A waiver covers a finding (``tool:rule``, the rule a glob, optionally only in
files matching ``path``), a whole gate, or an evidence problem
(``tool[:problem[:subject]]``, where ``tool`` may also be a stage name). An expired waiver covers nothing: it blocks.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from gates.model.reports import Finding, Problem
from gates.model.verdict import WaiverTarget
from gates.policy.load import Waiver

__all__ = ["WaiverBook"]


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
