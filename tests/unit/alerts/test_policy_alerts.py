"""``[alert.<name>]``: parsed and checked, and documented key by key in docs/policy.md."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import jsonschema
import pytest

from gates.errors import PolicyError
from gates.model.reports import Severity
from gates.policy.alerts import AlertRule, When
from gates.policy.load import parse_policy
from gates.policy.schema import ALERT_KEYS, ALERT_WHEN, json_schema

DOCS = Path(__file__).resolve().parents[3] / "docs" / "policy.md"
GATE = '[gate.cov]\nmetric = "coverage.percent"\nmin = 90\n'


def _alerts(text: str) -> tuple[AlertRule, ...]:
    return parse_policy(tomllib.loads(GATE + text)).alerts


def test_rules_with_their_defaults() -> None:
    rules = _alerts(
        '[alert.red]\nwhen = "gate-red"\nslack = "SLACK_URL"\n'
        '[alert.drop]\nwhen = "regression"\ngates = "cov"\npercent = 2.5\n'
    )
    assert rules == (
        AlertRule(name="red", when=When.GATE_RED, slack="SLACK_URL"),
        AlertRule(name="drop", when=When.REGRESSION, gates=("cov",), percent=2.5),
    )
    assert rules[0].severity is Severity.CRITICAL and rules[0].days == 14
    assert parse_policy(tomllib.loads(GATE)).alerts == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[alert.a]\nslack = "X"\n', "alert.a"),
        ('[alert.a]\nwhen = "red"\n', "alert.a.when"),
        (
            '[alert.a]\nwhen = "gate-red"\nslack = "https://hooks.example/T0/B0/x"\n',
            "alert.a.slack",
        ),
        ('[alert.a]\nwhen = "gate-red"\nwebhook = "A B"\n', "alert.a.webhook"),
        ('[alert.a]\nwhen = "regression"\npercent = 0\n', "alert.a.percent"),
        ('[alert.a]\nwhen = "expiring"\ndays = -1\n', "alert.a.days"),
        ('[alert.a]\nwhen = "expiring"\ndays = true\n', "alert.a.days"),
        ('[alert.a]\nwhen = "new-finding"\nseverity = "severe"\n', "alert.a.severity"),
        ('[alert.a]\nwhen = "gate-red"\nchannel = "#x"\n', "alert.a.channel"),
        ("[alert]\na = 1\n", "alert.a"),
    ],
)
def test_a_bad_rule_names_its_key(text: str, key: str) -> None:
    with pytest.raises(PolicyError) as raised:
        _alerts(text)
    assert raised.value.key == key


def test_the_json_schema_agrees() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    good = tomllib.loads(GATE + '[alert.a]\nwhen = "new-flaky"\nwebhook = "HOOK"\ntoken = "TOK"\n')
    assert list(validator.iter_errors(good)) == []
    bad = tomllib.loads(GATE + '[alert.a]\nwhen = "new-flaky"\nwebhook = "https://x"\n')
    assert list(validator.iter_errors(bad)) != []


def _section() -> str:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("## `[alert.<name>]`")
    return text[start : text.index("\n## ", start + 1)]


@pytest.mark.parametrize("key", sorted(ALERT_KEYS))
def test_docs_policy_md_documents_every_alert_key(key: str) -> None:
    rows = re.findall(r"^\| `([a-z-]+)` \|", _section(), flags=re.MULTILINE)
    assert key in rows
    assert set(rows) == set(ALERT_KEYS)


@pytest.mark.parametrize("when", ALERT_WHEN)
def test_docs_policy_md_documents_every_when(when: str) -> None:
    assert f"`{when}`" in _section()
