"""The ``security`` stage: bandit, detect-secrets (through gates' runner) and pip-audit."""

from __future__ import annotations

from pathlib import Path

import nox

from gates.init.environment.setupmeta import audit_arguments
from gates.stage.coverage import (
    as_paths,
    has_table,
)
from gates.stage.sessions import stop
from gates.stage.steps import StageSteps

__all__ = ["SecurityRecipe"]


class SecurityRecipe(StageSteps):
    """The ``security`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_security(self, session: nox.Session) -> None:
        self._install(session, tools=["bandit", "pip-audit", "detect-secrets"])
        config = ["-c", "pyproject.toml"] if has_table("pyproject.toml", "bandit") else []
        self._step(
            session,
            "security",
            "bandit",
            [
                "bandit",
                *config,
                "-r",
                *as_paths(self.package),
                "-f",
                "json",
                "-o",
                "{stage_dir}/bandit.json",
                "-q",
            ],
            reports=["bandit-json=bandit.json"],
            first=True,
        )
        self._step(  # detect-secrets, through gates' runner: no secret in the report
            session,
            "security",
            "detect-secrets",
            [
                "python",
                "-m",
                "gates.secrets_scan",
                *as_paths(self.package),
                "-o",
                "{stage_dir}/secrets.json",
            ],
            reports=["gates-secrets-json=secrets.json"],
        )
        if self.audit:  # empty: the project has no dependencies to audit
            try:  # a setup.py target: its install_requires, as a requirements file
                audit = audit_arguments(self.audit, Path(session.virtualenv.location))
            except ValueError as error:
                stop(str(error))
            self._step(
                session,
                "security",
                "pip-audit",
                [
                    "pip-audit",
                    *audit,
                    "-f",
                    "json",
                    "-o",
                    "{stage_dir}/pip-audit.json",
                    "--progress-spinner",
                    "off",
                ],
                reports=["pip-audit-json=pip-audit.json"],
            )
        self._done(session, "security")
