"""The alerts' texts: one line each, hostile evidence adding no markup and no second command."""

from __future__ import annotations

import json

import pytest

from gates.alerts import notify
from gates.alerts.rules import Alert
from tests.unit.outputs._verdicts import HOSTILE


def _alert(text: str) -> Alert:
    return Alert(rule="r", when="new-finding", subject=text, message=text)


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_and_github_stay_one_line_each(text: str) -> None:
    assert notify.terminal([_alert(text)]).count("\n") == 1
    command = notify.github_commands([_alert(text)])
    assert command.count("\n") == 1
    assert command.startswith("::warning title=gates alert%3A r::")


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_escapes_markup(text: str) -> None:
    body = notify.markdown([_alert(text)]).split("\n", 2)[2]
    assert body.count("\n") == 1
    assert "<script" not in body and "<img" not in body and "](" not in body
    assert "`" not in body.replace("\\`", "")


def test_slack_escapes_its_markup_and_the_generic_body_is_json() -> None:
    text = "<!channel> & <https://evil.example|click>"
    payload = json.loads(notify.slack_payload([_alert(text)]))
    assert "<!channel>" not in payload["text"]
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in payload["text"]
    generic = json.loads(notify.generic_payload([_alert(text)]))
    assert generic["alerts"][0]["message"] == text


def test_the_json_document_lists_alerts_and_failures() -> None:
    document = json.loads(notify.json_document([_alert("x")], ["slack: HTTP 500 from $X"]))
    assert document["schema"] == "gates.alerts"
    assert document["sink_failures"] == ["slack: HTTP 500 from $X"]
    assert notify.markdown([]) == ""
