"""The README's two commands are the contract with CI."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None, "README.md must open with a sh block of the two commands"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_the_pipeline_and_the_test_command() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```sh") < text.index("\n## ")  # before any section
    pipeline, tests = _readme_commands()
    assert pipeline.endswith("nox -s gates")
    assert tests.endswith("nox -s tests")


def test_the_pipeline_command_installs_gates_beside_nox() -> None:
    """The stage sessions judge their own evidence's freshness in Nox's process (reading its
    reports, which needs gates' dependencies): nox alone failed with no module defusedxml."""
    pipeline, _ = _readme_commands()
    install = pipeline.split("&&")[0].split()
    assert install[:4] == ["python3", "-m", "pip", "install"]
    assert "." in install[4:]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert commands[-1] == tests
