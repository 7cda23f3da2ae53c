"""``gates plan`` on a real noxfile (through ``nox --list --json``), and ``gates jobs``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.cli import main

NOXFILE = """\
import nox
from gates.nox import Pipeline

Pipeline(package="pkg", integration="tests/integration").register()


@nox.session
def docs(session: nox.Session) -> None:
    session.run("true")
"""

POLICY = """\
[gates]
reports = "evidence"

[gate.coverage]
metric = "coverage.percent"
stage = ["unit", "integration"]
min = 80
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "noxfile.py").write_text(NOXFILE)
    (tmp_path / "gates.toml").write_text(POLICY)
    return tmp_path


def _plan(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(
        [
            "plan",
            "--noxfile",
            str(project / "noxfile.py"),
            "--config",
            str(project / "gates.toml"),
            *extra,
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_the_plan_is_what_nox_lists(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _plan(project, capsys)
    assert (code, err) == (0, "")
    assert out == "lint type unit integration security diff\n"  # not docs, not gates


@pytest.mark.slow
def test_the_json_plan_and_the_github_outputs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = project / "github-output"
    code, out, _ = _plan(project, capsys, "--json", "--github-output", str(outputs))
    assert code == 0
    document = json.loads(out)
    assert document["reports"] == "evidence"
    assert document["waves"][1] == {"job": "after", "sessions": ["diff"]}
    lines = outputs.read_text().splitlines()
    assert lines[0] == f"plan={out.strip()}"
    assert lines[1:] == [
        'first=["lint", "type", "unit", "integration", "security"]',
        'then=["diff"]',
        "shards=[]",
    ]


@pytest.mark.slow
def test_a_sharded_plan_runs_unit_as_shard_jobs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = project / "github-output"
    code, _, _ = _plan(project, capsys, "--shards", "3", "--github-output", str(outputs))
    assert code == 0
    assert outputs.read_text().splitlines()[1:] == [
        'first=["lint", "type", "integration", "security"]',
        'then=["diff"]',
        'shards=["1/3", "2/3", "3/3"]',
    ]


@pytest.mark.slow
def test_a_plan_that_leaves_out_a_stage_the_policy_reads_says_so(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _plan(project, capsys, "--stages", "lint,unit")
    assert code == 0
    assert out == "lint unit\n"
    assert err == (
        "note: gate coverage reads stage 'integration', which this plan does not run: "
        "its evidence will be missing\n"
    )


@pytest.mark.slow
def test_a_broken_noxfile_is_a_plan_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "noxfile.py").write_text("raise SystemExit('no nox here')\n")
    code, _, err = _plan(project, capsys)
    assert code == 2
    assert err.startswith("usage error: `nox --list --json` could not list the sessions")


def test_no_noxfile_is_a_plan_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gates.toml").write_text(POLICY)
    code, _, err = _plan(tmp_path, capsys)
    assert code == 2
    assert "no such noxfile" in err


def test_jobs_reads_the_needs_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = json.dumps(
        {"waves": [{"job": "stages", "sessions": ["lint"]}, {"job": "after", "sessions": []}]}
    )
    needs = {
        "plan": {"result": "success", "outputs": {"plan": plan}},
        "stages": {"result": "success", "outputs": {}},
        "after": {"result": "skipped", "outputs": {}},
    }
    monkeypatch.setenv("GATES_NEEDS", json.dumps(needs))
    capsys.readouterr()
    assert main(["jobs"]) == 0
    assert capsys.readouterr().out == (
        "✔ after: skipped — the plan gave it no stage\n"
        "✔ plan: success — succeeded\n"
        "✔ stages: success — succeeded\n"
    )
    needs["stages"]["result"] = "skipped"
    monkeypatch.setenv("GATES_NEEDS", json.dumps(needs))
    assert main(["jobs"]) == 3
    out, err = capsys.readouterr()
    assert "✖ stages: skipped — was skipped: a skipped stage job never counts as a pass" in out
    assert err.startswith("evidence error: job stages was skipped")
    monkeypatch.delenv("GATES_NEEDS")
    assert main(["jobs"]) == 2
