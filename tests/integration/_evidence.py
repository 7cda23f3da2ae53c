"""Evidence artifacts as a pull request's run uploads them, for ``gates comment``.

A ``unit`` stage folder (manifest, a real pytest JUnit report from
``tests/assets/pytest/9.2.0``) recorded at any commit: a genuine run records
its checkout, a forger records whatever it likes. :data:`POLICY` gates on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from gates.stage.recorder import StageRecorder
from gates.system.git import TreeState

__all__ = ["JUNIT", "POLICY", "unit_evidence"]

JUNIT: Final = Path(__file__).resolve().parents[1] / "assets" / "pytest" / "9.2.0"
POLICY: Final = b"""\
[gates]
base = "origin/main"

[gate.tests]
metric = "tests.failed"
stage = "unit"
max = 0
"""


def unit_evidence(folder: Path, junit: str, *, commit: str) -> Path:
    """``folder`` holding ``unit/``: pytest's ``junit`` report, recorded at ``commit``."""
    recorder = StageRecorder(
        "unit", folder / "unit", TreeState(commit, False, "0" * 64), "nox -s unit"
    )
    recorder.folder.mkdir(parents=True)
    passed = junit.startswith(("passing", "subtests-passing", "all-skipped"))
    recorder.tool("pytest", version="9.2.0", argv=["pytest"], exit_code=0 if passed else 1)
    shutil.copyfile(JUNIT / junit, recorder.folder / "junit.xml")
    recorder.report("junit.xml", format="junit-xml", tool="pytest")
    recorder.finish()
    return folder
