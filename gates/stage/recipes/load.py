"""The ``load`` stage: ``gates load``, the service under Locust's load (docs/load.md)."""

from __future__ import annotations

import nox

from gates.stage.steps import StageSteps

__all__ = ["LoadRecipe"]


class LoadRecipe(StageSteps):
    """The ``load`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_load(self, session: nox.Session) -> None:
        """The service under Locust's load: ``gates load`` with the pipeline's scenario.

        The session installs the project (the service runs in it), Locust at the tool
        pin and gates' listener's histogram library; ``gates load`` starts the service,
        runs Locust and stops both, whatever happens.
        """
        assert self.load is not None  # registered only when set  # noqa: S101
        profiling = self.load.profile != "off"
        tools = [
            "locust",
            "hdrhistogram",
            *(["py-spy"] if profiling else []),
            *(["memray"] if profiling and self.load.memray else []),
        ]
        self._install(session, tools=tools, project=True)
        session.run(
            "gates",
            "load",
            "--reports",
            self.reports,
            "--config",
            self.config,
            *self.load.arguments(),
            "--",
            *self.load.locust_args,
            *session.posargs,
            # exit 3: no evidence (the service never became ready); the manifest says so
            success_codes=[0, 3],
        )
        self._done(session, "load")
