"""``gates plan`` and ``gates jobs``: the stages a CI matrix runs, and the check that they ran.

The plan is tested on the session lists Nox prints; the jobs on GitHub's
``needs`` context: a failed, cancelled or skipped stage job never passes, and
a skipped wave passes only when the plan left it empty.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Sequence
from typing import Any, Final

import nox
import pytest
from nox import registry

from gates.catalog.stages import STAGE_TAG, stage_after, stage_requires
from gates.ci.plan import (
    PLAN_JOB,
    SHARD_JOBS,
    WAVE_JOBS,
    Plan,
    check_jobs,
    judge_jobs,
    make_plan,
    parse_session_list,
    shard_waves,
)
from gates.errors import EvidenceError, UsageError
from gates.nox import LoadConfig, Pipeline
from gates.policy.load import Policy, parse_policy

POLICY: Final = """
[gates]
reports = "evidence"

[gate.unit-coverage]
metric = "coverage.percent"
stage = "unit"
min = 90

[gate.lint]
metric = "findings"
tool = "ruff"
max = 0
"""

TAGGED: Final = [
    ("lint", (STAGE_TAG,)),
    ("type", (STAGE_TAG,)),
    ("unit", (STAGE_TAG,)),
    ("integration", (STAGE_TAG,)),
    ("security", (STAGE_TAG,)),
    ("diff", (STAGE_TAG,)),
    ("gates", ()),
    ("tests", ()),
]


def _policy(text: str = POLICY) -> Policy:
    return parse_policy(tomllib.loads(text))


def _plan(sessions: Sequence[tuple[str, tuple[str, ...]]] = TAGGED, **kwargs: Any) -> Plan:
    return make_plan(sessions, _policy(), **kwargs)


# ---------------------------------------------------------------- the plan


def test_the_plan_lists_the_tagged_stage_sessions_in_two_waves() -> None:
    plan = _plan()
    assert [stage.session for stage in plan.stages] == [
        "lint",
        "type",
        "unit",
        "integration",
        "security",
        "diff",
    ]
    assert plan.waves == (("lint", "type", "unit", "integration", "security"), ("diff",))
    assert plan.stages[-1].requires == ("unit", "integration")
    assert plan.reports == "evidence"
    assert plan.notes == ()


def test_the_json_document_names_the_wave_jobs_of_the_workflow() -> None:
    document = _plan().document()
    assert document["schema"] == "gates.plan"
    assert document["version"] == 1
    assert document["waves"] == [
        {"job": WAVE_JOBS[0], "sessions": ["lint", "type", "unit", "integration", "security"]},
        {"job": WAVE_JOBS[1], "sessions": ["diff"]},
    ]
    json.dumps(document)  # serialisable as it is


def test_without_tags_the_standard_stage_names_are_the_stages() -> None:
    plain = [("lint", ()), ("unit", ()), ("docs", ()), ("gates", ())]
    assert [s.session for s in _plan(plain).stages] == ["lint", "unit"]


def test_tags_win_over_names() -> None:
    sessions = [("lint", ()), ("custom", (STAGE_TAG,))]
    assert [s.session for s in _plan(sessions).stages] == ["custom"]


def test_a_noxfile_without_stages_is_an_error() -> None:
    with pytest.raises(UsageError, match="no gates stage session") as caught:
        _plan([("tests", ()), ("docs", ())])
    assert caught.value.slug == "plan-failed"


@pytest.mark.parametrize("name", ["unit(python='3.12')", "unit 3.12", "-x", "a/b"])
def test_a_stage_session_must_have_a_plain_name(name: str) -> None:
    with pytest.raises(UsageError, match="is not a plain name"):
        _plan([(name, (STAGE_TAG,))])


def test_only_narrows_the_plan() -> None:
    plan = _plan(only=["lint", "unit"])
    assert [s.session for s in plan.stages] == ["lint", "unit"]
    assert plan.waves == (("lint", "unit"), ())


def test_diff_reads_every_coverage_stage_of_the_pipeline() -> None:
    # the diff stage reads the coverage of unit and integration whenever the pipeline has both
    with pytest.raises(UsageError, match="reads the evidence of integration"):
        _plan(only=["unit", "diff"])
    no_integration = [item for item in TAGGED if item[0] != "integration"]
    assert _plan(no_integration, only=["unit", "diff"]).stages[-1].requires == ("unit",)


def test_only_must_name_defined_stages_and_keep_what_they_read() -> None:
    with pytest.raises(UsageError, match="'nope', which the noxfile does not define"):
        _plan(only=["lint", "nope"])
    with pytest.raises(UsageError, match="reads the evidence of unit, integration"):
        _plan(only=["diff"])


def test_a_gate_reading_a_stage_the_plan_leaves_out_is_noted() -> None:
    plan = _plan(only=["lint"])
    assert plan.notes == (
        (
            "gate unit-coverage reads stage 'unit', which this plan does not run: "
            "its evidence will be missing"
        ),
    )


def test_nox_session_list_is_read_defensively() -> None:
    text = json.dumps(
        [
            {"session": "lint", "tags": ["gates-stage", 3]},
            {"session": "unit"},
            {"name": "no session"},
            "junk",
        ]
    )
    assert parse_session_list(text, source="noxfile.py") == [
        ("lint", ("gates-stage",)),
        ("unit", ()),
    ]
    for bad in ("", "{}", "nox: error"):
        with pytest.raises(UsageError, match="printed no JSON list"):
            parse_session_list(bad, source="noxfile.py")


# ---------------------------------------------------------------- the recipes agree


@pytest.fixture
def fresh_registry() -> Iterator[dict[str, Any]]:
    saved = dict(registry._REGISTRY)
    registry._REGISTRY.clear()
    yield registry._REGISTRY
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


def test_the_recipes_tag_every_stage_and_require_what_the_plan_says(
    fresh_registry: dict[str, Any],
) -> None:
    pipeline = Pipeline(package="pkg", integration="tests/integration", benchmarks="bench")
    pipeline.register()
    stages = [name for name in fresh_registry if name != "gates"]
    assert stages == list(pipeline.stages)
    for name in stages:
        func: nox._decorators.Func = fresh_registry[name]
        assert func.tags == [STAGE_TAG]
        assert tuple(func.requires or ()) == stage_requires(name, pipeline.stages)
    assert fresh_registry["gates"].tags == []
    assert stage_requires("diff", pipeline.stages) == ("unit", "integration")


def test_the_load_stage_runs_after_every_other_stage_and_reads_none(
    fresh_registry: dict[str, Any],
) -> None:
    """It measures the machine: a parallel ``nox -s gates`` must not run tests beside it."""
    load = LoadConfig(
        service=["python", "serve.py"],
        ready_url="http://127.0.0.1:8000/readyz",
        locustfile="locustfile.py",
        host="http://127.0.0.1:8000",
    )
    pipeline = Pipeline(package="pkg", integration="tests/integration", load=load)
    pipeline.register()
    others = tuple(name for name in pipeline.stages if name != "load")
    assert "load" in pipeline.stages
    assert others
    assert tuple(fresh_registry["load"].requires or ()) == others
    assert stage_after("load", pipeline.stages) == others
    # the order only: the load stage reads no other stage's evidence, and a CI plan
    # (one machine per stage) does not chain it
    assert stage_requires("load", pipeline.stages) == ()
    assert stage_after("diff", pipeline.stages) == ("unit", "integration")


# ---------------------------------------------------------------- the jobs


def _needs(**results: str) -> str:
    """GitHub's ``needs`` context: the plan job (with its output) and the wave jobs."""
    plan = json.dumps(_plan().document())
    needs: dict[str, Any] = {
        job: {"result": result, "outputs": {}} for job, result in results.items()
    }
    if PLAN_JOB in needs:
        needs[PLAN_JOB]["outputs"] = {"plan": plan}
    return json.dumps(needs)


def _needs_with_empty_second_wave(after: str) -> str:
    plan = json.dumps(_plan(only=["lint", "unit"]).document())
    return json.dumps(
        {
            PLAN_JOB: {"result": "success", "outputs": {"plan": plan}},
            "stages": {"result": "success", "outputs": {}},
            "after": {"result": after, "outputs": {}},
        }
    )


def test_every_job_succeeded() -> None:
    results = judge_jobs(_needs(plan="success", stages="success", after="success"))
    assert all(result.ok for result in results)
    check_jobs(results)


@pytest.mark.parametrize("result", ["failure", "cancelled", "skipped"])
@pytest.mark.parametrize("job", ["plan", "stages", "after"])
def test_a_job_that_failed_was_cancelled_or_skipped_never_passes(job: str, result: str) -> None:
    outcome = {"plan": "success", "stages": "success", "after": "success", job: result}
    results = judge_jobs(_needs(**outcome))
    assert [r.job for r in results if not r.ok] == [job]
    with pytest.raises(EvidenceError, match=f"job {job} ") as caught:
        check_jobs(results)
    assert caught.value.slug == "stage-job-failed"
    assert caught.value.exit_code == 3


def test_a_skipped_wave_passes_only_when_the_plan_left_it_empty() -> None:
    check_jobs(judge_jobs(_needs_with_empty_second_wave("skipped")))
    # the same skip with stages planned in that wave blocks
    with pytest.raises(EvidenceError, match="job after was skipped"):
        check_jobs(judge_jobs(_needs(plan="success", stages="success", after="skipped")))


def test_a_skipped_plan_cannot_vouch_for_skipped_waves() -> None:
    needs = json.loads(_needs_with_empty_second_wave("skipped"))
    needs[PLAN_JOB]["result"] = "skipped"
    with pytest.raises(EvidenceError, match="job plan was skipped"):
        check_jobs(judge_jobs(json.dumps(needs)))


def test_an_unreadable_plan_output_allows_no_skip() -> None:
    needs = json.loads(_needs_with_empty_second_wave("skipped"))
    needs[PLAN_JOB]["outputs"]["plan"] = "not json"
    with pytest.raises(EvidenceError, match="job after was skipped"):
        check_jobs(judge_jobs(json.dumps(needs)))


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"plan": {}}', '{"plan": {"result": 1}}'])
def test_needs_that_are_not_githubs_context_are_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="GATES_NEEDS"):
        judge_jobs(text)


def test_sharding_takes_unit_out_of_the_first_wave_into_n_shard_jobs() -> None:
    plan = _plan()
    assert shard_waves(plan, 1) == (plan.waves[0], ())
    first, shards = shard_waves(plan, 3)
    assert first == ("lint", "type", "integration", "security")
    assert shards == ("1/3", "2/3", "3/3")
    assert shard_waves(_plan(only=["lint"]), 3) == (("lint",), ())  # no unit stage: no shard
    for wrong in (0, 257):
        with pytest.raises(UsageError, match="--shards"):
            shard_waves(plan, wrong)


def _needs_with_shard_jobs(shards: str, result: str) -> str:
    needs = json.loads(_needs(plan="success", stages="success", after="success"))
    needs[PLAN_JOB]["outputs"]["shards"] = shards
    needs.update({job: {"result": result, "outputs": {}} for job in SHARD_JOBS})
    return json.dumps(needs)


def test_skipped_shard_jobs_pass_only_when_the_plan_gave_them_no_shard() -> None:
    check_jobs(judge_jobs(_needs_with_shard_jobs("[]", "skipped")))
    check_jobs(judge_jobs(_needs_with_shard_jobs('["1/2", "2/2"]', "success")))
    with pytest.raises(EvidenceError, match="job combine was skipped"):
        check_jobs(judge_jobs(_needs_with_shard_jobs('["1/2", "2/2"]', "skipped")))
    with pytest.raises(EvidenceError, match="job shards failed"):
        needs = json.loads(_needs_with_shard_jobs('["1/2", "2/2"]', "success"))
        needs["shards"]["result"] = "failure"
        check_jobs(judge_jobs(json.dumps(needs)))
