"""How a recipe takes its steps: installing a stage's tools, running each through ``gates run``,
recording what a stage that failed meant to run, and whether its evidence is still fresh.

:class:`StageSteps` is the half of :class:`gates.stage.recipes.Pipeline` that is
the same for every stage; the recipes are the other half.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nox
import nox.command

from gates import __version__
from gates.catalog.stages import CATALOGUE, stage_requires
from gates.catalog.stages import stage as catalogued
from gates.errors import GatesError
from gates.init.environment.projectenv import (
    InstallArgs,
    declarations,
    locked_versions,
    merge_install,
    normalise,
    read_install,
)
from gates.init.environment.toolchoice import ToolChoice, choose_tools
from gates.policy.settings import environment_base, resolve_base
from gates.stage.commands.testrunner import UNITTEST_TOOL
from gates.stage.commands.workflows import (
    workflow_files,
)
from gates.stage.config import PipelineConfig
from gates.stage.install import (
    export_lock,
    gates_install,
    gates_unless_project,
    lines_file,
    require_group_support,
    requirement,
    tool_pins,
)
from gates.stage.pins import bundled_pins, project_pins
from gates.stage.sessions import (
    FRESH,
    stage_error,
    stop,
)
from gates.stage.shards.request import reproduce
from gates.system.git import commit_of

__all__ = ["TOOL_SOURCES_ENV", "StageSteps"]

# stages whose tools read files of any kind (ruff formats Markdown, zizmor reads workflows):
# the policy's [gates] unaffected globs do not apply to them
_READS_EVERY_FILE = frozenset(item.name for item in CATALOGUE if item.every_file)
# `gates run` reads where each tool's version came from here, for the stage manifest
TOOL_SOURCES_ENV = "GATES_TOOL_SOURCES"
# the tools the stages run, by their package: each one's version source is recorded
_RECORDED = (
    "ruff",
    "mypy",
    "pytest",
    UNITTEST_TOOL,
    "coverage",
    "bandit",
    "pip-audit",
    "diff-cover",
    "zizmor",
    "semgrep",
)


@dataclass(frozen=True)
class StageSteps(PipelineConfig):
    """The steps every stage recipe takes (see the module docstring)."""

    # ------------------------------------------------------------ up to date, or run

    def inputs(self, session: nox.Session, stage: str) -> dict[str, str]:
        """What ``stage``'s evidence depends on besides the code (:mod:`gates.stage.reuse`)."""
        from gates.stage.reuse import digest  # noqa: PLC0415 - loaded by stage sessions only

        python = session.run(
            "python", "-c", "import sys; print(sys.version)", silent=True, log=False
        )
        found = {
            "stage": stage,
            "pipeline": json.dumps(dataclasses.asdict(self), sort_keys=True, default=str),
            "gates": f"{__version__} {shlex.join(gates_install())}",
            "tool pins": digest(tool_pins()),
            "python": str(python).strip(),
            "GATES_BASE": os.environ.get("GATES_BASE", ""),
        }
        if stage == "security" and self.audit and self.advisories:
            found["advisories"] = _advisories(self.advisories)
        if stage in ("diff", "benchmark"):
            found["base"] = commit_of(Path(), self.base()) or f"{self.base()} (not a commit)"
        for required in stage_requires(stage, self.stages):
            found[f"{required} evidence"] = digest(Path(self.reports) / required / "manifest.json")
        return found

    def outdated(self, session: nox.Session, stage: str, inputs: dict[str, str]) -> str:
        """Why ``stage`` must run; "" when its evidence is up to date."""
        if os.environ.get(FRESH, "") not in ("", "0"):
            return f"{FRESH} is set"
        if session.posargs:
            return "arguments were given"
        from gates.policy.load import load_settings  # noqa: PLC0415 - loaded by stage sessions only
        from gates.stage.reuse import outdated  # noqa: PLC0415

        try:
            unaffected = load_settings(Path(self.config), root=Path()).unaffected
        except Exception as error:  # noqa: BLE001 - a broken policy: run, and let gates check say why
            return f"the policy cannot be read ({error})"
        return outdated(
            Path(), reports=self.reports, stage=stage, inputs=inputs, unaffected=unaffected
        )

    def record_failure(self, stage: str, error: str) -> None:
        """Record that ``stage`` could not produce evidence, keeping what it recorded so far."""
        from gates.errors import GatesError  # noqa: PLC0415 - loaded by stage sessions only
        from gates.policy.load import load_settings  # noqa: PLC0415
        from gates.stage.recorder import StageRecorder  # noqa: PLC0415

        try:
            recorder = StageRecorder.resume(stage, root=Path(), reports_dir=self.reports)
        except GatesError:  # nothing recorded yet (the install failed), or the tree moved
            try:
                unaffected = load_settings(Path(self.config), root=Path()).unaffected
            except GatesError:
                unaffected = ()
            recorder = StageRecorder.begin(
                stage,
                root=Path(),
                reports_dir=self.reports,
                reproduce=reproduce(stage),
                unaffected=unaffected,
            )
        recorder.planned = self.planned(stage)
        recorder.finish(error=error)

    def planned(self, stage: str) -> tuple[str, ...]:
        """The tools ``stage`` runs: what its gates read, should it fail before running them."""
        found = catalogued(stage)
        if found is None:
            return ()
        left_out = {
            *(() if workflow_files() else ("zizmor", "actionlint")),  # no workflow to check
            *(() if self.audit and not self.advisories else ("pip-audit",)),  # nothing, or offline
            *(() if self.audit and self.advisories else ("osv-offline",)),  # not asked for
            *(() if self.semgrep else ("semgrep",)),  # not asked for
        }
        runner = UNITTEST_TOOL if self.runner == "unittest" else "pytest"
        return tuple(
            runner if tool == "pytest" else tool for tool in found.tools if tool not in left_out
        )

    # ------------------------------------------------------------ helpers

    def base(self) -> str:
        """``$GATES_BASE`` (CI sets it to the pull request's base), else ``[gates] base``.

        The default is ``origin/main``; ``gates check`` reads the same variable.
        """
        try:
            policy = tomllib.loads(Path(self.config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            policy = {}
        settings = policy.get("gates", {})
        base = settings.get("base") if isinstance(settings, dict) else None
        configured = base if isinstance(base, str) and base.strip() else None
        return resolve_base(environment_base(), configured)

    def _install(
        self, session: nox.Session, *, tools: Sequence[str], project: bool = False
    ) -> None:
        """Install gates, the tools and (for stages that import it) the project.

        The project is installed as it declares itself: its groups (``--group``),
        extras and requirements files, at the versions its ``uv.lock`` holds when
        it has one. Each tool comes at the version the project pins in
        ``gates-tools.txt``, else locks or declares, else at gates' own pin
        (:mod:`gates.init.environment.toolchoice`); where each came from is recorded in the
        stage manifest.
        """
        extra = list(self.extra_install.get(session.name, ()))
        wanted = merge_install(self.install, extra) if project else extra
        declared = read_install(merge_install(self.install, extra))
        try:
            choices = self._tool_choices(declared, tools)
            lock = self._lock_file()
        except GatesError as error:
            stop(f"{error.message} ({error.hint})")
        folder = Path(session.virtualenv.location)
        constraints = lines_file(
            folder / "gates-constraints.txt",
            [choice.requirement for choice in choices.values() if choice.constrains],
        )
        args = list(wanted)
        if project and lock is not None:
            pinned = {name for name, choice in choices.items() if choice.constrains}
            locked = export_lock(session, lock, declared, drop=pinned)
            args = ["-r", locked, *read_install(wanted).without_groups]
        elif read_install(wanted).groups:
            require_group_support(session, read_install(wanted).groups)
        # a pinned tool by its name (the constraints pin it), the project's by its version
        requirements = [requirement(choices[normalise(tool)], tool) for tool in tools]
        session.install("-c", constraints, *args, *gates_unless_project(project), *requirements)
        session.env[TOOL_SOURCES_ENV] = json.dumps(
            {name: choice.source for name, choice in sorted(choices.items())}
        )

    def _tool_choices(self, declared: InstallArgs, tools: Sequence[str]) -> dict[str, ToolChoice]:
        """The stage's tools and every pinned one, by normalised name, and their versions' source."""
        pinned, shipped = project_pins(), bundled_pins()
        lock = self._lock_file()
        names = sorted({normalise(name) for name in [*_RECORDED, *tools, *pinned, *shipped]})
        return choose_tools(
            names,
            pinned=pinned,
            bundled=shipped,
            locked=locked_versions(lock) if lock is not None else {},
            declared=declarations(Path(), declared),
            lock_file=self.lock or "",
        )

    def _bench_constraints(self, session: nox.Session, install: Sequence[str]) -> str:
        """The versions each side's environment gets its tools at, as a constraints file.

        ``gates bench`` installs each side with ``install`` alone, so the tool
        versions the project locks or pins exactly are constraints here too.
        """
        try:
            choices = self._tool_choices(read_install(install), ["pytest-benchmark"])
        except GatesError as error:
            stop(f"{error.message} ({error.hint})")
        exact = [c.requirement for c in choices.values() if "==" in c.requirement]
        path = Path(session.virtualenv.location) / "gates-constraints.txt"
        return str(Path(lines_file(path, exact)).resolve())

    def _lock_file(self) -> Path | None:
        """The project's ``uv.lock``, when it has one and the pipeline uses it."""
        if self.lock is None or not Path(self.lock).is_file():
            return None
        return Path(self.lock)

    def _step(
        self,
        session: nox.Session,
        stage: str,
        tool: str,
        command: Sequence[str],
        *,
        stdout: str = "",
        reports: Sequence[str] = (),
        role: str = "",
        first: bool = False,
        env: dict[str, str] | None = None,
        version: str = "",
    ) -> None:
        args = [
            "gates",
            "run",
            stage,
            "--tool",
            tool,
            "--reports",
            self.reports,
            "--reproduce",
            reproduce(stage),
        ]
        if not first:
            args.append("--append")
        elif stage in _READS_EVERY_FILE:
            args.append("--every-file")
        if stdout:
            args += ["--stdout", stdout]
        for report in reports:
            args += ["--report", report]
        if role:
            args += ["--role", role]
        if version:
            args += ["--tool-version", version]
        # exit 3: the tool could not produce evidence; the manifest says so and the verdict blocks
        session.run(*args, "--", *command, success_codes=[0, 3], env=env or {})

    def _done(self, session: nox.Session, stage: str) -> None:
        error = stage_error(Path(self.reports) / stage)
        if error:
            session.warn(
                f"{stage}: could not produce evidence ({error}); recorded, and `gates check` "
                "blocks on it"
            )


def _advisories(folder: str) -> str:
    """The offline audit's advisory folder, and the day: a refreshed folder, or a new day
    (the folder's age is judged when the audit runs), runs the security stage again."""
    from gates.osv.advisories import fingerprint  # noqa: PLC0415 - loaded by stage sessions only

    return fingerprint(Path(folder), today=datetime.now(UTC).date().isoformat())
