"""The ``unit`` and ``integration`` stages: the tests under coverage.py, and coverage.py's reports."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nox

from gates.stage.coverage import (
    as_paths,
    coverage_settings,
    coverage_source,
)
from gates.stage.steps import StageSteps
from gates.stage.testrunner import UNITTEST_TOOL, test_command

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
