"""What was already sent: the alert state file, keyed by rule and subject (reads and writes a file).

``{"schema": "gates.alerts-state", "version": 1, "alerts": {"<rule>:<subject>":
{"since": "<date>", "sent": ["terminal", "slack", ...]}}}``. An alert whose key
is in the file is not new: the terminal, Markdown, GitHub and JSON forms show
it once; a webhook that failed is tried again on the next run until it is in
``sent``. A key whose condition has cleared is dropped, so the alert is sent
again if it comes back. The file is written atomically. A state file that
cannot be trusted is reported and read as empty: sending an alert twice is
better than never.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.system.atomic import atomic_write
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import parse_json, read_blob

__all__ = ["SCHEMA", "State", "read_state", "write_state"]

SCHEMA: Final = "gates.alerts-state"
VERSION: Final = 1
_MAX_BYTES: Final = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class State:
    """Per alert key: the date it was first raised and the sinks it was sent to."""

    alerts: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    problem: str = ""  # why the file was not trusted ("" when it was, or there was none)


def read_state(path: Path) -> State:
    """The state at ``path``; empty when there is none, and said why when it is corrupt."""
    if not path.exists() and not path.is_symlink():
        return State()
    try:
        blob = read_blob(path, display=str(path), max_bytes=_MAX_BYTES)
        document = Fields(parse_json(blob).value, path=str(path), where="")
        if document.text("schema") != SCHEMA or document.integer("version") != VERSION:
            raise malformed(
                str(path), "schema", f"{SCHEMA} version {VERSION}", document.raw("schema")
            )
        alerts = {}
        table = document.obj("alerts")
        for key in dict(table.items()):
            entry = table.obj(key)
            sent = entry.array("sent")
            if not all(isinstance(s, str) for s in sent):
                raise malformed(str(path), f"alerts.{key}.sent", "a list of sink names", sent)
            alerts[key] = (entry.text("since"), frozenset(str(s) for s in sent))
    except EvidenceError as error:
        return State(problem=f"{error.path or path}: {error.detail}: read as empty")
    return State(alerts)


def write_state(path: Path, state: State) -> None:
    """Write ``state`` atomically (keys sorted)."""
    document = {
        "schema": SCHEMA,
        "version": VERSION,
        "alerts": {
            key: {"since": since, "sent": sorted(sent)}
            for key, (since, sent) in sorted(state.alerts.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (json.dumps(document, indent=1, sort_keys=True) + "\n").encode("utf-8"))
