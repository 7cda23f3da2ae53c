"""The load stage: ``gates load`` runs the service under Locust and records the evidence.

:func:`run_stage` clears ``<reports>/<stage>/``, writes the scenario (``scenario.json``,
:mod:`gates.load.scenario`), runs the service under Locust
(:func:`gates.load.run.service.run_load`: readiness bounded, everything stopped on success,
failure, Ctrl-C or SIGTERM, the run's files renamed into ``run/`` only once whole), and
records in the manifest the Locust run (its version and exit code, which is kept and
never the verdict) and each report with its format: ``run/latency.json``,
``run/memory.json``, ``run/locust.json`` and ``run/locust_failures.csv``. A run that
could not produce evidence (a service that never became ready, Locust without the
listener's file) is recorded as the stage's error, and ``gates check`` blocks on it.
An interrupted run writes no manifest: the folder holds no half evidence that looks whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Final

from gates.load import scenario
from gates.load.profiling.kept import FORMAT
from gates.load.run import artefacts
from gates.load.run.service import LoadRunError, LocustSpec, ServiceSpec, run_load
from gates.load.scenario import Plan
from gates.model.stage import Manifest
from gates.stage.recorder import StageRecorder
from gates.system.atomic import atomic_write

__all__ = ["LoadRequest", "run_stage"]

TOOL: Final = "locust"
RUN: Final = "run"  # the run's folder inside the stage's, renamed in whole
PROFILE: Final = "profile"  # the service's profile, moved out of the run's folder once it ended
_REPORTS: Final = (
    ("latency.json", "gates-load-latency"),
    ("memory.json", "gates-load-memory"),
    ("locust.json", "locust-json"),
    ("locust_failures.csv", "locust-failures-csv"),
    ("db.json", "gates-load-db"),  # when the service timed its queries (gates.load.run.dbprobe)
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadRequest:
    root: Path
    reports: str
    stage: str
    service: ServiceSpec
    locustfile: Path
    host: str
    plan: Plan
    window_s: float = 5.0
    locust_args: Sequence[str] = ()
    reproduce: str = "nox -s load"
    profile: str = "off"  # "warn" or "required": py-spy samples the service, profile/
    memray: bool = False  # with a profile: the service runs under memray
    argv: Sequence[str] = ()
    unaffected: Sequence[str] = ()


def run_stage(request: LoadRequest, *, log: Callable[[str], None]) -> Manifest:
    """Run the stage and write its manifest; ``manifest.error`` says if it produced no evidence."""
    recorder = StageRecorder.begin(
        request.stage,
        root=request.root,
        reports_dir=request.reports,
        reproduce=request.reproduce,
        unaffected=request.unaffected,
    )
    atomic_write(recorder.folder / "scenario.json", scenario.render(request.plan))
    plan = request.plan
    spec = LocustSpec(
        locustfile=request.locustfile,
        host=request.host,
        users=plan.users,
        spawn_rate=plan.spawn_rate,
        run_time_s=plan.run_time_s,
        processes=plan.processes,
        window_s=request.window_s,
        extra_args=tuple(request.locust_args),
    )
    log(
        f"{plan.users} users ({plan.spawn_rate:g}/s), {plan.run_time_s} s, warm-up"
        f" {plan.warmup_s:g} s, against {request.host}"
    )
    try:
        result = run_load(
            request.service,
            spec,
            recorder.folder / RUN,
            profile=request.profile != "off",
            memray=request.memray and request.profile != "off",
        )
    except LoadRunError as error:
        recorder.tool(TOOL, version=_version(), argv=request.argv, exit_code=2)
        recorder.report("scenario.json", format=scenario.FORMAT, tool=TOOL)
        return recorder.finish(error=str(error))
    recorder.tool(TOOL, version=_version(), argv=request.argv, exit_code=result.locust_exit)
    if (result.out / PROFILE).is_dir():  # the stage's folder is new: nothing is in the way
        (result.out / PROFILE).replace(recorder.folder / PROFILE)
    recorder.report("scenario.json", format=scenario.FORMAT, tool=TOOL)
    for name, format_id in _REPORTS:
        if (result.out / name).is_file():
            recorder.report(f"{RUN}/{name}", format=format_id, tool=TOOL)
    log(f"Locust exited with {result.locust_exit} (recorded; the verdict is `gates check`'s)")
    kept = artefacts.keep(
        recorder.folder, RUN, PROFILE, policy=request.profile, plan=plan, memory=result.memory
    )
    recorder.report(artefacts.INDEX, format=FORMAT, tool=TOOL)
    if kept.missing and request.profile == "required":
        return recorder.finish(error=_profile_required(kept.missing))
    return recorder.finish()


def _profile_required(missing: Sequence[str]) -> str:
    return (
        f"profile-required: the service's profile could not be taken ({'; '.join(missing)}),"
        ' and the pipeline requires it (profile = "required"): see profile/, allow ptrace'
        " for py-spy (or run the stage as the service's user) and rerun it, or set"
        ' profile = "warn"'
    )


def _version() -> str:
    try:
        return metadata.version("locust")
    except metadata.PackageNotFoundError:
        return "unknown"
