"""``gates alerts`` in-process: the rules of gates.toml on a verdict, each alert sent once.

The webhooks go to Python's ``http.server`` on 127.0.0.1, which records what it
received; a sink that fails is reported on stderr and in ``--json``, the exit
code is 0 whatever happens, and no URL or token is ever printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.cli import main
from gates.outputs import json_out
from gates.outputs.interface import RenderOptions
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
slack = "COVCLI_SLACK"

[alert.critical]
when = "new-finding"
severity = "critical"
webhook = "COVCLI_HOOK"
token = "COVCLI_TOKEN"
"""
LOCAL_ONLY = POLICY.split("slack =", maxsplit=1)[0]  # [alert.red] alone, with no webhook
NO_ALERTS = POLICY.split("[alert.red]", maxsplit=1)[0]
TOKEN = "tok-3a9f-never-printed"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    (project / ".gates").mkdir(parents=True)
    (project / "gates.toml").write_text(POLICY, encoding="utf-8")
    verdict = json_out.render(mixed(), options=RenderOptions())
    (project / ".gates" / "verdict.json").write_text(verdict, encoding="utf-8")
    (tmp_path / "runs").mkdir()
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "COVCLI_SLACK", "COVCLI_HOOK"):
        monkeypatch.delenv(name, raising=False)
    return project


def _alerts(
    root: Path, capsys: pytest.CaptureFixture[str], *extra: str, config: str = ""
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(
        [
            "alerts", "--root", str(root), "--config", config or str(root / "gates.toml"),
            "--history", str(root.parent / "runs"), "--branch", "main",
            "--today", "2026-12-01", *extra,
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _hooks(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("COVCLI_SLACK", f"{url}/slack")
    monkeypatch.setenv("COVCLI_HOOK", f"{url}/hook")
    monkeypatch.setenv("COVCLI_TOKEN", TOKEN)


def test_sent_to_every_sink_once_and_recorded_in_the_state(
    root: Path,
    server: tuple[str, Received],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, received = server
    _hooks(monkeypatch, url)
    out_json, out_md = tmp_path / "alerts.json", tmp_path / "alerts.md"
    code, out, err = _alerts(root, capsys, "--json", str(out_json), "--markdown", str(out_md))
    assert code == 0, err
    assert "ALERT [red] gate unit-coverage turned fail" in out
    assert "ALERT [critical] critical finding semgrep" in out
    assert out.endswith("3 alerts raised, 3 new, 0 already sent\n")
    assert err == ""
    assert sorted(p for p, _, _ in received.requests) == ["/hook", "/slack"]
    slack = next(json.loads(b) for p, _, b in received.requests if p == "/slack")
    assert set(slack) == {"text"} and "unit-coverage" in slack["text"]
    headers, hook = next((h, json.loads(b)) for p, h, b in received.requests if p == "/hook")
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert [a["rule"] for a in hook["alerts"]] == ["critical"]
    document = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(document["alerts"]) == 3 and document["sink_failures"] == []
    assert "gates alerts" in out_md.read_text(encoding="utf-8")
    state = json.loads((root / ".gates" / "alerts-state.json").read_text(encoding="utf-8"))
    sent = [sorted(entry["sent"]) for entry in state["alerts"].values()]
    assert len(sent) == 3
    assert sorted(sent) == [
        ["local", "slack:COVCLI_SLACK"],
        ["local", "slack:COVCLI_SLACK"],
        ["local", "webhook:COVCLI_HOOK"],
    ]
    assert {entry["since"] for entry in state["alerts"].values()} == {"2026-12-01"}
    assert url not in out + err and TOKEN not in out + err

    code, out, err = _alerts(root, capsys, "--json", str(out_json))
    assert (code, err) == (0, "")
    assert "ALERT" not in out
    assert out.endswith("3 alerts raised, 0 new, 3 already sent\n")
    assert len(received.requests) == 2  # nothing sent again
    assert json.loads(out_json.read_text(encoding="utf-8"))["alerts"] == []


def test_a_failing_sink_is_reported_kept_out_of_the_state_and_retried(
    root: Path,
    server: tuple[str, Received],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    url, received = server
    _hooks(monkeypatch, url)
    monkeypatch.setenv("COVCLI_HOOK", f"{url}/hook?key={TOKEN}")
    received.status = 503
    out_json = tmp_path / "alerts.json"
    code, out, err = _alerts(root, capsys, "--json", str(out_json))
    assert code == 0
    assert "alert sink failed (the verdict is unchanged): [alert.red] slack: HTTP 503" in err
    assert "[alert.critical] webhook: HTTP 503 from $COVCLI_HOOK" in err
    assert out.endswith("3 alerts raised, 3 new, 0 already sent, 2 sinks failed\n")
    failures = json.loads(out_json.read_text(encoding="utf-8"))["sink_failures"]
    assert len(failures) == 2 and all("HTTP 503" in f for f in failures)
    assert url not in out + err and TOKEN not in out + err + json.dumps(failures)
    state = json.loads((root / ".gates" / "alerts-state.json").read_text(encoding="utf-8"))
    assert {s for entry in state["alerts"].values() for s in entry["sent"]} == {"local"}

    received.status = 200
    code, out, err = _alerts(root, capsys)
    assert (code, err) == (0, "")
    assert "ALERT" not in out  # the terminal had them already
    paths = [p for p, _, _ in received.requests]
    assert paths.count("/slack") == 2 and paths.count(f"/hook?key={TOKEN}") == 2


def test_unset_variables_name_only_the_variable(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _alerts(root, capsys)
    assert code == 0
    assert "[alert.red] slack: $COVCLI_SLACK is not set" in err
    assert "[alert.critical] webhook: $COVCLI_HOOK is not set" in err
    assert "ALERT [red]" in out


def test_github_mode_writes_commands_and_appends_the_step_summary(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    (root / "gates.toml").write_text(LOCAL_ONLY, encoding="utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err = _alerts(root, capsys, "--github")
    assert (code, err) == (0, "")
    assert "::warning title=gates alert%3A red::" in out
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n") and "gates alerts" in text
    code, out, err = _alerts(root, capsys, "--github")  # nothing new: the summary untouched
    assert "::warning" not in out and summary.read_text(encoding="utf-8") == text


def test_an_unwritable_summary_or_state_is_a_failure_not_a_crash(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    (root / "gates.toml").write_text(LOCAL_ONLY, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(blocker / "summary.md"))
    code, out, err = _alerts(
        root, capsys, "--github", "--state", str(blocker / "state.json"),
        "--json", str(blocker / "a.json"),
    )  # fmt: skip
    assert code == 0
    assert "ALERT [red]" in out
    assert "the step summary: cannot write" in err
    assert "--json: cannot write" in err
    assert "cannot be written" in err and "the next run sends these alerts again" in err
    assert out.endswith(", 3 sinks failed\n")


def test_a_corrupt_state_is_said_and_read_as_empty(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "gates.toml").write_text(LOCAL_ONLY, encoding="utf-8")
    state = root / ".gates" / "alerts-state.json"
    state.write_text('{"schema": "something else"', encoding="utf-8")
    code, out, err = _alerts(root, capsys)
    assert code == 0
    assert err.startswith("alert state not trusted: ")
    assert "read as empty" in err
    assert out.endswith("2 alerts raised, 2 new, 0 already sent\n")
    assert json.loads(state.read_text(encoding="utf-8"))["alerts"]  # written again, whole


def test_a_relative_config_is_found_under_the_root(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "gates.toml").write_text(NO_ALERTS, encoding="utf-8")
    monkeypatch.chdir(root.parent)
    code, out, _ = _alerts(root, capsys, config="gates.toml")
    assert code == 0 and out == "0 alerts raised, 0 new, 0 already sent\n"
