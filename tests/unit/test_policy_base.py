"""Policy from the base branch: a pull request is judged by the base's thresholds.

Each rule of docs/policy.md ("Policy from the base branch") has its test:
bounds apply only when stricter, what a gate measures never changes before the
merge, new gates apply, removed gates stay, new waivers do not apply, removed
ones are gone, and a policy compared with itself changes nothing.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Final

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gates.model.reports import Severity
from gates.policy.base import NOT_APPLIED, BasedPolicy, PolicyChange, judge_against_base
from gates.policy.load import GateSpec, Policy, parse_policy

BASE: Final = """
[gates]
base = "origin/main"
max-report-mb = 64

[gate.unit-coverage]
metric = "coverage.percent"
stage = "unit"
min = 90

[gate.tests]
metric = "tests.failed"
max = 0

[gate.security]
metric = "findings"
tool = ["bandit", "pip-audit"]
severity = "medium"
max = 0

[gate.flaky]
metric = "tests.skipped"
max = 5
level = "warn"
on-missing = "warn"

[gate.benchmarks]
metric = "benchmark.regressions"
slowdown = "5%"
max = 0

[[waiver]]
finding = "pip-audit:GHSA-1111-2222-3333"
owner = "sec"
reason = "not reachable"
expires = 2027-01-31

[[waiver]]
gate = "benchmarks"
owner = "perf"
reason = "noisy runners"
expires = 2027-03-31
"""


def _policy(text: str, source: str = "gates.toml") -> Policy:
    return parse_policy(tomllib.loads(text), source=source)


def _judge(head: str, *, base: str = BASE) -> BasedPolicy:
    return judge_against_base(_policy(base, "base.toml"), _policy(head))


def _gate(policy: Policy, name: str) -> GateSpec:
    return next(gate for gate in policy.gates if gate.name == name)


def _notes(based: BasedPolicy) -> list[str]:
    return [change.describe() for change in based.changes]


# ---------------------------------------------------------------- the same policy


def test_the_same_policy_changes_nothing() -> None:
    based = _judge(BASE)
    base = _policy(BASE)
    assert based.changes == ()
    assert based.policy.gates == base.gates
    assert based.policy.waivers == base.waivers
    assert based.policy.settings == base.settings
    assert based.policy.source == "gates.toml"
    assert based.notes() == (
        (
            "policy: gates.toml judged with the base branch's thresholds (base.toml): "
            "the same as the base branch's"
        ),
    )


# ---------------------------------------------------------------- bounds


def test_a_lowered_min_is_shown_and_not_applied() -> None:
    based = _judge(BASE.replace("min = 90", "min = 80"))
    assert _gate(based.policy, "unit-coverage").min == 90
    assert _notes(based) == [
        "unit-coverage min 90 → 80 (not applied: policy changes apply after merge)"
    ]
    assert based.notes()[0].endswith("1 change to the base branch's, 1 not applied until merged")
    assert based.notes()[1] == (
        "policy change: unit-coverage min 90 → 80 (not applied: policy changes apply after merge)"
    )


def test_a_raised_min_applies() -> None:
    based = _judge(BASE.replace("min = 90", "min = 95"))
    assert _gate(based.policy, "unit-coverage").min == 95
    assert _notes(based) == ["unit-coverage min 90 → 95 (applied: it only tightens)"]
    assert based.notes()[0].endswith("1 change to the base branch's, all of them tightenings")


def test_a_removed_bound_is_a_loosening_and_an_added_one_a_tightening() -> None:
    removed = _judge(BASE.replace("min = 90", "max = 100"))
    gate = _gate(removed.policy, "unit-coverage")
    assert (gate.min, gate.max) == (90, 100)
    assert _notes(removed) == [
        f"unit-coverage min 90 → none ({NOT_APPLIED})",
        "unit-coverage max none → 100 (applied: it only tightens)",
    ]


@pytest.mark.parametrize(
    ("before", "after", "applied"),
    [
        ("max = 0\n\n[gate.security]", "max = 3\n\n[gate.security]", False),
        ('severity = "medium"', 'severity = "high"', False),
        ('severity = "medium"', 'severity = "low"', True),
        ('severity = "medium"\n', "", True),  # no filter counts every finding
        ('level = "warn"', 'level = "block"', True),
        ('on-missing = "warn"', 'on-missing = "block"', True),
        ("max = 5", "max = 6", False),
        ('slowdown = "5%"', 'slowdown = "10%"', False),
        ('slowdown = "5%"', 'slowdown = "2%"', True),
    ],
)
def test_each_bound_applies_only_when_stricter(before: str, after: str, applied: bool) -> None:
    assert BASE.count(before) == 1
    based = _judge(BASE.replace(before, after))
    assert len(based.changes) == 1, _notes(based)
    assert based.changes[0].applied is applied


def test_a_blocking_gate_made_a_warning_still_blocks() -> None:
    based = _judge(BASE.replace("[gate.tests]\n", '[gate.tests]\nlevel = "warn"\n'))
    assert _gate(based.policy, "tests").level == "block"
    assert _notes(based) == [f"tests level block → warn ({NOT_APPLIED})"]


def test_slowdown_and_severity_read_as_in_the_policy() -> None:
    based = _judge(
        BASE.replace('slowdown = "5%"', 'slowdown = "10%"').replace('"medium"', '"high"')
    )
    assert _notes(based) == [
        f"security severity medium → high ({NOT_APPLIED})",
        f"benchmarks slowdown 5% → 10% ({NOT_APPLIED})",
    ]
    assert _gate(based.policy, "security").severity is Severity.MEDIUM


# ---------------------------------------------------------------- what a gate measures


def test_a_changed_metric_keeps_the_base_gate_whole() -> None:
    head = BASE.replace('metric = "tests.failed"\nmax = 0', 'metric = "tests.total"\nmin = 1')
    based = _judge(head)
    assert _gate(based.policy, "tests") == _gate(_policy(BASE), "tests")
    assert _notes(based) == [f"tests metric tests.failed → tests.total ({NOT_APPLIED})"]


@pytest.mark.parametrize(
    ("before", "after", "note"),
    [
        ('stage = "unit"', 'stage = "integration"', "unit-coverage stage unit → integration"),
        (
            'tool = ["bandit", "pip-audit"]',
            'tool = "bandit"',
            "security tool bandit, pip-audit → bandit",
        ),
        (
            'tool = ["bandit", "pip-audit"]',
            'tool = ["bandit", "pip-audit"]\nrule = "B6*"',
            "security rule none → B6*",
        ),
        (
            'tool = ["bandit", "pip-audit"]',
            'tool = ["bandit", "pip-audit"]\npath = "src/**"',
            "security path none → src/**",
        ),
    ],
)
def test_what_a_gate_measures_never_changes_before_the_merge(
    before: str, after: str, note: str
) -> None:
    based = _judge(BASE.replace(before, after))
    assert _notes(based) == [f"{note} ({NOT_APPLIED})"]
    assert based.policy.gates == _policy(BASE).gates


# ---------------------------------------------------------------- gates


def test_a_removed_gate_stays() -> None:
    head = BASE.replace('[gate.tests]\nmetric = "tests.failed"\nmax = 0\n', "")
    based = _judge(head)
    assert [gate.name for gate in based.policy.gates] == [g.name for g in _policy(BASE).gates]
    assert _notes(based) == [f"gate tests removed ({NOT_APPLIED})"]


def test_a_new_gate_applies() -> None:
    head = BASE + '\n[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
    based = _judge(head)
    assert [gate.name for gate in based.policy.gates][-1] == "lint"
    assert _notes(based) == ["gate lint added (applied: it only tightens)"]


# ---------------------------------------------------------------- waivers

NEW_WAIVER: Final = """
[[waiver]]
gate = "unit-coverage"
owner = "me"
reason = "trust me"
expires = 2027-12-31
"""


def test_a_new_waiver_does_not_apply() -> None:
    based = _judge(BASE + NEW_WAIVER)
    assert based.policy.waivers == _policy(BASE).waivers
    assert _notes(based) == [f"waiver gate unit-coverage added ({NOT_APPLIED})"]


def test_a_removed_waiver_is_gone() -> None:
    head = BASE.split("[[waiver]]")[0] + "[[waiver]]" + BASE.split("[[waiver]]")[2]
    based = _judge(head)
    assert [w.target for w in based.policy.waivers] == ["benchmarks"]
    assert [w.index for w in based.policy.waivers] == [1]  # the base file's index
    assert _notes(based) == [
        "waiver finding pip-audit:GHSA-1111-2222-3333 removed (applied: it only tightens)"
    ]


def test_a_waiver_extended_keeps_the_base_expiry_and_a_shortened_one_applies() -> None:
    longer = _judge(BASE.replace("2027-01-31", "2028-01-31"))
    assert longer.policy.waivers[0].expires == dt.date(2027, 1, 31)
    assert _notes(longer) == [
        f"waiver finding pip-audit:GHSA-1111-2222-3333 expires 2027-01-31 → 2028-01-31 ({NOT_APPLIED})"
    ]
    shorter = _judge(BASE.replace("2027-01-31", "2026-06-30").replace('"not reachable"', '"x"'))
    assert shorter.policy.waivers[0].expires == dt.date(2026, 6, 30)
    assert shorter.policy.waivers[0].reason == "x"
    assert shorter.changes[0].applied


# ---------------------------------------------------------------- settings


def test_settings_base_stays_reports_follow_the_pull_request_size_only_shrinks() -> None:
    head = BASE.replace('base = "origin/main"', 'base = "HEAD"\nreports = "out"')
    based = _judge(head.replace("max-report-mb = 64", "max-report-mb = 512"))
    settings = based.policy.settings
    assert (settings.base, settings.reports, settings.max_report_mb) == ("origin/main", "out", 64)
    assert _notes(based) == [
        f"[gates] base origin/main → HEAD ({NOT_APPLIED})",
        f"[gates] max-report-mb 64 → 512 ({NOT_APPLIED})",
    ]
    smaller = _judge(BASE.replace("max-report-mb = 64", "max-report-mb = 8"))
    assert smaller.policy.settings.max_report_mb == 8


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("max-report-seconds", "max_report_seconds"),
        ("max-evidence-seconds", "max_evidence_seconds"),
        ("max-memory-mb", "max_memory_mb"),
    ],
)
def test_a_pull_request_cannot_raise_the_budget_of_reading_its_evidence(
    key: str, field: str
) -> None:
    """A pull request writes its reports: a larger budget for them is a loosening."""
    base = BASE.replace("max-report-mb = 64", f"max-report-mb = 64\n{key} = 100")
    raised = _judge(base.replace(f"{key} = 100", f"{key} = 1000"), base=base)
    assert getattr(raised.policy.settings, field) == 100
    assert _notes(raised) == [f"[gates] {key} 100 → 1000 ({NOT_APPLIED})"]
    lowered = _judge(base.replace(f"{key} = 100", f"{key} = 90"), base=base)
    assert getattr(lowered.policy.settings, field) == 90


# ---------------------------------------------------------------- properties


def test_a_change_reads_as_added_removed_or_before_and_after() -> None:
    assert PolicyChange("gate x", "", "findings", applied=True).describe() == (
        "gate x added (applied: it only tightens)"
    )
    assert PolicyChange("gate x", "findings", "", applied=False).describe() == (
        f"gate x removed ({NOT_APPLIED})"
    )


@given(
    base_min=st.integers(0, 100),
    head_min=st.integers(0, 100),
    base_max=st.integers(0, 100),
    head_max=st.integers(0, 100),
)
def test_the_judging_bounds_are_never_looser_than_the_bases(
    base_min: int, head_min: int, base_max: int, head_max: int
) -> None:
    def policy(low: int, high: int) -> str:
        return f'[gate.c]\nmetric = "coverage.percent"\nmin = {min(low, high)}\nmax = {max(low, high)}\n'

    base = _policy(policy(base_min, base_max))
    head = _policy(policy(head_min, head_max))
    gate = judge_against_base(base, head).policy.gates[0]
    assert gate.min is not None and base.gates[0].min is not None
    assert gate.max is not None and base.gates[0].max is not None
    assert gate.min >= base.gates[0].min
    assert gate.max <= base.gates[0].max
    assert gate.min in (base.gates[0].min, head.gates[0].min)


def test_more_unaffected_globs_are_a_loosening_and_fewer_a_tightening() -> None:
    base = _policy('[gates]\nunaffected = ["*.md"]\n' + BASE.split("[gates]", 1)[-1])
    wider = _policy('[gates]\nunaffected = ["*.md", "src/"]\n' + BASE.split("[gates]", 1)[-1])
    narrower = _policy("[gates]\n" + BASE.split("[gates]", 1)[-1])
    loosened = judge_against_base(base, wider)
    assert loosened.policy.settings.unaffected == ("*.md",)
    assert _notes(loosened) == [f"[gates] unaffected ['*.md'] → ['*.md', 'src/'] ({NOT_APPLIED})"]
    tightened = judge_against_base(base, narrower)
    assert tightened.policy.settings.unaffected == ()
    assert [change.applied for change in tightened.changes] == [True]
