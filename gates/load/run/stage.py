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
from gates.load.run.service import LoadRunError, LocustSpec, ServiceSpec, run_load
from gates.load.scenario import Plan
from gates.model.stage import Manifest
from gates.stage.recorder import StageRecorder
from gates.system.atomic import atomic_write

__all__ = ["LoadRequest", "run_stage"]

TOOL: Final = "locust"
RUN: Final = "run"  # the run's folder inside the stage's, renamed in whole
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
    profile: bool = False  # py-spy samples the service: profile/ kept for people
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
        result = run_load(request.service, spec, recorder.folder / RUN, profile=request.profile)
    except LoadRunError as error:
        recorder.tool(TOOL, version=_version(), argv=request.argv, exit_code=2)
        recorder.report("scenario.json", format=scenario.FORMAT, tool=TOOL)
        return recorder.finish(error=str(error))
    recorder.tool(TOOL, version=_version(), argv=request.argv, exit_code=result.locust_exit)
    recorder.report("scenario.json", format=scenario.FORMAT, tool=TOOL)
    for name, format_id in _REPORTS:
        if (result.out / name).is_file():
            recorder.report(f"{RUN}/{name}", format=format_id, tool=TOOL)
    log(f"Locust exited with {result.locust_exit} (recorded; the verdict is `gates check`'s)")
    return recorder.finish()


def _version() -> str:
    try:
        return metadata.version("locust")
    except metadata.PackageNotFoundError:
        return "unknown"
