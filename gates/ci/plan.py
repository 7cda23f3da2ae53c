"""The stages a CI matrix runs, and whether the jobs that ran them all succeeded.

**The plan** (``gates plan``) comes from the pipeline as Nox itself sees it:
``nox --list --json`` runs the project's ``noxfile.py`` the way each stage job
will, so the plan lists exactly the sessions ``nox -s <stage>`` accepts, for
any noxfile (one that wraps or extends :class:`gates.nox.Pipeline`, or runs on
another Python). Stage sessions carry the tag ``gates-stage`` (the standard
stage names, for a noxfile that does not use the recipes). Nox does not list
``requires=``, so which stage needs another's evidence comes from
:func:`stage_requires`, the rule :class:`gates.nox.Pipeline` registers with:
``diff`` reads the coverage of ``unit`` and ``integration``. The plan runs in
two waves: the stages that need nothing, then those that need the first
wave's evidence (run with ``nox -s <stage> --no-dependencies`` after
downloading it). The policy adds its ``reports`` folder, and a note for each
gate that reads a stage the plan does not run.

**The jobs** (``gates jobs``): the final job of a workflow ``needs`` the plan
and both waves. :func:`judge_jobs` reads GitHub's ``needs`` context and passes
only when every job succeeded; a skipped job passes only when it is a wave the
plan left empty. A failed, cancelled or skipped stage job never counts as a
pass, whatever evidence made it to the verdict.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.catalog.stages import STAGE_TAG, STAGES, stage_requires
from gates.errors import EvidenceError, UsageError
from gates.policy.load import Policy
from gates.system import process
from gates.untrusted.safetext import one_line

__all__ = [
    "PLAN_JOB",
    "SHARD_JOBS",
    "STAGE_TAG",
    "WAVE_JOBS",
    "Plan",
    "PlannedStage",
    "judge_jobs",
    "list_sessions",
    "make_plan",
    "shard_waves",
    "stage_requires",
]

SCHEMA: Final = "gates.plan"
VERSION: Final = 1
STANDARD_STAGES: Final = STAGES  # gates.catalog.stages
PLAN_JOB: Final = "plan"  # the job ids of .github/workflows/gates.yml
WAVE_JOBS: Final = ("stages", "after")
# the jobs that run the unit stage as shards and combine them (`gates plan --shards N`,
# docs/sharding.md); skipped when the plan gives them no shard
SHARD_JOBS: Final = ("shards", "combine")
SHARDED_STAGE: Final = "unit"
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True, slots=True)
class PlannedStage:
    """One stage of the plan: its Nox session and the stages it needs first."""

    stage: str
    session: str
    requires: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The stages to run, in two waves, and where their evidence goes."""

    stages: tuple[PlannedStage, ...]
    reports: str
    config: str
    notes: tuple[str, ...] = ()

    @property
    def waves(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(sessions that need nothing, sessions that need the first wave's evidence)."""
        first = tuple(s.session for s in self.stages if not s.requires)
        return first, tuple(s.session for s in self.stages if s.requires)

    def document(self) -> dict[str, object]:
        """The plan as JSON (``gates plan --json``)."""
        return {
            "schema": SCHEMA,
            "version": VERSION,
            "config": self.config,
            "reports": self.reports,
            "stages": [
                {"stage": s.stage, "session": s.session, "requires": list(s.requires)}
                for s in self.stages
            ],
            "waves": [
                {"job": job, "sessions": list(sessions)}
                for job, sessions in zip(WAVE_JOBS, self.waves, strict=True)
            ],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------- the sessions Nox lists


def list_sessions(noxfile: Path, *, timeout: float = 300) -> list[tuple[str, tuple[str, ...]]]:
    """``(session name, tags)`` of every session ``nox --list --json`` shows for ``noxfile``."""
    if not noxfile.is_file():
        raise UsageError(
            f"{noxfile}: no such noxfile",
            slug="plan-failed",
            hint="run in the project root, or pass --noxfile (see `gates init`)",
        )
    command = [sys.executable, "-m", "nox", "--list", "--json", "--noxfile", str(noxfile)]
    done = process.run(command, timeout=timeout, cwd=noxfile.parent)
    if done.why:
        raise _nox_failed(noxfile, done.why)
    if not done.ok:
        said = done.stderr.decode("utf-8", "replace")
        last = [line for line in said.splitlines() if line.strip()][-3:]
        raise _nox_failed(noxfile, f"exit {done.code}: " + " / ".join(last))
    return parse_session_list(done.text, source=str(noxfile))


def _nox_failed(noxfile: Path, why: str) -> UsageError:
    return UsageError(
        f"`nox --list --json` could not list the sessions of {noxfile} ({one_line(why, 400)})",
        slug="plan-failed",
        hint="install nox next to gates (`pip install nox`) and check that `nox -l` works",
    )


def parse_session_list(text: str, *, source: str) -> list[tuple[str, tuple[str, ...]]]:
    """Nox's JSON session list -> ``(name, tags)``."""
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise UsageError(
            f"`nox --list --json` of {source} printed no JSON list",
            slug="plan-failed",
            hint="run `nox --list --json` by hand: a noxfile that prints to stdout spoils it",
        )
    sessions = []
    for item in items:
        name = item.get("session") if isinstance(item, dict) else None
        tags = item.get("tags") if isinstance(item, dict) else None
        if isinstance(name, str):
            labels = (
                tuple(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else ()
            )
            sessions.append((name, labels))
    return sessions


# ---------------------------------------------------------------- the plan


def make_plan(
    sessions: Sequence[tuple[str, tuple[str, ...]]],
    policy: Policy,
    *,
    config: str = "gates.toml",
    only: Sequence[str] = (),
) -> Plan:
    """The stages of ``sessions`` (those tagged ``gates-stage``), narrowed to ``only``."""
    tagged = [name for name, tags in sessions if STAGE_TAG in tags]
    names = tagged or [name for name, _ in sessions if name in STANDARD_STAGES]
    if not names:
        raise UsageError(
            "the noxfile has no gates stage session",
            slug="plan-failed",
            hint="register the stages with gates.nox.Pipeline(...).register() (see `gates init`)",
        )
    for name in names:
        if not _NAME.fullmatch(name):
            raise UsageError(
                f"the stage session {one_line(name, 100)!r} is not a plain name "
                "(letters, digits, '-', '_', '.')",
                slug="plan-failed",
                hint="give the stage session a name without spaces or parameters",
            )
    chosen = _narrow(names, only)
    stages = tuple(PlannedStage(name, name, stage_requires(name, chosen)) for name in chosen)
    return Plan(stages, policy.settings.reports, config, _notes(policy, chosen))


def _narrow(names: Sequence[str], only: Sequence[str]) -> list[str]:
    if not only:
        return list(names)
    unknown = [name for name in only if name not in names]
    if unknown:
        raise UsageError(
            f"--stages names {', '.join(map(repr, unknown))}, which the noxfile does not define",
            slug="plan-failed",
            hint="the stages it defines: " + ", ".join(names),
        )
    chosen = [name for name in names if name in only]
    for name in chosen:
        missing = [need for need in stage_requires(name, names) if need not in chosen]
        if missing:
            raise UsageError(
                f"stage {name!r} reads the evidence of {', '.join(missing)}, which --stages leaves out",
                slug="plan-failed",
                hint=f"add {', '.join(missing)} to --stages, or leave {name!r} out",
            )
    return chosen


def _notes(policy: Policy, chosen: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        f"gate {gate.name} reads stage {stage!r}, which this plan does not run: "
        "its evidence will be missing"
        for gate in policy.gates
        for stage in gate.stages
        if stage not in chosen
    )


def shard_waves(plan: Plan, total: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the first wave, the shards ``"K/N"`` of the unit stage); with N > 1 the unit
    session leaves the first wave for N shard jobs and a combine job."""
    if not 1 <= total <= 256:
        raise UsageError(f"--shards {total}: between 1 and 256", slug="usage")
    first, _ = plan.waves
    if total == 1 or SHARDED_STAGE not in first:
        return first, ()
    shards = tuple(f"{index}/{total}" for index in range(1, total + 1))
    return tuple(name for name in first if name != SHARDED_STAGE), shards


# ---------------------------------------------------------------- the jobs


@dataclass(frozen=True, slots=True)
class JobResult:
    """How one needed job ended, and whether that is acceptable."""

    job: str
    result: str
    ok: bool
    why: str


def judge_jobs(needs_json: str) -> tuple[JobResult, ...]:
    """Each needed job's result, judged; raises when GitHub's ``needs`` is not readable."""
    needs = _needs(needs_json)
    empty_waves = _empty_waves(needs)
    results = []
    for job, entry in sorted(needs.items()):
        result = str(entry["result"])
        if result == "success":
            results.append(JobResult(job, result, ok=True, why="succeeded"))
        elif result == "skipped" and job in empty_waves:
            results.append(JobResult(job, result, ok=True, why="the plan gave it no stage"))
        else:
            results.append(
                JobResult(job, result, ok=False, why=_WHY.get(result, "did not succeed"))
            )
    return tuple(results)


_WHY: Final = {
    "failure": "failed: its stages may have recorded no evidence",
    "cancelled": "was cancelled: its evidence is incomplete",
    "skipped": "was skipped: a skipped stage job never counts as a pass",
}


def check_jobs(results: Sequence[JobResult]) -> None:
    """Raise when a job did not succeed (exit 3: the evidence is incomplete)."""
    failed = [r for r in results if not r.ok]
    if failed:
        raise EvidenceError(
            "; ".join(f"job {one_line(r.job, 60)} {r.why}" for r in failed),
            slug="stage-job-failed",
            hint="open the failed job's log; rerun the workflow once it is fixed",
        )


def _needs(text: str) -> Mapping[str, Mapping[str, object]]:
    try:
        needs = json.loads(text)
    except ValueError:
        needs = None
    if (
        not isinstance(needs, dict)
        or not needs
        or not all(isinstance(v, dict) and isinstance(v.get("result"), str) for v in needs.values())
    ):
        raise UsageError(
            "$GATES_NEEDS is not GitHub's `needs` context (a JSON object of jobs with a result)",
            slug="usage",
            hint="set `env: GATES_NEEDS: ${{ toJSON(needs) }}` on the step",
        )
    return needs


def _empty_waves(needs: Mapping[str, Mapping[str, object]]) -> frozenset[str]:
    """The wave jobs the plan (the plan job's ``plan`` output) gave no stage."""
    plan = needs.get(PLAN_JOB)
    outputs = plan.get("outputs") if plan is not None else None
    text = outputs.get("plan") if isinstance(outputs, dict) else None
    try:
        document = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        document = None
    waves = document.get("waves") if isinstance(document, dict) else None
    if not isinstance(waves, list):
        return frozenset()
    unsharded = isinstance(outputs, dict) and outputs.get("shards") == "[]"
    return frozenset(
        wave["job"]
        for wave in waves
        if isinstance(wave, dict)
        and wave.get("sessions") == []
        and isinstance(wave.get("job"), str)
    ) | frozenset(SHARD_JOBS if unsharded else ())
