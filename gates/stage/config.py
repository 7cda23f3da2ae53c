"""A pipeline's configuration: which folders, which install, which stages (``gates.nox.Pipeline``'s fields)."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from gates.catalog.stages import CATALOGUE
from gates.stage.commands.coverage import (
    as_paths,
)
from gates.stage.commands.testrunner import check_options

__all__ = ["LoadConfig", "PipelineConfig"]


@dataclass(frozen=True)
class LoadConfig:
    """The load stage's scenario: the service to start, the locustfile, the load (``gates load``).

    ``service`` is the command that starts the service under test (from the project's
    root), ``ready_url`` what answers once it is up; both it and ``host`` must be on the
    loopback. ``warmup_s`` is left out of every figure; ``offered_rps`` is the rate the
    users are meant to offer (the run is inconclusive below 95 % of it). ``processes``
    runs Locust as a master and that many workers. ``steps=True`` is a step-load run
    (the locustfile's ``LoadTestShape`` raises the users), whose windows break above
    ``step_p95_ms``, ``step_error_rate`` or behind ``step_rps_per_user``.
    """

    service: Sequence[str]
    ready_url: str
    locustfile: str
    host: str
    users: int = 10
    spawn_rate: float = 10.0
    run_time_s: int = 60
    warmup_s: float = 10.0
    offered_rps: float | None = None
    processes: int | None = None
    ready_timeout_s: float = 60.0
    window_s: float = 5.0
    steps: bool = False
    step_p95_ms: float | None = None
    step_error_rate: float | None = None
    step_rps_per_user: float | None = None
    locust_args: Sequence[str] = ()
    # "warn" or "required": py-spy samples the service (.gates/load/profile/); a profile
    # that could not be taken is a warning, or the stage's error when required
    profile: str = "off"
    memray: bool = False  # with a profile: the service runs under memray (its peak memory)

    def __post_init__(self) -> None:
        if self.profile not in ("off", "warn", "required"):
            raise ValueError(
                f"LoadConfig(profile={self.profile!r}): profile is one of 'off', 'warn',"
                " 'required' (True became 'warn')"
            )

    def arguments(self) -> list[str]:
        """The ``gates load`` options of this scenario."""
        optional = {
            "--offered-rps": self.offered_rps,
            "--processes": self.processes,
            "--step-p95-ms": self.step_p95_ms,
            "--step-error-rate": self.step_error_rate,
            "--step-rps-per-user": self.step_rps_per_user,
        }
        return [
            f"--service={shlex.join(self.service)}",
            f"--ready-url={self.ready_url}",
            f"--ready-timeout={self.ready_timeout_s:g}",
            f"--locustfile={self.locustfile}",
            f"--host={self.host}",
            f"--users={self.users}",
            f"--spawn-rate={self.spawn_rate:g}",
            f"--run-time={self.run_time_s}",
            f"--warmup={self.warmup_s:g}",
            f"--window={self.window_s:g}",
            *(f"{name}={value:g}" for name, value in optional.items() if value is not None),
            *(["--steps"] if self.steps else []),
            *([f"--profile={self.profile}"] if self.profile != "off" else []),
            *(["--memray"] if self.memray else []),
        ]


@dataclass(frozen=True)
class PipelineConfig:
    """How a repository's evidence is made: which folders, which install, which stages.

    ``package`` is what coverage measures, mypy and bandit check; ``tests`` the
    unit tests; ``integration`` and ``benchmarks`` enable those stages.
    ``install`` is the pip arguments that install the project the way it
    declares its development environment: ``["-e", ".[test]"]``, or with PEP
    735 groups ``["-e", ".", "--group", "dev"]``. ``lock`` is the project's
    ``uv.lock``: when it is there, the project's dependencies and groups are
    installed at exactly its versions (``uv export --frozen``). ``semgrep``
    adds semgrep to the security stage (:mod:`gates.stage.commands.semgrep`);
    ``advisories`` audits the dependencies offline against a local folder of
    OSV advisories instead of with pip-audit (:mod:`gates.osv`). What is
    *good enough* is not here: that is ``gates.toml``.
    """

    package: str | Sequence[str]
    tests: str | Sequence[str] = "tests"
    integration: str | Sequence[str] | None = None
    benchmarks: str | Sequence[str] | None = None
    install: Sequence[str] = (".",)
    lint: Sequence[str] = (".",)
    typecheck: Sequence[str] | None = None  # what mypy checks; default: the package
    audit: Sequence[str] = (".",)  # pip-audit targets: a project path, or "-r", "requirements.txt"
    # a local folder of OSV advisories: the security stage audits `audit` against it, offline,
    # instead of running pip-audit (python -m gates.osv); its newest advisory at most this old
    advisories: str | None = None
    advisories_max_age_days: int = 90
    security: bool = True
    # semgrep in the security stage, offline: True for gates' rule pack, or rule folders of the
    # project's own ("gates" names the pack); False: not run (semgrep is a heavy install)
    semgrep: bool | Sequence[str] = False
    diff: bool = True
    python: str | None = None
    config: str = "gates.toml"
    reports: str = ".gates"
    pytest_args: Sequence[str] = ()
    extra_install: dict[str, Sequence[str]] = field(default_factory=dict)  # stage -> more pip args
    lock: str | None = "uv.lock"  # used when the file is there; None: never
    # more `gates bench` options: ["--budget", "300"], ["--max-rounds", "40"], ["--baseline", "b.json"]
    benchmark_args: Sequence[str] = ()
    runner: str = "pytest"  # or "unittest": `coverage run -m gates.unittest_junit discover`
    # pytest's failed tests run again, each time in a fresh process, at most this many times
    # (gates.stage.rerun); 0: none, the report-log is written all the same
    reruns: int = 2
    format: str | None = "ruff"  # the lint stage's `ruff format --check`; None: not gated
    load: LoadConfig | None = None  # the load stage: the service under Locust's load

    def __post_init__(self) -> None:
        check_options(runner=self.runner, format_=self.format, tests=as_paths(self.tests))
        reruns: object = self.reruns  # a noxfile may pass anything
        if isinstance(reruns, bool) or not isinstance(reruns, int) or reruns < 0:
            raise ValueError(
                f"Pipeline(reruns={self.reruns!r}): how many times a failed test runs again, "
                "in a fresh process: a whole number, 0 for none; fix noxfile.py"
            )

    @property
    def stages(self) -> tuple[str, ...]:
        """The enabled stages, in pipeline order."""
        return tuple(
            item.name
            for item in CATALOGUE
            if not item.enabled_by or getattr(self, item.enabled_by) not in (None, False)
        )
