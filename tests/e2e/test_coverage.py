"""The test stages measure as coverage.py does, and the gates read what coverage.py prints.

A project adopted with ``gates init`` whose pytest plugin pytest imports before
pytest-cov would start (``-p early.plugin``), with ``filterwarnings = error``
and a coverage configuration of its own (``include``, ``branch``, ``parallel``,
``precision = 2``), runs its unit and integration stages for real; then
coverage.py, from the stage's own environment, reports the same data by hand:
each stage's TOTAL and the two stages combined must be the gates' figures.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import Nox, Project, Verdict, make_project

pytestmark = pytest.mark.slow

POLICY = """\
[gates]
unaffected = ["*.md", "*.rst"]   # as gates init wrote it: the stages left these out
[gate.unit-total]
metric = "coverage.total_percent"
stage = "unit"
min = 0
[gate.unit-statements]
metric = "coverage.percent"
stage = "unit"
min = 0
[gate.combined-total]
metric = "coverage.total_percent"
stage = ["unit", "integration"]
min = 0
"""


@dataclass(frozen=True, slots=True)
class Measured:
    project: Project
    verdict: Verdict
    coverage: Path  # coverage.py of the unit stage's environment

    def coverage_py(self, *args: str) -> str:
        result = subprocess.run(
            [str(self.coverage), *args],
            cwd=self.project.root,
            env=dict(self.project.nox_runner.env),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout.strip()


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory, nox_runner: Nox) -> Measured:
    root = tmp_path_factory.mktemp("early")
    project = make_project(root, nox_runner, base="early/base", init=True)
    run = project.nox("-s", "unit", "integration")
    assert run.returncode == 0, run
    policy = tmp_path_factory.mktemp("policy") / "gates.toml"  # outside: the tree stays as measured
    policy.write_text(POLICY, encoding="utf-8")
    code, verdict = project.check("--config", str(policy))
    assert code == 0, verdict.document
    coverage = nox_runner.envdir / "unit" / "bin" / "coverage"
    assert coverage.is_file(), f"no coverage.py in the unit stage's environment {coverage}"
    return Measured(project, verdict, coverage)


def _shown(verdict: Verdict, gate: str) -> str:
    return str(verdict.gate(gate)["observed_text"]).removesuffix("%")


def test_each_stage_reads_coverage_reports_total(measured: Measured) -> None:
    unit = measured.coverage_py("report", "--data-file=.gates/unit/.coverage", "--format=total")
    assert _shown(measured.verdict, "unit-total") == unit
    table = (measured.project.reports / "unit" / "coverage-report.txt").read_text("utf-8")
    assert table.splitlines()[-1].split()[-1] == f"{unit}%"  # the TOTAL the stage recorded


def test_combined_coverage_is_coverage_combine_then_report(
    measured: Measured, tmp_path: Path
) -> None:
    data = tmp_path / ".coverage.combined"
    measured.coverage_py(
        "combine",
        "--keep",
        f"--data-file={data}",
        ".gates/unit/.coverage",
        ".gates/integration/.coverage",
    )
    combined = measured.coverage_py("report", f"--data-file={data}", "--format=total")
    unit = _shown(measured.verdict, "unit-total")
    assert _shown(measured.verdict, "combined-total") == combined
    assert combined != unit  # the integration tests cover what the unit tests do not


def test_the_plugin_pytest_imported_first_is_measured(measured: Measured) -> None:
    report = json.loads((measured.project.reports / "unit" / "coverage.json").read_text("utf-8"))
    plugin = report["files"]["early/plugin.py"]["summary"]
    assert (plugin["num_statements"], plugin["missing_lines"]) == (3, 0)  # pytest-cov: 2 missed
    assert report["meta"]["branch_coverage"] is True  # the project's `branch = true`
    integration = (measured.project.reports / "integration" / "coverage.json").read_text("utf-8")
    assert "early/_generated.py" not in json.loads(integration)["files"]  # its `omit`, though run


def test_the_run_honoured_the_configuration_and_named_its_shards(measured: Measured) -> None:
    manifest = json.loads((measured.project.reports / "unit" / "manifest.json").read_text("utf-8"))
    argvs = [tool["argv"] for tool in manifest["tools"]]
    wrapper, run = argvs[0][: argvs[0].index("--") + 1], argvs[0][argvs[0].index("--") + 1 :]
    assert wrapper[:3] == ["python", "-m", "gates.stage.rerun"]  # pytest's failed tests rerun
    assert run[:3] == ["coverage", "run", "--parallel-mode"] and "-m" in run
    assert not any(arg.startswith(("--source", "--cov")) for arg in run)  # the config's include
    (combine,) = [argv for argv in argvs if argv[:2] == ["coverage", "combine"]]
    shards = combine[2:]
    assert shards and all(Path(shard).name.startswith(".coverage.") for shard in shards)
    formats = {report["format"] for report in manifest["reports"]}
    assert formats == {
        "pytest-reportlog",
        "junit-xml",
        "coverage-json",
        "cobertura-xml",
        "coverage-report",
    }


def test_a_statements_gate_shows_the_total_beside_it(measured: Measured) -> None:
    statements = measured.verdict.gate("unit-statements")
    total = _shown(measured.verdict, "unit-total")
    assert "(gated)" in statements["reason"]
    assert f"coverage report TOTAL {total}% (statements + branches)" in statements["reason"]
    init = (measured.project.root / "gates.toml").read_text("utf-8")
    assert 'metric = "coverage.total_percent"' in init  # what gates init writes
