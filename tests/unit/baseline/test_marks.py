"""What a `new` or `changed` findings gate counts, and that it fails closed."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from gates.baseline.marks import Marks, pick
from gates.model.reports import Finding, Problem, Severity
from tests.unit._build import evidence, finding, findings, judge, stage

A = finding("ruff", "S307", line=9)
B = finding("ruff", "F401", Severity.LOW, line=1)
MISSING = Problem(
    slug="baseline-missing",
    path="gates-baseline.json",
    message="there is no baseline file, so every finding counts as new",
    hint="record it with `gates baseline`",
    subject="baseline",
)


def test_a_plain_gate_counts_every_finding() -> None:
    picked = pick([A, B], None, new=False, changed=False)
    assert picked.findings == [A, B]
    assert picked.summary == ""
    assert picked.problems == ()


def test_new_counts_only_the_new_findings_as_a_multiset() -> None:
    marks = Marks(new=Counter([A]))
    picked = pick([A, A, B], marks, new=True, changed=False)
    assert picked.findings == [A]  # one copy of A is new, the other and B are baselined
    assert picked.summary == "; only new ones count: 2 in the baseline"


def test_changed_counts_only_findings_on_changed_lines() -> None:
    marks = Marks(changed=Counter([B]), against="origin/main (merge base 0123456789ab)")
    picked = pick([A, B], marks, new=False, changed=True)
    assert picked.findings == [B]
    assert "lines changed since origin/main (merge base 0123456789ab)" in picked.summary


def test_new_and_changed_together_count_new_findings_on_changed_lines() -> None:
    marks = Marks(new=Counter([A, B]), changed=Counter([B]), against="origin/main")
    assert pick([A, B], marks, new=True, changed=True).findings == [B]


def test_without_a_baseline_every_finding_counts_and_the_problem_says_why() -> None:
    picked = pick([A, B], Marks(new_problems=(MISSING,)), new=True, changed=False)
    assert picked.findings == [A, B]
    assert picked.problems == (MISSING,)


def test_marks_nobody_worked_out_count_every_finding_with_a_problem() -> None:
    for marks in (None, Marks()):
        picked = pick([A], marks, new=True, changed=True)
        assert picked.findings == [A]
        assert [p.slug for p in picked.problems] == ["baseline-unread", "baseline-unread"]


POLICY = """
[gate.lint]
metric = "findings"
max = 0
new = true

[gate.all]
metric = "findings"
max = 0
"""


def test_a_new_gate_passes_on_baselined_findings_and_names_the_new_one() -> None:
    ev = evidence(stage("lint", findings("lint", "ruff", A, B)))
    verdict = judge(POLICY, replace(ev, marks=Marks(new=Counter([B]))))
    lint, every = verdict.gates
    assert (lint.status.value, lint.observed) == ("fail", 1)
    assert [o.label for o in lint.offenders] == ["ruff F401"]
    assert "1 in the baseline" in lint.reason
    assert (every.status.value, every.observed) == ("fail", 2)  # a plain gate counts both


def test_a_new_gate_without_a_baseline_errors_and_never_passes() -> None:
    ev = evidence(stage("lint", findings("lint", "ruff")))  # not even a finding
    verdict = judge(POLICY, replace(ev, marks=Marks(new_problems=(MISSING,))))
    assert verdict.gates[0].status.value == "error"
    assert verdict.gates[0].problems[0].slug == "baseline-missing"
    assert verdict.exit_code == 3


def test_a_finding_marked_new_counts_once_per_mark() -> None:
    same = Finding("ruff", "S307", Severity.MEDIUM, "pkg/a.py", 9, "S307 message")
    assert same == A
    marks = Marks(new=Counter({A: 2}))
    assert pick([A, same, A], marks, new=True, changed=False).findings == [A, A]
