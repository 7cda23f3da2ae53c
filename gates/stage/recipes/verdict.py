"""The ``gates`` session: ``gates check`` on every stage's evidence, the verdict and its exit code."""

from __future__ import annotations

from pathlib import Path

import nox
import nox.command

from gates.stage.install import gates_install
from gates.stage.sessions import VERDICTS, forget_verdict, write_exit
from gates.stage.steps import StageSteps

__all__ = ["VerdictRecipe"]


class VerdictRecipe(StageSteps):
    """The ``gates`` session's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_gates(self, session: nox.Session) -> None:
        """Judge every stage's evidence against the policy: the verdict."""
        reports = Path(self.reports)
        forget_verdict(reports)  # first: an install that fails must leave no old verdict
        session.install(*gates_install())
        try:
            session.run(
                "gates",
                "check",
                "--config",
                self.config,
                "--reports",
                self.reports,
                "--format",
                "terminal",
                "--format",
                f"json:{self.reports}/{VERDICTS[0]}",
                "--format",
                f"markdown:{self.reports}/{VERDICTS[1]}",
                *session.posargs,
            )
        except nox.command.CommandFailed as error:
            write_exit(reports, error.return_code if error.return_code is not None else 4)
            raise
        write_exit(reports, 0)
