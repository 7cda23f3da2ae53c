"""A step of the reusable workflow that writes ``$GITHUB_OUTPUT`` cannot be made to write two.

``[gates] reports = ".gates\\npath=/abs"`` once passed the policy loader, and the
step "Where the evidence goes" printed it as a second ``path=`` line: the
evidence downloaded to, and the verdict read from, a folder the pull request
chose. The loader now refuses it (tests/unit/test_policy.py); the step must
hold even where a loader would not, so it runs here with one that accepts
anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

WORKFLOW: Final = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "gates.yml"
FORGED: Final = ".gates\npath=/abs\u2028x"

# A gates package whose loader accepts the forged setting, as a broken one could.
_FAKE_POLICY: Final = f"""
from types import SimpleNamespace
def load_policy(path):
    return SimpleNamespace(settings=SimpleNamespace(reports={FORGED!r}))
"""
_FAKE_ERRORS: Final = "class GatesError(Exception):\n    pass\n"


def _step(name: str) -> dict[str, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    for job in document["jobs"].values():
        for step in job.get("steps", []):
            if step.get("name") == name:
                found: dict[str, Any] = step
                return found
    raise AssertionError(f"no step {name!r} in {WORKFLOW}")


def _run_step(tmp_path: Path, config: Path, *, pythonpath: Path | None) -> list[str]:
    """The step's script under bash, with ``$GITHUB_OUTPUT``; the lines it wrote there."""
    output = tmp_path / "github-output"
    output.touch()
    environment = {  # `python` is this interpreter, as setup-python's is the job's
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(output),
        "CONFIG": str(config),
    }
    if pythonpath is not None:
        environment["PYTHONPATH"] = str(pythonpath)
    subprocess.run(
        [shutil.which("bash") or "bash", "-e", "-c", _step("Where the evidence goes")["run"]],
        env=environment,
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    return output.read_text(encoding="utf-8").split("\n")


@pytest.fixture
def forged_policy(tmp_path: Path) -> Path:
    config = tmp_path / "gates.toml"
    config.write_text(
        '[gates]\nreports = ".gates\\npath=/abs"\n[gate.a]\nmetric = "findings"\nmax = 0\n',
        encoding="utf-8",
    )
    return config


def test_the_step_writes_one_path_line_for_a_forged_policy(
    tmp_path: Path, forged_policy: Path
) -> None:
    assert _run_step(tmp_path, forged_policy, pythonpath=None) == ["path=.gates", ""]


def test_the_step_writes_one_path_line_even_when_the_loader_accepts_a_forged_setting(
    tmp_path: Path, forged_policy: Path
) -> None:
    fake = tmp_path / "fake" / "gates"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "policy.py").write_text(_FAKE_POLICY)
    (fake / "errors.py").write_text(_FAKE_ERRORS)
    assert _run_step(tmp_path, forged_policy, pythonpath=fake.parent) == ["path=.gates", ""]
