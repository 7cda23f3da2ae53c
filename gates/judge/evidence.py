"""Load the evidence the stages wrote, trusting each report only through its manifest.

For every ``<reports>/<stage>/`` folder: read ``manifest.json``; check it was
made at the commit and working-tree state being judged; check every tool ran
fine (exit code in its documented set); read every report it lists, checking
size and sha256 before handing the bytes to the format's reader. Anything that
fails becomes a :class:`Problem` attached to the stage (and, where known, to a
tool and a kind of evidence), so the gates that read it block with that reason,
while the other gates are still judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gates.catalog.tools import KNOWN_TOOLS
from gates.errors import EvidenceError, GatesError
from gates.judge.budget import Spending
from gates.judge.provenance import History, provenance, tool_runs
from gates.model.reports import Problem, ReportData
from gates.model.stage import (
    Crash,
    Evidence,
    LoadedReport,
    Manifest,
    ReportEntry,
    StageEvidence,
    StageProblem,
)
from gates.policy.settings import Budget
from gates.readers import KINDS, MAY_BE_EMPTY, ReadContext, reader_for
from gates.readers.interface import Reader
from gates.stage.manifest import check_inside, load_manifest
from gates.system.collector import paused
from gates.system.git import TreeState
from gates.untrusted.safeio import Blob, empty_report, is_blank, read_blob

if TYPE_CHECKING:
    pass

__all__ = [
    "load_evidence",
    "load_stage",
    "pin_commit",
]

# What `git rev-parse` records: a SHA-1 or SHA-256 commit id.
_FULL_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_MIN_SHA = 7  # the shortest abbreviation git itself prints


def load_evidence(
    root: Path,
    *,
    reports: str,
    state: TreeState | None,
    max_bytes: int,
    unaffected: Sequence[str] = (),
    budget: Budget | None = None,
) -> Evidence:
    """Read every stage under ``root/reports``; ``state`` is what the evidence must match.

    ``state`` is ``None`` only when the caller vouches for provenance itself
    (``--commit`` given): then only the commit is compared, by the caller.
    ``unaffected`` are the policy's globs that ``state`` left out: a stage must
    have left out the same ones. Reading spends at most ``budget``
    (:mod:`gates.judge.budget`; its defaults when not given).
    """
    folder = root / reports
    if not Path(reports).is_absolute():  # a folder of the repository must stay in it
        check_inside(
            folder,
            root,
            display=reports,
            within="the repository",
            hint=f"make {reports} a folder of the repository, not a link, and rerun the stages",
        )
    children = sorted(folder.iterdir()) if folder.is_dir() else []
    history = History(root, reports, tuple(unaffected), state)
    spending = Spending(budget or Budget())
    with paused(), spending.memory():
        stages = tuple(
            _load_stage(
                child,
                root=root,
                display=f"{reports}/{child.name}",
                state=state,
                history=history,
                max_bytes=max_bytes,
                spending=spending,
            )
            for child in children
            if child.is_dir() and not child.name.startswith(".")
        )
    return Evidence(folder=reports, stages=stages)


def load_stage(
    folder: Path,
    *,
    root: Path,
    reports: str,
    state: TreeState | None,
    max_bytes: int,
    unaffected: Sequence[str] = (),
    budget: Budget | None = None,
) -> StageEvidence:
    """Read one stage folder as :func:`load_evidence` does."""
    history = History(root, reports, tuple(unaffected), state)
    spending = Spending(budget or Budget())
    with paused(), spending.memory():
        return _load_stage(
            folder,
            root=root,
            display=f"{reports}/{folder.name}",
            state=state,
            history=history,
            max_bytes=max_bytes,
            spending=spending,
        )


def _load_stage(
    folder: Path,
    *,
    root: Path,
    display: str,
    state: TreeState | None,
    history: History,
    max_bytes: int,
    spending: Spending,
) -> StageEvidence:
    """One stage folder; a bug of gates while reading it is a crash of that stage alone."""
    try:
        return _read_stage(
            folder,
            root=root,
            display=display,
            state=state,
            history=history,
            max_bytes=max_bytes,
            spending=spending,
        )
    except Exception:  # noqa: BLE001 - any bug: recorded, so the verdict still says it
        crash = Crash.capture(step="loading the stage folder", path=display)
    return StageEvidence(folder.name, None, (), (StageProblem(crash.problem),), (crash,))


def _read_stage(
    folder: Path,
    *,
    root: Path,
    display: str,
    state: TreeState | None,
    history: History,
    max_bytes: int,
    spending: Spending,
) -> StageEvidence:
    manifest = _open_manifest(folder, display=display)
    if isinstance(manifest, StageEvidence):  # no manifest to trust: the stage is that problem
        return manifest
    problems = list(provenance(manifest, display=display, state=state, history=history))
    problems.extend(tool_runs(manifest, display=display))
    context = ReadContext(root=root.resolve().as_posix(), git_prefix=history.prefix)
    loaded, failed, crashes = _load_reports(
        folder,
        manifest,
        display=display,
        context=context,
        max_bytes=max_bytes,
        spending=spending,
    )
    problems.extend(failed)
    for report in loaded:
        problems.extend(
            StageProblem(p, report.entry.tool, report.kind) for p in report.data.problems
        )
    problems.extend(_unproven_tools(manifest, loaded, display))
    return StageEvidence(manifest.stage, manifest, tuple(loaded), tuple(problems), tuple(crashes))


def _open_manifest(folder: Path, *, display: str) -> Manifest | StageEvidence:
    """The stage's manifest, or the stage as the one problem that leaves none to trust."""
    try:
        check_inside(  # the reports folder itself was checked, or chosen by the caller
            folder,
            folder.parent,
            display=display,
            within="the reports folder",
            hint=f"delete {display} and rerun the stage (`nox -s {folder.name}`)",
        )
        manifest = load_manifest(folder, display=display)
    except EvidenceError as error:
        return StageEvidence(
            folder.name, None, (), (StageProblem(_problem(error, f"nox -s {folder.name}")),)
        )
    if manifest.stage != folder.name:
        moved = Problem(
            slug="malformed-manifest",
            path=f"{display}/manifest.json",
            message=f"is the manifest of stage {manifest.stage!r}, in the folder of {folder.name!r}: "
            "a copied or renamed folder would count its evidence twice",
            hint=f"delete {display}/, or rerun the stage that writes it",
        )
        return StageEvidence(folder.name, None, (), (StageProblem(moved),))
    return manifest


def _load_reports(
    folder: Path,
    manifest: Manifest,
    *,
    display: str,
    context: ReadContext,
    max_bytes: int,
    spending: Spending,
) -> tuple[list[LoadedReport], list[StageProblem], list[Crash]]:
    """Every report the manifest names, read; the ones that could not be, as problems (and crashes)."""
    loaded: list[LoadedReport] = []
    problems: list[StageProblem] = []
    crashes: list[Crash] = []
    for entry in manifest.reports:
        try:
            loaded.append(
                _load_report(
                    folder,
                    entry,
                    manifest=manifest,
                    display=display,
                    context=context,
                    max_bytes=max_bytes,
                    spending=spending,
                )
            )
        except EvidenceError as error:
            problems.append(
                StageProblem(
                    _problem(error, manifest.reproduce), entry.tool, KINDS.get(entry.format)
                )
            )
        except _ReaderCrashed as crashed:
            crashes.append(crashed.crash)
            problems.append(
                StageProblem(crashed.crash.problem, entry.tool, KINDS.get(entry.format))
            )
    return loaded, problems, crashes


def _problem(error: EvidenceError, reproduce: str) -> Problem:
    return Problem(
        slug=error.slug,
        path=error.path,
        message=error.detail,
        hint=error.hint.replace("nox -s <stage>", reproduce) or f"regenerate it: `{reproduce}`",
        subject=error.subject,
    )


def _load_report(
    folder: Path,
    entry: ReportEntry,
    *,
    manifest: Manifest,
    display: str,
    context: ReadContext,
    max_bytes: int,
    spending: Spending,
) -> LoadedReport:
    path = f"{display}/{entry.path}"
    reader = reader_for(entry.format)
    kind = KINDS.get(entry.format)
    if reader is None or kind is None:
        raise EvidenceError(
            f"format {entry.format!r} is not one gates can read",
            slug="unknown-format",
            path=path,
            hint="see `docs/readers.md` for the formats gates reads",
        )
    check_inside(
        folder / entry.path,
        folder,
        display=path,
        within="its stage folder",
        hint=f"rerun the stage: `{manifest.reproduce}`",
    )
    with spending.reading(path):
        blob = read_blob(folder / entry.path, display=path, max_bytes=max_bytes, allow_empty=True)
        if blob.sha256 != entry.sha256 or len(blob.data) != entry.size:
            raise EvidenceError(
                "does not match the hash its stage recorded: it was changed or replaced after "
                "the stage ran",
                slug="hash-mismatch",
                path=path,
                hint=f"rerun the stage: `{manifest.reproduce}`",
            )
        if entry.format not in MAY_BE_EMPTY and is_blank(blob.data):
            raise empty_report(path)
        data = _read(reader, blob, context, format_id=entry.format)
    return LoadedReport(manifest.stage, path, entry, kind, data)


class _ReaderCrashed(Exception):  # noqa: N818 - carries a crash, raised only to be caught
    """A reader raised something other than an evidence error: a bug in gates."""

    def __init__(self, crash: Crash) -> None:
        super().__init__(crash.error)
        self.crash = crash


def _read(reader: Reader, blob: Blob, context: ReadContext, *, format_id: str) -> ReportData:
    """The reader's reading of ``blob``; a crash of the reader is :class:`_ReaderCrashed`.

    Evidence errors, and the budget's own signals (memory, time), pass through.
    """
    try:
        return reader.read(blob, context)
    except (GatesError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - any bug of a reader: the report's problem, and exit 4
        crash = Crash.capture(step=f"in the {format_id} reader", path=blob.path)
    raise _ReaderCrashed(crash)


def _unproven_tools(
    manifest: Manifest, loaded: Sequence[LoadedReport], display: str
) -> Iterator[StageProblem]:
    """A linter's or type checker's findings count only with proof it looked at files."""
    for tool in sorted({report.entry.tool for report in loaded}):
        spec = KNOWN_TOOLS.get(tool)
        if spec is None or spec.proof is None:
            continue
        proof = spec.proof
        if not any(report.entry.tool == tool and proof in report.data.counts for report in loaded):
            kinds = {report.kind for report in loaded if report.entry.tool == tool}
            for kind in sorted(kinds, key=lambda k: k.value):
                yield StageProblem(
                    Problem(
                        slug="completeness-unknown",
                        path=f"{display}/manifest.json",
                        message=f"no report says how many files {tool} checked, so zero findings could mean "
                        "it checked nothing",
                        hint=spec.proof_hint,
                        subject=tool,
                    ),
                    tool,
                    kind,
                )


def pin_commit(evidence: Evidence, commit: str) -> Evidence:
    """Require every stage to have measured ``commit`` (a full or abbreviated SHA).

    Used with ``--commit`` in CI, where the job checks out exactly that commit
    and the working-tree digest of the stage jobs is not comparable.
    """
    return replace(
        evidence, stages=tuple(_pin(stage, commit, evidence.folder) for stage in evidence.stages)
    )


def _pin(stage: StageEvidence, commit: str, folder: str) -> StageEvidence:
    if stage.manifest is None:
        return stage  # its missing or unreadable manifest is already a problem
    recorded = stage.manifest.commit
    wanted = commit.lower()
    if _FULL_SHA.fullmatch(recorded) and len(wanted) >= _MIN_SHA and recorded.startswith(wanted):
        return stage
    problem = Problem(
        slug="stale-commit",
        path=f"{folder}/{stage.name}/manifest.json",
        message=f"evidence is from commit {recorded[:12] or '(none)'}, not {commit[:12]}"
        + ("" if len(commit) >= _MIN_SHA else f" (`--commit` needs {_MIN_SHA} or more digits)"),
        hint=f"rerun the stage: `{stage.reproduce}`",
    )
    return replace(stage, problems=(StageProblem(problem), *stage.problems))
