"""A project that runs its tests with unittest is measured as it runs itself.

Adopted with ``gates init``, a project whose tox runs ``python -m unittest``
and whose tests add the package's doctests through ``load_tests`` (which
pytest never calls) gets ``runner="unittest"``; its unit stage runs for
real through Nox, and ``python -m unittest`` and coverage.py, run by hand in
the stage's own environment, must give the verdict's figures.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import Nox, Project, Verdict, make_project

pytestmark = pytest.mark.slow

POLICY = """\
[gates]
unaffected = ["*.md", "*.rst"]   # as gates init wrote it: the stages left these out
[gate.tests]
metric = "tests.failed"
max = 0
[gate.tests-total]
metric = "tests.total"
stage = "unit"
min = 0
[gate.unit-coverage]
metric = "coverage.total_percent"
stage = "unit"
path = "stack/*"
min = 0
"""


@dataclass(frozen=True, slots=True)
class Measured:
    project: Project
    verdict: Verdict
    bin: Path  # the unit stage's environment

    def by_hand(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / program), *args],
            cwd=self.project.root,
            env=dict(self.project.nox_runner.env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Measured:
    root = tmp_path_factory.mktemp("unittest")
    project = make_project(root, nox_runner, base="unittest/base", init=True)
    run = project.nox("-s", "unit")
    assert run.returncode == 0, run
    policy = tmp_path_factory.mktemp("policy") / "gates.toml"  # outside: the tree stays as measured
    policy.write_text(POLICY, encoding="utf-8")
    code, verdict = project.check("--config", str(policy))
    assert code == 0, verdict.document
    return Measured(project, verdict, nox_runner.envdir / "unit" / "bin")


def test_gates_init_chose_the_unittest_runner(measured: Measured) -> None:
    noxfile = (measured.project.root / "noxfile.py").read_text("utf-8")
    assert 'runner="unittest",' in noxfile
    assert "# the project runs its tests with unittest (tox.ini [testenv]:" in noxfile
    manifest = (measured.project.reports / "unit" / "manifest.json").read_text("utf-8")
    assert '"name": "unittest-xml-reporting"' in manifest


def test_the_tests_are_the_ones_unittest_runs(measured: Measured) -> None:
    """4: two TestCase tests and two doctests that only `load_tests` adds (pytest finds 2)."""
    run = measured.by_hand("python", "-m", "unittest")
    ran = re.search(r"^Ran (\d+) tests?", run.stderr, re.MULTILINE)
    assert ran is not None and run.returncode == 0, run.stderr
    assert measured.verdict.gate("tests-total")["observed"] == int(ran.group(1)) == 4
    assert measured.verdict.gate("tests")["observed"] == 0


def test_coverage_is_what_coverage_py_reports_by_hand(measured: Measured, tmp_path: Path) -> None:
    data = tmp_path / ".coverage"
    ran = measured.by_hand(
        "coverage", "run", f"--data-file={data}", "--source=stack", "-m", "unittest"
    )
    assert ran.returncode == 0, ran.stderr
    total = measured.by_hand(
        "coverage", "report", f"--data-file={data}", "--format=total", "--precision=2"
    )
    observed = str(measured.verdict.gate("unit-coverage")["observed_text"]).removesuffix("%")
    assert observed == total.stdout.strip()
    assert float(observed) < 100  # peek() is never called: a real measurement, not a vacuous one
