"""The ``security`` stage: bandit, detect-secrets (through gates' runner), semgrep when asked,
pip-audit (or, with ``advisories=``, the offline audit against a local OSV folder: :mod:`gates.osv`)."""

from __future__ import annotations

from pathlib import Path

import nox

from gates import __version__
from gates.init.environment.setupmeta import audit_arguments
from gates.stage.commands.coverage import (
    as_paths,
    has_table,
)
from gates.stage.commands.semgrep import REPORT as SEMGREP_REPORT
from gates.stage.commands.semgrep import semgrep_command, semgrep_configs
from gates.stage.sessions import stop
from gates.stage.steps import StageSteps

__all__ = ["SecurityRecipe"]


class SecurityRecipe(StageSteps):
    """The ``security`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_security(self, session: nox.Session) -> None:
        try:
            semgrep = semgrep_configs(self.semgrep)
        except ValueError as error:
            stop(str(error))
        offline = bool(self.audit and self.advisories)
        audit = [] if offline else ["pip-audit"]
        tools = ["bandit", *audit, "detect-secrets", *(["semgrep"] if semgrep else [])]
        # offline, the audit reads the installed versions: the project is installed with them
        self._install(session, tools=tools, project=offline)
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
        self._secrets(session)
        if semgrep:
            self._semgrep(session, semgrep)
        if offline:
            self._offline_audit(session)
        elif self.audit:  # empty: the project has no dependencies to audit
            audit = self._audit_targets(session)
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

    def _secrets(self, session: nox.Session) -> None:
        """detect-secrets, through gates' runner: no secret in the report."""
        self._step(
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

    def _semgrep(self, session: nox.Session, configs: list[str]) -> None:
        """semgrep on the package: offline, local rules only (gates/stage/commands/semgrep.py)."""
        self._step(
            session,
            "security",
            "semgrep",
            semgrep_command(configs, as_paths(self.package)),
            reports=[f"semgrep-json={SEMGREP_REPORT}"],
        )

    def _audit_targets(self, session: nox.Session) -> list[str]:
        """What the audit is given; a setup.py target as its install_requires, a requirements file."""
        try:
            return audit_arguments(self.audit, Path(session.virtualenv.location))
        except ValueError as error:
            stop(str(error))

    def _offline_audit(self, session: nox.Session) -> None:
        """The dependencies against the local OSV advisories (:mod:`gates.osv`), offline."""
        audit = self._audit_targets(session)
        self._step(
            session,
            "security",
            "osv-offline",
            [
                "python",
                "-m",
                "gates.osv",
                "--advisories",
                str(self.advisories),
                "--max-age-days",
                str(self.advisories_max_age_days),
                "-o",
                "{stage_dir}/osv.json",
                *audit,
            ],
            reports=["gates-osv-json=osv.json"],
            version=__version__,  # gates' own audit: no program of its own to ask
        )
