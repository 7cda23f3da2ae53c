"""The ``diff`` stage: the change against the base (``git diff --numstat``) and diff-cover on it."""

from __future__ import annotations

import shlex
from pathlib import Path

import nox

from gates.catalog.stages import stage_requires
from gates.stage.commands.coverage import (
    as_paths,
    python_files,
)
from gates.stage.sessions import stage_error
from gates.stage.steps import StageSteps
from gates.system.gitnames import ref

__all__ = ["DiffRecipe"]


class DiffRecipe(StageSteps):
    """The ``diff`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_diff(self, session: nox.Session) -> None:
        """The change's lines (``git diff --numstat``), then diff-cover on the tests' coverage."""
        self._install(session, tools=["diff-cover"])
        base = self.base()
        try:
            ref(base)  # it reaches git as an argument
        except ValueError as error:
            self.record_failure("diff", f"the base ref: {error} ($GATES_BASE or [gates] base)")
            return
        self._numstat(session, base)
        if stage_error(Path(self.reports) / "diff"):  # no base: diff-cover would only add noise
            self._done(session, "diff")
            return
        failed = [
            s for s in stage_requires("diff", self.stages) if stage_error(Path(self.reports) / s)
        ]
        if failed:  # diff-cover would only crash on the coverage report that is not there
            self.record_failure(
                "diff",
                f"the {' and '.join(failed)} stage produced no coverage to measure the change with "
                f"(see {', '.join(f'{self.reports}/{s}/manifest.json' for s in failed)})",
            )
            self._done(session, "diff")
            return
        self._diff_cover(session, base)
        self._done(session, "diff")

    def _numstat(self, session: nox.Session, base: str) -> None:
        """``git diff --numstat`` of the measured code against ``base`` (exit 128: no such base)."""
        # only the measured code: a change that adds tests or a noxfile adds no line that
        # diff-cover could measure, and must not look like a vacuous 100 %
        specs = [python_files(path) for path in as_paths(self.package)]
        header = f"# git diff --numstat {base}...HEAD -- {' '.join(specs)}"
        missing = (
            f"gates: the base ref {base} is not in this clone: fetch it (`git fetch origin`; "
            "in GitHub Actions, `fetch-depth: 0`), or set [gates] base in gates.toml"
        )
        numstat = (
            f"git rev-parse --verify --quiet {shlex.quote(base + '^{commit}')} >/dev/null "
            f"|| {{ echo {shlex.quote(missing)} >&2; exit 128; }}; "
            f"echo {shlex.quote(header)} && git diff --numstat {shlex.quote(base + '...HEAD')} "
            f"-- {' '.join(shlex.quote(spec) for spec in specs)}"
        )
        git = session.run("git", "--version", silent=True, external=True) or ""
        self._step(
            session,
            "diff",
            "git",
            ["sh", "-c", numstat],
            stdout="git-numstat=numstat.txt",
            first=True,
            version=str(git).split()[-1] if str(git).split() else "",
        )

    def _diff_cover(self, session: nox.Session, base: str) -> None:
        """diff-cover on the coverage XML of the test stages this pipeline runs."""
        xml = [
            f"{self.reports}/{s}/coverage.xml" for s in ("unit", "integration") if s in self.stages
        ]
        self._step(
            session,
            "diff",
            "diff-cover",
            [
                "diff-cover",
                *xml,
                f"--compare-branch={base}",
                "--format",
                "json:{stage_dir}/diff-cover.json",
            ],
            reports=["diff-cover-json=diff-cover.json"],
        )
