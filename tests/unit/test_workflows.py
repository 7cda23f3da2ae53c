"""The shipped GitHub workflows keep their security contract (RELIABILITY.md, "In CI").

Static checks on .github/workflows/*.yml, next to zizmor and actionlint (which
the lint stage runs, and tests/integration/test_workflow_lint.py runs too):
pins, permissions, credentials, triggers, expressions in scripts, and the
shape gates.ci.plan and gates.jobs rely on (job ids, the final job's name).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from gates.ci.plan import PLAN_JOB, SHARD_JOBS, WAVE_JOBS

WORKFLOWS: Final = Path(__file__).resolve().parents[2] / ".github" / "workflows"
FILES: Final = sorted(WORKFLOWS.glob("*.yml"))
_PIN: Final = re.compile(r"^\s*-?\s*uses:\s*(\S+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+\s*$")
_USES: Final = re.compile(r"^\s*-?\s*uses:\s*(\S+)")


def _load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _on(document: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True
    triggers = document.get("on", document.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(document: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (job_id, step) for job_id, job in document["jobs"].items() for step in job.get("steps", [])
    ]


def test_there_are_workflows_to_check() -> None:
    assert {path.name for path in FILES} >= {"ci.yml", "gates.yml"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_a_full_commit_with_its_version(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _USES.match(line)
        if match is None or match.group(1).startswith("./"):
            continue
        assert _PIN.match(line), f"{path.name}:{number}: {line.strip()}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_permission_at_the_top_and_the_least_per_job(path: Path) -> None:
    document = _load(path)
    assert document["permissions"] == {}
    for job_id, job in document["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {job_id} states no permissions"
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        allowed = {"pull-requests", "security-events"}
        if _pushes_history(path, job):  # the history branch: a job that runs no project code
            allowed |= {"contents"}
        assert writes <= allowed, (job_id, writes)


def _pushes_history(path: Path, job: dict[str, object]) -> bool:
    """The one job that may write contents: gates-history.yml's push, and the job calling it."""
    if path.name == "gates-history.yml":
        steps = job.get("steps")
        runs = (
            " ".join(str(step.get("run", "")) for step in steps if isinstance(step, dict))
            if isinstance(steps, list)
            else ""
        )
        return "gates history add" in runs and "pip install" in runs and "pytest" not in runs
    return str(job.get("uses", "")) == "./.github/workflows/gates-history.yml"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_checkout_drops_its_credentials(path: Path) -> None:
    for job_id, step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False, job_id


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_pull_request_target_and_no_expression_in_a_script(path: Path) -> None:
    document = _load(path)
    assert "pull_request_target" not in _on(document)
    if "workflow_run" in _on(document):  # only to call gates-comment.yml, which runs no PR code
        assert [job["uses"] for job in document["jobs"].values()] == [
            "./.github/workflows/gates-comment.yml"
        ]
    for job_id, step in _steps(document):
        assert "${{" not in str(step.get("run", "")), f"{path.name}: {job_id}: {step.get('name')}"


# ---------------------------------------------------------------- gates.yml


def _gates_yml() -> dict[Any, Any]:
    return _load(WORKFLOWS / "gates.yml")


def test_the_reusable_workflow_is_only_called_and_takes_typed_inputs() -> None:
    triggers = _on(_gates_yml())
    assert list(triggers) == ["workflow_call"]
    inputs = triggers["workflow_call"]["inputs"]
    assert {"python-version", "config", "stages", "base-ref", "install"} <= set(inputs)
    assert all(spec["type"] in ("string", "boolean", "number") for spec in inputs.values())
    # never a PyPI default: `gates` there is another project
    assert inputs["gates-install"]["required"] is True
    assert "default" not in inputs["gates-install"]


def test_the_jobs_are_the_ones_gates_plan_and_gates_jobs_name() -> None:
    jobs = _gates_yml()["jobs"]
    assert {PLAN_JOB, *WAVE_JOBS} <= set(jobs)
    assert "needs.plan.outputs.first" in jobs[WAVE_JOBS[0]]["strategy"]["matrix"]["stage"]
    assert "needs.plan.outputs.then" in jobs[WAVE_JOBS[1]]["strategy"]["matrix"]["stage"]
    assert "--no-dependencies" in jobs[WAVE_JOBS[1]]["steps"][-3]["run"]


def test_the_final_job_has_a_fixed_name_runs_always_and_checks_every_job() -> None:
    final = _gates_yml()["jobs"]["gates"]
    assert final["name"] == "gates"
    assert final["if"] == "${{ always() }}"
    assert set(final["needs"]) == {PLAN_JOB, *WAVE_JOBS, *SHARD_JOBS}
    assert final["permissions"] == {"contents": "read"}
    runs = {step.get("name"): step for step in final["steps"]}
    jobs_step = runs["Every stage job succeeded"]
    assert jobs_step["run"] == "gates jobs"
    assert jobs_step["env"]["GATES_NEEDS"] == "${{ toJSON(needs) }}"
    judge = runs["Judge the evidence"]
    assert 'gates check --commit "$SHA"' in judge["run"]
    assert judge["env"]["SHA"] == "${{ github.sha }}"
    assert "--base-policy" in judge["run"]
    assert "continue-on-error" not in judge and "continue-on-error" not in jobs_step


def test_the_comment_job_never_runs_pull_request_code() -> None:
    comment = _gates_yml()["jobs"]["comment"]
    assert comment["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkouts = [
        s for s in comment["steps"] if str(s.get("uses", "")).startswith("actions/checkout")
    ]
    assert [s["with"]["ref"] for s in checkouts] == ["${{ github.event.pull_request.base.sha }}"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
    post = comment["steps"][-1]
    assert post["run"].startswith(
        'gates comment "$RUNNER_TEMP/evidence" --commit "$SHA" --pr "$PR" --pr-head "$HEAD_SHA"'
    )
    assert post["env"] == {
        "GITHUB_TOKEN": "${{ github.token }}",
        "SHA": "${{ github.sha }}",
        "PR": "${{ github.event.pull_request.number }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
        "CONFIG": "${{ inputs.config }}",
        "NOXFILE": "${{ inputs.noxfile }}",
    }
    assert '--config "$CONFIG" --noxfile "$NOXFILE"' in post["run"]


def _downloads(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        step["with"]
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/download-artifact@")
    ]


def test_the_comment_jobs_judge_the_evidence_and_never_read_the_runs_verdict() -> None:
    """The verdict a pull request's run uploads is its word: the comment recomputes it."""
    jobs = [
        _gates_yml()["jobs"]["comment"],
        *_load(WORKFLOWS / "gates-comment.yml")["jobs"].values(),
    ]
    for job in jobs:
        [download] = _downloads(job)
        assert "name" not in download
        assert download["pattern"] == "gates-evidence-*"
        assert download["merge-multiple"] is True
        assert download["path"] == "${{ runner.temp }}/evidence"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_job_that_may_write_to_a_pull_request_downloads_a_verdict(path: Path) -> None:
    for job_id, job in _load(path)["jobs"].items():
        if job.get("permissions", {}).get("pull-requests") != "write":
            continue
        for download in _downloads(job):
            assert "verdict" not in str(download.get("name", "")), (path.name, job_id)
            assert "verdict" not in str(download.get("pattern", "")), (path.name, job_id)


def test_only_the_jobs_that_need_it_may_write() -> None:
    jobs = _gates_yml()["jobs"]
    writers = {
        job_id: {scope for scope, level in job["permissions"].items() if level == "write"}
        for job_id, job in jobs.items()
    }
    assert writers == {
        "plan": set(),
        "stages": set(),
        "shards": set(),
        "combine": set(),
        "after": set(),
        "gates": set(),
        "code-scanning": {"security-events"},
        "comment": {"pull-requests"},
    }
    # the jobs that write check out no pull request code
    scanning = jobs["code-scanning"]["steps"]
    assert not any(str(s.get("uses", "")).startswith("actions/checkout") for s in scanning)


# ---------------------------------------------------------------- ci.yml


def test_ci_calls_the_reusable_workflow_on_pull_requests_main_and_release_branches() -> None:
    ci = _load(WORKFLOWS / "ci.yml")
    triggers = _on(ci)
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main", "release/*"]
    gates = ci["jobs"]["gates"]
    assert gates["name"] == "gates"  # the required check: "gates / gates"
    assert gates["uses"] == "./.github/workflows/gates.yml"
    assert gates["with"]["comment"] is False  # comment.yml comments, on forks' pull requests too


# ---------------------------------------------------------------- comments on fork pull requests


def test_comment_runs_after_ci_through_the_reusable_comment_workflow() -> None:
    document = _load(WORKFLOWS / "comment.yml")
    assert _on(document) == {"workflow_run": {"workflows": ["ci"], "types": ["completed"]}}
    assert _load(WORKFLOWS / "ci.yml")["name"] == "ci"
    [job] = document["jobs"].values()
    assert job["uses"] == "./.github/workflows/gates-comment.yml"
    assert job["permissions"] == {
        "actions": "read",
        "contents": "read",
        "pull-requests": "write",
    }


def test_the_fork_comment_job_reads_only_the_verdict_artifact_and_picks_the_pull_request() -> None:
    document = _load(WORKFLOWS / "gates-comment.yml")
    assert list(_on(document)) == ["workflow_call"]
    inputs = _on(document)["workflow_call"]["inputs"]
    assert inputs["gates-install"]["required"] is True
    [job] = document["jobs"].values()
    assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
    assert job["permissions"] == {
        "actions": "read",
        "contents": "read",
        "pull-requests": "write",
    }
    steps = job["steps"]
    [checkout] = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert "ref" not in checkout["with"]  # the default branch, never the pull request's code
    [download] = _downloads(job)
    assert download["run-id"] == "${{ github.event.workflow_run.id }}"
    assert download["github-token"] == "${{ github.token }}"
    post = steps[-1]
    assert 'gates comment "$RUNNER_TEMP/evidence" --pr-head "$HEAD_SHA"' in post["run"]
    assert '--config "$CONFIG" --noxfile "$NOXFILE" "${extra[@]}"' in post["run"]
    assert 'read -r -a globs <<< "$PIPELINE"' in post["run"]  # split, never glob-expanded
    assert post["env"] == {
        "GITHUB_TOKEN": "${{ github.token }}",
        "HEAD_SHA": "${{ github.event.workflow_run.head_sha }}",
        "CONFIG": "${{ inputs.config }}",
        "NOXFILE": "${{ inputs.noxfile }}",
        "PIPELINE": "${{ inputs.pipeline }}",
    }


def test_the_comment_workflow_reads_the_policy_and_pipeline_where_gates_yml_does() -> None:
    ours = _on(_load(WORKFLOWS / "gates-comment.yml"))["workflow_call"]["inputs"]
    theirs = _on(_gates_yml())["workflow_call"]["inputs"]
    for name in ("config", "noxfile", "python-version"):
        assert ours[name]["default"] == theirs[name]["default"], name
    assert ours["pipeline"]["default"] == ""


def test_this_repository_counts_gates_itself_as_part_of_its_pipeline() -> None:
    """ci.yml judges gates with the checked-out gates: a change to gates/ changes the pipeline."""
    [job] = _load(WORKFLOWS / "comment.yml")["jobs"].values()
    assert _load(WORKFLOWS / "ci.yml")["jobs"]["gates"]["with"]["gates-install"] == "."
    assert job["with"]["pipeline"] == "/gates/"
    assert job["with"]["gates-install"] == "."  # the default branch's gates, in comment.yml
