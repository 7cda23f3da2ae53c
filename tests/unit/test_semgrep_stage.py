"""The security stage's semgrep step: offline, local rules only, installed only when asked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nox.command
import pytest

from gates.nox import Pipeline
from gates.stage.commands.semgrep import PACK, semgrep_command, semgrep_configs
from tests.unit.test_nox import drive


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    yield tmp_path


def _tools(session: object) -> list[str]:
    runs = session.gates_runs()  # type: ignore[attr-defined]
    return [step[step.index("--tool") + 1] for step in runs]


def test_semgrep_is_off_unless_asked_and_not_installed_then(in_project: Path) -> None:
    session = drive(Pipeline(package="pkg").run_security, "security")
    assert "semgrep" not in _tools(session)
    assert not any("semgrep" in arg for args in session.installs for arg in args)
    assert "semgrep" not in Pipeline(package="pkg").planned("security")


def test_semgrep_true_scans_the_package_offline_with_gates_pack(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg", semgrep=True)
    session = drive(pipeline.run_security, "security")
    assert _tools(session) == ["bandit", "detect-secrets", "semgrep", "pip-audit"]
    assert "semgrep" in session.installs[-1]
    step = session.gates_runs()[2]
    command = step[step.index("--") + 1 :]
    assert command == semgrep_command([str(PACK)], ["pkg"])
    assert command[:4] == ["semgrep", "scan", "--metrics=off", "--disable-version-check"]
    assert "--validate" not in command
    assert {"--json", "--time", "--verbose"} <= set(command)
    assert step[step.index("--report") + 1] == "semgrep-json=semgrep.json"
    assert "semgrep" in pipeline.planned("security")


def test_the_project_rule_folders_and_the_pack_by_name(in_project: Path) -> None:
    (in_project / "semgrep-rules").mkdir()
    assert semgrep_configs(["gates", "semgrep-rules"]) == [str(PACK), "semgrep-rules"]
    assert semgrep_configs("semgrep-rules") == ["semgrep-rules"]
    assert semgrep_configs(False) == []


@pytest.mark.parametrize(
    "config", ["p/python", "r/python.lang.security", "auto", "https://example.test/rules.yaml"]
)
def test_a_registry_config_or_a_url_is_refused_before_semgrep_starts(
    in_project: Path, config: str
) -> None:
    with pytest.raises(ValueError, match="not a local path"):
        semgrep_configs([config])
    with pytest.raises(nox.command.CommandFailed, match="offline"):
        drive(Pipeline(package="pkg", semgrep=[config]).run_security, "security")


def test_a_rule_folder_that_is_not_there_or_none_is_refused(in_project: Path) -> None:
    with pytest.raises(ValueError, match="no such file or folder"):
        semgrep_configs(["rules"])
    with pytest.raises(ValueError, match="name a rule folder"):
        semgrep_configs([])


def test_the_pack_ships_one_tested_rule_file_per_rule() -> None:
    rules = sorted(path.stem for path in PACK.glob("*.yaml"))
    examples = Path(__file__).resolve().parents[1] / "assets" / "semgrep-rules"
    assert len(rules) >= 8
    assert rules == sorted(path.stem for path in examples.glob("*.py"))
    for name in rules:
        text = (PACK / f"{name}.yaml").read_text()
        assert f"- id: {name}\n" in text
        example = (examples / f"{name}.py").read_text()
        assert f"# ruleid: {name}" in example
        assert f"# ok: {name}" in example
