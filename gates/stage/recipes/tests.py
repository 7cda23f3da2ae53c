"""The ``unit`` and ``integration`` stages: the tests under coverage.py, and coverage.py's reports."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import nox

from gates.stage.commands.coverage import (
    as_paths,
    coverage_settings,
    coverage_source,
)
from gates.stage.commands.testrunner import UNITTEST_TOOL, test_command
from gates.stage.shards.request import (
    SHARD_ENV,
    SHARDED,
    parse_request,
    planned_arguments,
    shard_reports,
    shard_stage,
)
from gates.stage.steps import StageSteps

__all__ = ["REPORT_LOG", "TestRecipes"]

REPORT_LOG = "reportlog.jsonl"  # pytest's report-log in the stage folder: every attempt


class TestRecipes(StageSteps):
    """The ``unit`` and ``integration`` stages' recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_unit(self, session: nox.Session) -> None:
        self._tests(session, "unit", as_paths(self.tests))

    def run_integration(self, session: nox.Session) -> None:
        self._tests(session, "integration", as_paths(self.integration or ()))

    def _tests(self, session: nox.Session, stage: str, folders: Sequence[str]) -> None:
        """``coverage run -m pytest``, then coverage.py's own reports of the stage's data.

        coverage.py measures from before pytest starts, so a package that pytest
        imports early (a plugin, an entry point) is counted, which pytest-cov
        misses. The project's coverage configuration is honoured as coverage.py
        reads it; the stage adds ``--source`` (the package) only when it sets
        neither ``source`` nor ``include``, and turns off pytest-cov when the
        project's test dependencies bring it (``--no-cov``: the run measures
        once). The data lives in ``.gates/<stage>/`` (cleared by the first
        step); parallel shards are combined by name, so the manifest names them
        and no shard from another run can slip in. pytest runs through
        :mod:`gates.stage.rerun` (:func:`_rerun`).
        """
        if stage in SHARDED and os.environ.get(SHARD_ENV):  # a shard runs as a stage of its own
            self._sharded(session, stage, folders)
            return
        runner = [UNITTEST_TOOL] if self.runner == "unittest" else ["pytest-reportlog"]
        self._install(session, tools=["coverage", *runner], project=True)
        settings = coverage_settings(session)
        env = {"COVERAGE_FILE": f"{self.reports}/{stage}/.coverage"}
        tool, command = test_command(
            self.runner, folders, junit="{stage_dir}/junit.xml", pytest_args=self.pytest_args
        )
        no_cov = settings.get("pytest_cov") and self.runner == "pytest"
        rerun = self.runner == "pytest"
        self._step(
            session,
            stage,
            tool,
            [
                *(_rerun(self.reruns) if rerun else []),
                "coverage",
                "run",
                *(["--parallel-mode"] if rerun else []),
                *coverage_source(settings, self.package),
                "-m",
                *command,
                *(["--no-cov"] if no_cov else []),
                *session.posargs,
            ],
            reports=[*([f"pytest-reportlog={REPORT_LOG}"] if rerun else []), "junit-xml=junit.xml"],
            first=True,
            env=env,
        )
        self._combine(session, stage, env)
        self._coverage_reports(session, stage, env)

    def _coverage_reports(self, session: nox.Session, stage: str, env: dict[str, str]) -> None:
        """coverage.py's own JSON, XML and text reports of the stage's combined data."""
        for command, report in (
            (
                ["coverage", "json", "-o", "{stage_dir}/coverage.json"],
                "coverage-json=coverage.json",
            ),
            (["coverage", "xml", "-o", "{stage_dir}/coverage.xml"], "cobertura-xml=coverage.xml"),
        ):
            self._step(session, stage, "coverage", command, reports=[report], env=env)
        self._step(
            session,
            stage,
            "coverage",
            ["coverage", "report", "--format=text"],
            stdout="coverage-report=coverage-report.txt",
            env=env,
        )
        self._done(session, stage)

    def _combine(self, session: nox.Session, stage: str, env: dict[str, str]) -> None:
        """``coverage combine`` of this run's parallel shards, each named (none: nothing to do)."""
        folder = Path(self.reports) / stage
        shards = sorted(path.as_posix() for path in folder.glob(".coverage.*"))
        if not shards:
            return
        append = ["--append"] if (folder / ".coverage").is_file() else []
        self._step(session, stage, "coverage", ["coverage", "combine", *append, *shards], env=env)

    def _sharded(self, session: nox.Session, stage: str, folders: Sequence[str]) -> None:
        """``GATES_SHARD=K/N``: shard K of the plan, as the stage ``<stage>-shard-K-of-N``;
        ``GATES_SHARD=combine``: every shard checked and combined into ``<stage>`` (docs/sharding.md).
        """
        from gates.errors import GatesError  # noqa: PLC0415 - sharded runs only
        from gates.stage.sessions import stop  # noqa: PLC0415

        try:
            request = parse_request(os.environ[SHARD_ENV])
        except GatesError as error:
            stop(f"{error.message} ({error.hint})")
        if self.runner != "pytest":
            stop(
                f"{SHARD_ENV}: sharding splits the tests pytest collects; this pipeline runs unittest"
            )
        self._install(session, tools=["coverage"], project=True)
        shard = ["gates", "shard"]
        where = ["--stage", stage, "--reports", self.reports]
        if request.combine:
            session.run(*shard, "combine", *where, success_codes=[0, 3])
            self._done(session, stage)
            return
        plan = Path(session.virtualenv.location) / f"{stage}.plan.json"
        total = str(request.total)
        session.run(
            *shard,
            "plan",
            *where,
            "--shards",
            total,
            "--output",
            str(plan),
            "--",
            *folders,
            *self.pytest_args,
        )
        arguments = planned_arguments(plan, request.index)
        # the shard is a stage of its own, in the hidden folder `gates check` never judges
        shard_steps = dataclasses.replace(self, reports=shard_reports(self.reports))
        shard_steps._tests(session, shard_stage(stage, request.index, request.total), arguments)
        session.run(
            *shard, "record", *where, "--shard", f"{request.index}/{total}", "--plan", str(plan)
        )


def _rerun(reruns: int) -> list[str]:
    """``python -m gates.stage.rerun … --``: pytest, then its failed tests in fresh processes.

    Its report-log (every attempt) is the stage's test evidence; the failed
    tests run again at most ``reruns`` times, each run under ``coverage run
    --parallel-mode``, so the coverage of every attempt is combined.
    """
    return [
        "python",
        "-m",
        "gates.stage.rerun",
        "--report-log",
        f"{{stage_dir}}/{REPORT_LOG}",
        "--reruns",
        str(reruns),
        "--",
    ]
