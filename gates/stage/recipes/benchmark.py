"""The ``benchmark`` stage: ``gates bench``, the same-run A/B of the merge base and the tree."""

from __future__ import annotations

import shlex

import nox

from gates.init.environment.projectenv import merge_install
from gates.stage.commands.coverage import (
    as_paths,
)
from gates.stage.install import gates_install, tool_pins
from gates.stage.steps import StageSteps

__all__ = ["BenchmarkRecipe"]


class BenchmarkRecipe(StageSteps):
    """The ``benchmark`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_benchmark(self, session: nox.Session) -> None:
        """Same-run A/B: ``gates bench`` measures the merge base and the working tree.

        The session needs only gates: ``gates bench`` builds one environment per
        side, the same way (the project with ``install`` and this stage's
        ``extra_install``, and pytest-benchmark at the tool pin), then alternates
        fresh processes of each side until every benchmark is decided.
        """
        session.install("-c", str(tool_pins()), *gates_install())
        install = merge_install(self.install, self.extra_install.get(session.name, ()))
        constraints = self._bench_constraints(session, install)
        session.run(
            "gates",
            "bench",
            "--reports",
            self.reports,
            "--config",
            self.config,
            "--base",
            self.base(),
            f"--install={shlex.join(install)}",
            "--constraints",
            constraints,
            "--reproduce",
            "nox -s benchmark",
            *self.benchmark_args,
            "--",
            *as_paths(self.benchmarks or ()),
            *session.posargs,
            # exit 3: no evidence (no base, a failed install); the manifest says so and the verdict blocks
            success_codes=[0, 3],
        )
        self._done(session, "benchmark")
