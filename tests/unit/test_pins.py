"""The tool pins: parsing, rewriting, and resolving the newest versions with pip."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gates.errors import UsageError
from gates.stage import pins
from gates.system.process import Finished


def test_the_shipped_pins_are_exact_and_cover_every_stage_tool() -> None:
    shipped = pins.parse_pins(pins.bundled().read_text(), path="tools.txt")
    assert {"ruff", "mypy", "bandit", "pip-audit", "coverage", "diff-cover"} <= set(shipped)
    # the test stages run `coverage run -m pytest`: a project's own pytest-cov is its to pin
    assert "pytest-cov" not in shipped


def test_a_loose_requirement_is_refused_with_its_line() -> None:
    with pytest.raises(UsageError) as caught:
        pins.parse_pins("# tools\nruff==0.1\nmypy>=1\n", path="gates-tools.txt")
    assert "gates-tools.txt:3" in caught.value.message


def test_render_replaces_versions_and_keeps_comments() -> None:
    text = "# header\nruff==0.1  # the linter\n\nmypy==1.0\n"
    assert pins.render_pins(text, {"ruff": "0.2", "mypy": "2.0"}) == (
        "# header\nruff==0.2  # the linter\n\nmypy==2.0\n"
    )


def _fake_pip(monkeypatch: pytest.MonkeyPatch, *, code: int, report: object) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(command: list[str], **_: object) -> Finished:
        calls.append(command)
        out = json.dumps(report).encode() if code == 0 else b""
        return Finished(command=tuple(command), code=code, stdout=out, stderr=b"ERROR: no network")

    monkeypatch.setattr("gates.stage.pins.process.run", run)
    return calls


def test_upgrade_rewrites_the_file_from_pips_resolution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = {
        "install": [
            {"metadata": {"name": "ruff", "version": "0.18.0"}},
            {"metadata": {"name": "Pip_Audit", "version": "2.11.0"}},
            {"metadata": {"name": "requests", "version": "2.0"}},
        ]
    }
    calls = _fake_pip(monkeypatch, code=0, report=report)
    path = tmp_path / "gates-tools.txt"
    path.write_text("# mine\npip-audit==2.10.1\nruff==0.17.6\n")
    changes = pins.upgrade(path)
    assert changes == {"pip-audit": ("2.10.1", "2.11.0"), "ruff": ("0.17.6", "0.18.0")}
    assert path.read_text() == "# mine\npip-audit==2.11.0\nruff==0.18.0\n"
    assert calls[0][:4] == [sys.executable, "-m", "pip", "install"]
    assert "--dry-run" in calls[0]


def test_upgrade_fails_loudly_and_writes_nothing_when_pip_cannot_resolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_pip(monkeypatch, code=1, report={})
    path = tmp_path / "gates-tools.txt"
    path.write_text("ruff==0.17.6\n")
    with pytest.raises(UsageError) as caught:
        pins.upgrade(path)
    assert "no network" in caught.value.message
    assert path.read_text() == "ruff==0.17.6\n"


def test_a_resolution_that_misses_a_tool_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_pip(monkeypatch, code=0, report={"install": []})
    with pytest.raises(UsageError, match="did not resolve ruff"):
        pins.resolve_latest(["ruff"])
