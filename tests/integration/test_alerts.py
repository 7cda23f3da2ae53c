"""``gates alerts`` end to end: rules from gates.toml, webhooks to a local server, sent once.

The server is Python's ``http.server`` on 127.0.0.1 (an ephemeral port) and
records every request it receives. What is checked: an alert is delivered
once and not repeated on the next run; a failing sink is reported apart and
retried, the exit code unchanged; the webhook URL and token are never printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.outputs import json_out
from gates.outputs.interface import RenderOptions
from tests.integration.conftest import Gates
from tests.unit.outputs._verdicts import mixed
from tests.webhook import Received

POLICY = """\
[gates]
base = "origin/main"

[gate.unit-coverage]
metric = "coverage.percent"
min = 90

[alert.red]
when = "gate-red"
gates = ["unit-coverage", "tests"]
slack = "GATES_TEST_SLACK"

[alert.critical]
when = "new-finding"
severity = "critical"
webhook = "GATES_TEST_HOOK"
token = "GATES_TEST_TOKEN"

[alert.soon]
when = "expiring"
days = 90
"""
TOKEN = "s3cr3t-token-value"


@pytest.fixture
def gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    root = tmp_path / "project"
    (root / ".gates").mkdir(parents=True)
    (root / "gates.toml").write_text(POLICY, encoding="utf-8")
    verdict = json_out.render(mixed(), options=RenderOptions())
    (root / ".gates" / "verdict.json").write_text(verdict, encoding="utf-8")
    (tmp_path / "runs").mkdir()
    return Gates(root, capsys)


def _alerts(gates: Gates, *extra: str) -> tuple[int, str, str]:
    ran = gates(
        "alerts", "--root", str(gates.root), "--config", str(gates.root / "gates.toml"),
        "--history", str(gates.root.parent / "runs"), "--branch", "main",
        "--today", "2026-12-01", *extra,
    )  # fmt: skip
    return ran.code, ran.out, ran.err


def test_delivered_once_and_not_repeated(
    gates: Gates, server: tuple[str, Received], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, received = server
    monkeypatch.setenv("GATES_TEST_SLACK", f"{url}/slack")
    monkeypatch.setenv("GATES_TEST_HOOK", f"{url}/hook")
    monkeypatch.setenv("GATES_TEST_TOKEN", TOKEN)
    out_json = tmp_path / "alerts.json"
    code, out, err = _alerts(gates, "--json", str(out_json), "--markdown", str(tmp_path / "a.md"))
    assert code == 0, err
    assert "ALERT [red] gate unit-coverage turned fail" in out
    assert "ALERT [red] gate tests turned fail" in out
    assert "ALERT [critical] critical finding semgrep" in out
    assert (
        "ALERT [soon] waiver finding pip-audit:GHSA-h4gh-qq45-vh27 (@sec-team) expires in 61 days"
        in out
    )
    paths = sorted(path for path, _, _ in received.requests)
    assert paths == ["/hook", "/slack"]
    slack = next(json.loads(b) for p, _, b in received.requests if p == "/slack")
    assert set(slack) == {"text"} and "unit-coverage" in slack["text"]
    hook_headers, hook = next((h, json.loads(b)) for p, h, b in received.requests if p == "/hook")
    assert hook_headers["Authorization"] == f"Bearer {TOKEN}"
    assert "ALERT [soon] waiver finding bandit:B602 (no owner) expired 1065 days ago" in out
    assert [a["rule"] for a in hook["alerts"]] == ["critical"]
    document = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(document["alerts"]) == 6 and document["sink_failures"] == []
    assert "gates alerts" in (tmp_path / "a.md").read_text(encoding="utf-8")
    assert url not in out + err and TOKEN not in out + err

    code, out, err = _alerts(gates, "--json", str(out_json))
    assert code == 0, err
    assert "ALERT" not in out
    assert "6 alerts raised, 0 new, 6 already sent" in out
    assert len(received.requests) == 2  # nothing sent again
    assert json.loads(out_json.read_text(encoding="utf-8"))["alerts"] == []


def test_a_failing_sink_is_reported_apart_and_retried(
    gates: Gates, server: tuple[str, Received], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = server
    monkeypatch.setenv("GATES_TEST_SLACK", f"{url}/slack")
    monkeypatch.setenv("GATES_TEST_HOOK", f"{url}/hook?key={TOKEN}")
    received.status = 500
    code, out, err = _alerts(gates)
    assert code == 0
    assert "alert sink failed (the verdict is unchanged)" in err
    assert "HTTP 500 from $GATES_TEST_SLACK" in err
    assert "ALERT [red]" in out  # the terminal had them
    assert TOKEN not in out + err and url not in out + err
    received.status = 200
    code, out, err = _alerts(gates)
    assert code == 0 and "sink failed" not in err
    assert "ALERT" not in out  # not new for the terminal
    assert [p for p, _, _ in received.requests].count("/slack") == 2  # refused, then delivered
    _alerts(gates)
    assert [p for p, _, _ in received.requests].count("/slack") == 2  # and not again


def test_an_unset_or_unreachable_webhook_names_only_its_variable(
    gates: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATES_TEST_SLACK", raising=False)
    monkeypatch.setenv("GATES_TEST_HOOK", "http://127.0.0.1:9/hook-with-secret-path")
    code, _, err = _alerts(gates)
    assert code == 0
    assert "$GATES_TEST_SLACK is not set" in err
    assert "cannot reach $GATES_TEST_HOOK" in err
    assert "hook-with-secret-path" not in err


def test_a_policy_without_alerts_raises_none(gates: Gates) -> None:
    (gates.root / "gates.toml").write_text(
        POLICY.split("[alert.red]", maxsplit=1)[0], encoding="utf-8"
    )
    code, out, _ = _alerts(gates)
    assert code == 0 and "0 alerts raised" in out


def test_a_bad_alert_rule_is_a_policy_error(gates: Gates) -> None:
    (gates.root / "gates.toml").write_text(
        POLICY.replace('slack = "GATES_TEST_SLACK"', 'slack = "https://hooks.example/x"'),
        encoding="utf-8",
    )
    code, _, err = _alerts(gates)
    assert code == 2
    assert "alert.red.slack" in err


def test_an_unwritable_output_is_a_sink_failure_not_a_crash(gates: Gates, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = _alerts(
        gates, "--markdown", str(blocker / "a.md"), "--state", str(blocker / "state.json")
    )
    assert code == 0
    assert "ALERT [red]" in out
    assert "--markdown: cannot write" in err
    assert "the next run sends these alerts again" in err
