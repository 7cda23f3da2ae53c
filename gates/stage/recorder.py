"""Recording a stage: the API stages call, which writes its manifest when the stage ends.

::

    recorder = StageRecorder.begin("unit", root=Path("."), reproduce="nox -s unit")
    code = subprocess.call([...])           # the tool writes into recorder.folder
    recorder.tool("pytest", version="9.2.0", argv=[...], exit_code=code)
    recorder.report("junit.xml", format="junit-xml", tool="pytest")
    recorder.finish()                       # atomic write of manifest.json

The first step of a stage clears its folder; a stage that could not produce
evidence says so in its manifest (``error``), and ``gates check`` blocks on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gates import __version__
from gates.errors import EvidenceError, UsageError
from gates.model.stage import Manifest, ReportEntry, ToolRun
from gates.stage.manifest import MANIFEST_NAME, dump_manifest, load_manifest
from gates.system.atomic import atomic_write
from gates.system.git import TreeState, tree_state

__all__ = ["StageRecorder", "stage_folder"]


_STAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # as gates.toml names stages


def stage_folder(root: Path, reports_dir: str, stage: str) -> Path:
    """``root/reports_dir/stage``, refusing any name that could reach outside it.

    A stage folder is cleared with ``rmtree``: a stage named ``..`` or ``/tmp``
    must never get that far.
    """
    if not _STAGE_NAME.match(stage):
        raise UsageError(
            f"stage name {stage!r} is not a plain folder name",
            slug="usage",
            hint="use letters, digits, '-', '_' and '.', e.g. `unit` or `lint`",
        )
    reports = Path(reports_dir)
    if not reports_dir or reports.is_absolute() or ".." in reports.parts or reports == Path():
        raise UsageError(
            f"reports folder {reports_dir!r} must be a folder inside the repository",
            slug="usage",
            hint="e.g. --reports .gates",
        )
    folder = root / reports / stage
    if not folder.resolve().is_relative_to(root.resolve()):
        raise UsageError(
            f"{folder} is outside the repository {root} (a symbolic link?)",
            slug="usage",
            hint="point --reports at a real folder inside the repository",
        )
    return folder


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class StageRecorder:
    """Records one stage run and writes its manifest (the API stages call)."""

    stage: str
    folder: Path
    state: TreeState
    reproduce: str
    started: str = field(default_factory=_now)
    tools: list[ToolRun] = field(default_factory=list)
    reports: list[ReportEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unaffected: tuple[str, ...] = ()
    planned: tuple[str, ...] = ()

    @classmethod
    def begin(
        cls,
        stage: str,
        *,
        root: Path,
        reports_dir: str = ".gates",
        reproduce: str = "",
        unaffected: Sequence[str] = (),
    ) -> StageRecorder:
        """Clear ``<root>/<reports_dir>/<stage>/`` and start recording.

        ``unaffected`` are the policy's globs of files left out of the tree digest.
        """
        folder = stage_folder(root, reports_dir, stage)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        state = tree_state(root, exclude=reports_dir, unaffected=unaffected)
        return cls(
            stage, folder, state, reproduce or f"nox -s {stage}", unaffected=tuple(unaffected)
        )

    @classmethod
    def resume(cls, stage: str, *, root: Path, reports_dir: str = ".gates") -> StageRecorder:
        """Continue recording a stage whose manifest an earlier step wrote."""
        folder = stage_folder(root, reports_dir, stage)
        manifest = load_manifest(folder, display=f"{reports_dir}/{stage}")
        state = tree_state(root, exclude=reports_dir, unaffected=manifest.unaffected)
        if (state.commit, state.digest) != (manifest.commit, manifest.worktree):
            raise EvidenceError(
                "the working tree changed since the stage began",
                slug="stale-worktree",
                path=f"{reports_dir}/{stage}/{MANIFEST_NAME}",
                hint="run the whole stage again, without --append on its first step",
            )
        return cls(
            stage,
            folder,
            state,
            manifest.reproduce,
            manifest.started,
            list(manifest.tools),
            list(manifest.reports),
            [manifest.error] if manifest.error else [],
            manifest.unaffected,
            manifest.planned,
        )

    def tool(
        self,
        name: str,
        *,
        version: str,
        argv: Sequence[str],
        exit_code: int,
        ok_exit_codes: Sequence[int] | None = None,
        source: str = "",
    ) -> None:
        """Record that ``name`` ran with ``argv`` and exited with ``exit_code``."""
        declared = tuple(ok_exit_codes) if ok_exit_codes is not None else None
        self.tools.append(ToolRun(name, version, tuple(argv), exit_code, declared, source))

    def report(self, path: str, *, format: str, tool: str, role: str = "") -> None:  # noqa: A002
        """Record a report the tool wrote, at ``path`` relative to the stage folder."""
        with (self.folder / path).open("rb") as handle:  # hashed in chunks: reports may be huge
            size = os.fstat(handle.fileno()).st_size
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        # a step run again replaces its report: the old entry's hash would no longer match
        self.reports = [entry for entry in self.reports if entry.path != path]
        self.reports.append(ReportEntry(path, format, tool, digest, size, role))

    def fail(self, error: str, *, tool: str = "") -> None:
        """Record that the stage could not produce (some of) its evidence.

        With ``tool``, the error is that tool's latest run's: it blocks the gates that
        read that tool, not every gate of the stage.
        """
        self.errors.append(error)
        for index in range(len(self.tools) - 1, -1, -1):
            if tool and self.tools[index].name == tool:
                self.tools[index] = replace(self.tools[index], error=error)
                return

    def finish(self, *, error: str = "") -> Manifest:
        """Write ``manifest.json`` atomically; ``error`` says the stage produced no evidence."""
        if error:
            self.fail(error)
        manifest = Manifest(
            stage=self.stage,
            commit=self.state.commit,
            dirty=self.state.dirty,
            worktree=self.state.digest,
            started=self.started,
            finished=_now(),
            gates_version=__version__,
            reproduce=self.reproduce,
            tools=tuple(self.tools),
            reports=tuple(self.reports),
            error="; ".join(self.errors),
            changes=self.state.changes,
            unaffected=self.unaffected,
            planned=self.planned,
        )
        atomic_write(self.folder / MANIFEST_NAME, dump_manifest(manifest))
        return manifest
