"""A fork's run cannot forge the verdict the comment job posts.

The comment on a fork's pull request is posted by ``comment.yml`` →
``gates-comment.yml``, on ``workflow_run``, with the base repository's token,
from what the fork's ``pull_request`` run uploaded. That run executes the
workflow files, noxfile and code of the pull request's merge commit: it can
upload any artifact with any content. These tests play that run: they build
the artifacts a fork could upload, then run the comment job **as its workflow
file says** (its download steps and its ``run:`` script, with the inputs
``comment.yml`` passes), against a fake GitHub API on 127.0.0.1, and read
the comment it posts.

* The forgery that worked: a passing ``verdict.json`` retargeted to the test
  merge commit, next to evidence whose tests fail, was posted as "PASSED".
  The comment is now recomputed from the evidence with the base branch's
  policy: it says BLOCKED.
* Forged passing evidence from a pull request that changes a workflow file is
  labelled unverified, never shown as a pass.
* A pull request cannot lower the thresholds the comment judges it by.
* A genuine run still gets the normal comment, saying what it trusts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from gates.cli import main
from gates.model.verdict import Verdict
from gates.outputs import OutputFormat, render
from gates.outputs.markdown import MARKER
from tests.integration._evidence import POLICY, unit_evidence
from tests.integration.fake_github import FakeGitHub, fake_github
from tests.unit.outputs import _verdicts

TOKEN: Final = "ghs_ForgeryTest0123456789abcdefABCDEF"
HEAD: Final = "b" * 40  # the fork's head commit: what the workflow_run event names
MERGE: Final = "4" * 40  # GitHub's test merge commit: what the fork's run checked out
RUN_ID: Final = "4242"
WORKFLOWS: Final = Path(__file__).resolve().parents[2] / ".github" / "workflows"
_EXPRESSION: Final = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


# ---------------------------------------------------------------- what the fork's run uploads


def evidence(folder: Path, junit: str, *, commit: str = MERGE) -> Path:
    """The artifact ``gates-evidence-unit``: a unit stage whose pytest wrote ``junit``."""
    return unit_evidence(folder, junit, commit=commit)


def genuine_verdict(folder: Path, evidence_folder: Path) -> Path:
    """The artifact ``gates-verdict`` as the gates job writes it: ``gates check`` of the evidence."""
    folder.mkdir(parents=True)
    policy = folder.parent / "policy.toml"
    policy.write_bytes(POLICY)
    code = main(
        [
            "check",
            "--root",
            str(evidence_folder.parent),
            "--reports",
            evidence_folder.name,
            "--config",
            str(policy),
            "--commit",
            MERGE,
            "--format",
            f"json:{folder / 'verdict.json'}",
            "--format",
            f"markdown:{folder / 'verdict.md'}",
        ]
    )
    assert code in (0, 1, 3)
    return folder


def uploads(tmp_path: Path, junit: str, *, commit: str = MERGE, forged: bool) -> dict[str, Path]:
    """What the fork's run uploads: its unit evidence, and a verdict, genuine or forged."""
    made = evidence(tmp_path / "evidence", junit, commit=commit)
    verdict = (
        forged_verdict(tmp_path / "verdict")
        if forged
        else genuine_verdict(tmp_path / "verdict", made)
    )
    return {"gates-evidence-unit": made, "gates-verdict": verdict}


def forged_verdict(folder: Path) -> Path:
    """The artifact ``gates-verdict``: a passing verdict, every stage retargeted to MERGE."""
    verdict: Verdict = _verdicts.passing()
    verdict = replace(verdict, stages=tuple((name, MERGE, False) for name, _, _ in verdict.stages))
    folder.mkdir(parents=True)
    (folder / "verdict.json").write_text(render(verdict, OutputFormat.JSON), encoding="utf-8")
    (folder / "verdict.md").write_text(render(verdict, OutputFormat.MARKDOWN), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the comment job, as its file says


def _load(name: str) -> dict[Any, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _inputs() -> dict[str, str]:
    """The inputs of gates-comment.yml: its defaults, then what comment.yml passes."""
    called = _load("gates-comment.yml")
    triggers = called.get("on", called.get(True))  # YAML 1.1 reads the key `on` as True
    assert isinstance(triggers, dict)
    declared: dict[str, Any] = triggers["workflow_call"]["inputs"]
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    [caller] = _load("comment.yml")["jobs"].values()
    values.update({name: str(value) for name, value in caller.get("with", {}).items()})
    return values


@dataclass
class Runner:
    """One run of the comment job on a fake runner: its folders and GitHub's answers."""

    temp: Path
    workspace: Path
    api: FakeGitHub

    def context(self) -> dict[str, str]:
        values = {
            "runner.temp": str(self.temp),
            "github.workspace": str(self.workspace),
            "github.token": TOKEN,
            "github.event.workflow_run.id": RUN_ID,
            "github.event.workflow_run.head_sha": HEAD,
        }
        values.update({f"inputs.{name}": value for name, value in _inputs().items()})
        return values

    def expand(self, text: str) -> str:
        """``text`` with its ``${{ … }}`` expressions replaced; one the runner lacks fails."""
        known = self.context()

        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            assert expression in known, f"the fake runner has no value for {expression!r}"
            return known[expression]

        return _EXPRESSION.sub(value, text)

    def download(self, spec: Mapping[str, Any], uploaded: Mapping[str, Path]) -> None:
        """actions/download-artifact: by name, or by pattern (into one folder if merged)."""
        assert self.expand(str(spec.get("run-id", RUN_ID))) == RUN_ID  # the run that ended
        target = Path(self.expand(str(spec["path"])))
        if "name" in spec:
            chosen = {spec["name"]: uploaded[spec["name"]]} if spec["name"] in uploaded else {}
            assert chosen, f"the run uploaded no artifact {spec['name']!r}: the step fails"
        else:
            pattern = re.compile(re.escape(spec["pattern"]).replace(r"\*", ".*"))
            chosen = {name: path for name, path in uploaded.items() if pattern.fullmatch(name)}
        for name, source in chosen.items():
            merged = "name" in spec or spec.get("merge-multiple") is True
            shutil.copytree(source, target if merged else target / name, dirs_exist_ok=True)

    def run(self, script: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        scrubbed = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        environment = {
            **scrubbed,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": self.api.repo,
            "GITHUB_API_URL": self.api.url,
            **{name: self.expand(str(value)) for name, value in env.items()},
        }
        return subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=self.workspace,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def comment_job(runner: Runner, uploaded: Mapping[str, Path]) -> str:
    """Run gates-comment.yml's job on what the fork's run uploaded; the comment it posts."""
    [job] = _load("gates-comment.yml")["jobs"].values()
    for step in job["steps"]:
        uses = str(step.get("uses", ""))
        if uses.startswith("actions/download-artifact@"):
            runner.download(step["with"], uploaded)
        elif "run" in step and "pip install" not in step["run"]:  # gates is installed here
            ran = runner.run(step["run"], step.get("env", {}))
            assert TOKEN not in ran.stdout + ran.stderr
            assert ran.returncode == 0, ran.stdout + ran.stderr
        # checkout and setup-python: the workspace and this Python stand in for them
    [post] = runner.api.received("POST")
    assert post.body is not None
    body = str(post.body["body"])
    assert body.startswith(MARKER)
    return body


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    with fake_github(TOKEN) as api:
        api.pulls = [(7, HEAD, MERGE)]
        api.files = ["pkg/calc.py", "tests/test_calc.py"]
        api.contents = {("main", "gates.toml"): POLICY, (MERGE, "gates.toml"): POLICY}
        (tmp_path / "temp").mkdir()
        (tmp_path / "workspace").mkdir()
        yield Runner(tmp_path / "temp", tmp_path / "workspace", api)


def heading(body: str) -> str:
    return body.splitlines()[1]


# ---------------------------------------------------------------- the forgeries


def test_a_forged_passing_verdict_retargeted_to_the_merge_commit_is_not_posted(
    runner: Runner, tmp_path: Path
) -> None:
    body = comment_job(runner, uploads(tmp_path, "failing.xml", forged=True))
    assert "PASSED" not in body
    assert heading(body).startswith("## ✖ gates: BLOCKED")
    assert "check\\_fails" in body  # the failing test the evidence holds, named


def test_forged_evidence_from_a_pull_request_that_changes_a_workflow_is_unverified(
    runner: Runner, tmp_path: Path
) -> None:
    # The fork's ci.yml skips the tests and uploads a passing JUnit report of its own.
    runner.api.files = [".github/workflows/ci.yml", "pkg/calc.py"]
    body = comment_job(runner, uploads(tmp_path, "passing.xml", forged=True))
    assert heading(body).startswith("## ⚠ gates: UNVERIFIED")
    assert "PASSED" not in heading(body)
    assert "`.github/workflows/ci.yml`" in body
    assert "unverified" in body.lower()


def test_a_pull_request_cannot_lower_the_thresholds_the_comment_judges_it_by(
    runner: Runner, tmp_path: Path
) -> None:
    runner.api.files = ["gates.toml", "pkg/calc.py"]
    runner.api.contents[MERGE, "gates.toml"] = POLICY.replace(b"max = 0", b"max = 10")
    # the fork's verdict applies its own policy: max = 10, so 4 failed tests pass
    body = comment_job(runner, uploads(tmp_path, "failing.xml", forged=True))
    assert heading(body).startswith("## ✖ gates: BLOCKED")
    assert "tests max 0 → 10 (not applied: policy changes apply after merge)" in body


def test_evidence_of_another_commit_blocks(runner: Runner, tmp_path: Path) -> None:
    # a verdict of an older run's evidence, its stages retargeted to the merge commit
    body = comment_job(runner, uploads(tmp_path, "passing.xml", commit="5" * 40, forged=True))
    assert heading(body).startswith("## ✖ gates: BLOCKED")
    assert f"not {MERGE[:12]}" in body


# ---------------------------------------------------------------- the genuine run


def test_a_genuine_run_gets_the_normal_comment_saying_what_it_trusts(
    runner: Runner, tmp_path: Path
) -> None:
    body = comment_job(runner, uploads(tmp_path, "passing.xml", forged=False))
    assert heading(body) == "## ✔ gates: PASSED — 1 gate passed"
    assert "| ✔ pass | tests | 0 |" in body
    assert "the base branch's policy (`main:gates.toml`)" in body
    assert "cannot verify the evidence itself" in body
    requested = {request.path for request in runner.api.received("GET")}
    assert "/repos/o/r/pulls/7/files" in requested
    assert "/repos/o/r/contents/gates.toml" in requested
