"""The alert state: written and read back, a corrupt one reported and read as empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.alerts.state import State, read_state, write_state


def test_written_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = State({"red:cov": ("2026-12-01", frozenset({"local", "slack:X"}))})
    write_state(path, state)
    assert read_state(path) == state
    assert read_state(tmp_path / "none.json") == State()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b'{"schema": "other", "version": 1, "alerts": {}}',
        b'{"schema": "gates.alerts-state", "version": 1, "alerts": {"k": {"since": "x", "sent": [1]}}}',
        b'{"schema": "gates.alerts-state", "version": 1, "alerts": {"k": {"since": "x", "sent": []}}, "alerts": {}}',
        b'{"schema": "gates.alerts-state", "version": 1, "alerts": {"k": {"since": NaN, "sent": []}}}',
    ],
)
def test_a_corrupt_state_is_reported_and_read_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    state = read_state(path)
    assert state.alerts == {}
    assert str(path) in state.problem
