"""`new` and `changed` in gates.toml: read, checked, and held back when a pull request turns them on."""

from __future__ import annotations

import tomllib

import pytest

from gates.errors import PolicyError
from gates.policy import Policy, parse_policy
from gates.policy.base import NOT_APPLIED, judge_against_base

LINT = """
[gate.lint]
metric = "findings"
tool = "ruff"
max = 0
"""


def _policy(text: str) -> Policy:
    return parse_policy(tomllib.loads(text))


def test_both_are_off_unless_set() -> None:
    gate = _policy(LINT).gates[0]
    assert (gate.new, gate.changed) == (False, False)
    gate = _policy(LINT + "new = true\nchanged = true\n").gates[0]
    assert (gate.new, gate.changed) == (True, True)


@pytest.mark.parametrize(
    ("text", "key", "said"),
    [
        (LINT + 'new = "true"\n', "gate.lint.new", "should be true or false"),
        (LINT + "changed = 1\n", "gate.lint.changed", "should be true or false"),
        (
            '[gate.cov]\nmetric = "coverage.percent"\nmin = 90\nnew = true\n',
            "gate.cov.new",
            "does not apply",
        ),
    ],
)
def test_a_wrong_value_or_metric_is_a_policy_error(text: str, key: str, said: str) -> None:
    with pytest.raises(PolicyError) as caught:
        _policy(text)
    assert caught.value.key == key
    assert said in caught.value.message


@pytest.mark.parametrize("key", ["new", "changed"])
def test_turning_one_on_is_a_loosening_and_turning_it_off_a_tightening(key: str) -> None:
    plain, only = _policy(LINT), _policy(LINT + f"{key} = true\n")
    loosened = judge_against_base(plain, only)
    assert getattr(loosened.policy.gates[0], key) is False
    assert [c.describe() for c in loosened.changes] == [f"lint {key} false → true ({NOT_APPLIED})"]
    tightened = judge_against_base(only, plain)
    assert getattr(tightened.policy.gates[0], key) is False
    assert tightened.changes[0].applied
