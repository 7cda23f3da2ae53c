"""The ``type`` stage: mypy's JSON and its line-count report (the files it checked)."""

from __future__ import annotations

import nox

from gates.stage.commands.coverage import (
    as_paths,
)
from gates.stage.steps import StageSteps

__all__ = ["TypeRecipe"]


class TypeRecipe(StageSteps):
    """The ``type`` stage's recipe: one part of :class:`gates.stage.recipes.Pipeline`."""

    def run_type(self, session: nox.Session) -> None:
        self._install(session, tools=["mypy"], project=True)
        self._step(
            session,
            "type",
            "mypy",
            [
                "mypy",
                "-O",
                "json",
                "--linecount-report",
                "{stage_dir}/linecount",
                *(self.typecheck or as_paths(self.package)),
            ],
            stdout="mypy-json=mypy.json",
            reports=["mypy-linecount=linecount/linecount.txt"],
            first=True,
        )
        self._done(session, "type")
