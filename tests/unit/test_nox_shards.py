"""``GATES_SHARD`` in the unit and integration recipes: one shard runs as its own stage, or they combine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import nox
import nox.command
import pytest

from gates.nox import Pipeline
from gates.stage.sessions import StageRecipe
from gates.stage.shards.plan import make_plan
from gates.stage.shards.request import reproduce
from tests.unit.test_nox import FakeSession

TESTS = ["tests/test_a.py::test_1", "tests/test_a.py::test_2", "tests/test_b.py::test_1"]


class PlanningSession(FakeSession):
    """``gates shard plan`` writes its plan, as the real command does."""

    def run(self, *args: str, **kwargs: Any) -> str | None:
        if args[:3] == ("gates", "shard", "plan"):
            total = int(args[args.index("--shards") + 1])
            plan = make_plan("unit", TESTS, total=total, durations={})
            Path(args[args.index("--output") + 1]).write_text(json.dumps(plan.as_json()))
        return super().run(*args, **kwargs)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    (tmp_path / ".nox" / "unit").mkdir(parents=True)
    return tmp_path


def _unit(monkeypatch: pytest.MonkeyPatch, shard: str) -> PlanningSession:
    monkeypatch.setenv("GATES_SHARD", shard)
    session = PlanningSession("unit")
    Pipeline(package="pkg", pytest_args=("-m", "not slow")).run_unit(cast(nox.Session, session))
    return session


def _shard_runs(session: FakeSession) -> list[tuple[str, ...]]:
    return [args for args, _ in session.runs if args[:2] == ("gates", "shard")]


def test_one_shard_runs_its_part_of_the_plan_as_a_stage_of_its_own(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _unit(monkeypatch, "2/2")
    plan, record = _shard_runs(session)
    assert plan[:8] == (
        "gates",
        "shard",
        "plan",
        "--stage",
        "unit",
        "--reports",
        ".gates",
        "--shards",
    )
    assert plan[plan.index("--") + 1 :] == ("tests", "-m", "not slow")  # what the stage would run
    steps = session.gates_runs()
    assert {step[2] for step in steps} == {"unit-shard-2-of-2"}
    assert {step[step.index("--reports") + 1] for step in steps} == {".gates/.shards"}
    # its manifest says how to run it again: the shard, not a session that does not exist
    assert {step[step.index("--reproduce") + 1] for step in steps} == {
        "GATES_SHARD=2/2 nox -s unit"
    }
    pytest_ = steps[0][steps[0].index("--") + 1 :]
    assert pytest_[pytest_.index("pytest") + 1] == "tests/test_b.py"  # shard 2: the second file
    assert "tests" not in pytest_ and "tests/test_a.py" not in pytest_
    envs = [kwargs["env"] for args, kwargs in session.runs if args[:2] == ("gates", "run")]
    assert all(
        env == {"COVERAGE_FILE": ".gates/.shards/unit-shard-2-of-2/.coverage"} for env in envs
    )
    assert record[:3] == ("gates", "shard", "record")
    assert record[record.index("--shard") + 1] == "2/2"
    assert record[record.index("--plan") + 1] == plan[plan.index("--output") + 1]


def test_combine_checks_and_combines_the_shards_into_the_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _unit(monkeypatch, "combine")
    assert _shard_runs(session) == [
        ("gates", "shard", "combine", "--stage", "unit", "--reports", ".gates")
    ]
    combine = next(
        kwargs for args, kwargs in session.runs if args[:3] == ("gates", "shard", "combine")
    )
    assert combine["success_codes"] == [0, 3]  # a missing shard is recorded, and blocks in check
    assert session.gates_runs() == []


@pytest.mark.parametrize("shard", ["3/2", "half", "0/1"])
def test_a_wrong_gates_shard_stops_the_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch, shard: str
) -> None:
    with pytest.raises(nox.command.CommandFailed, match="GATES_SHARD"):
        _unit(monkeypatch, shard)


def test_a_unittest_pipeline_cannot_shard(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATES_SHARD", "1/2")
    pipeline = Pipeline(package="pkg", runner="unittest", tests="tests")
    with pytest.raises(nox.command.CommandFailed, match="unittest"):
        pipeline.run_unit(cast(nox.Session, PlanningSession("unit")))


def test_a_sharded_stage_session_neither_reuses_nor_clears_the_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = project / ".gates" / "unit" / "junit.xml"  # the durations the plan reads
    kept.parent.mkdir(parents=True)
    kept.write_text("<testsuites/>")
    monkeypatch.setenv("GATES_SHARD", "1/2")
    ran: list[str] = []
    recipe = StageRecipe(Pipeline(package="pkg"), "unit", lambda session: ran.append(session.name))
    recipe(cast(nox.Session, PlanningSession("unit")))
    assert ran == ["unit"] and kept.is_file()


@pytest.mark.parametrize(
    ("stage", "command"),
    [
        ("unit-shard-2-of-4", "GATES_SHARD=2/4 nox -s unit"),
        ("integration-shard-1-of-2", "GATES_SHARD=1/2 nox -s integration"),
        ("unit", "nox -s unit"),
        ("lint-shard-1-of-2", "nox -s lint-shard-1-of-2"),  # only the test stages shard
        ("unit-shard-x-of-2", "nox -s unit-shard-x-of-2"),
    ],
)
def test_a_shard_is_reproduced_by_its_gates_shard(stage: str, command: str) -> None:
    assert reproduce(stage) == command
