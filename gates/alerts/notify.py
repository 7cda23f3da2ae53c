"""The alerts as the terminal, Markdown, GitHub and JSON show them, and as webhooks carry them (pure text).

Every alert text is one line, from evidence that is untrusted: the Markdown
form escapes it, the GitHub workflow commands escape it as
:mod:`gates.ci.annotate` does, JSON is JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from gates.alerts.rules import Alert
from gates.ci.annotate import escape_data, escape_property
from gates.untrusted.safetext import one_line

__all__ = [
    "generic_payload",
    "github_commands",
    "json_document",
    "markdown",
    "slack_payload",
    "terminal",
]

_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|<>~@"})


def terminal(alerts: Sequence[Alert]) -> str:
    """One line per alert."""
    return "".join(f"ALERT [{one_line(a.rule, 80)}] {one_line(a.message, 500)}\n" for a in alerts)


def markdown(alerts: Sequence[Alert]) -> str:
    """A Markdown section for the step summary or the verdict's Markdown."""
    if not alerts:
        return ""
    lines = ["### gates alerts", ""]
    lines += [
        f"- **{escape(one_line(a.rule, 80), quote=False).translate(_MD_SPECIAL)}**: "
        f"{escape(one_line(a.message, 500), quote=False).translate(_MD_SPECIAL)}"
        for a in alerts
    ]
    return "\n".join(lines) + "\n"


def github_commands(alerts: Sequence[Alert]) -> str:
    """One ``::warning`` workflow command per alert."""
    return "".join(
        f"::warning title={escape_property(one_line(f'gates alert: {a.rule}', 200))}::"
        f"{escape_data(one_line(a.message, 1000))}\n"
        for a in alerts
    )


def _fields(alert: Alert) -> dict[str, str]:
    return {
        "rule": alert.rule,
        "when": alert.when,
        "subject": alert.subject,
        "message": alert.message,
    }


def json_document(alerts: Sequence[Alert], failures: Sequence[str]) -> str:
    """The alerts sent this run and the sinks that failed, as versioned JSON."""
    document = {
        "schema": "gates.alerts",
        "version": 1,
        "alerts": [_fields(a) for a in alerts],
        "sink_failures": list(failures),
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def slack_payload(alerts: Sequence[Alert]) -> bytes:
    """A Slack-compatible incoming-webhook body: ``{"text": ...}``, markup characters escaped."""
    lines = [
        f"*{_slack(a.rule)}*: {_slack(a.message)}" for a in alerts
    ]  # Slack's own escaping: &, <, >
    return json.dumps({"text": "gates alerts\n" + "\n".join(lines)}).encode("utf-8")


def _slack(text: str) -> str:
    return one_line(text, 500).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def generic_payload(alerts: Sequence[Alert]) -> bytes:
    """The generic webhook's body: ``{"schema": "gates.alerts", "alerts": [...]}``."""
    return json.dumps(
        {"schema": "gates.alerts", "version": 1, "alerts": [_fields(a) for a in alerts]}
    ).encode("utf-8")
