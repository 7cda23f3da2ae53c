"""Every shard of a stage checked before they are combined.

Blocks (:class:`~gates.errors.EvidenceError`, naming the shard's folder and the
command that runs it again) when no shard ran, a shard is missing, did not
finish, failed, ran on other code, holds another shard's record (copied or
duplicated), ran another plan (other tests or durations), or when the shard
folders were planned with different numbers of shards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gates.errors import EvidenceError
from gates.model.stage import Manifest
from gates.stage.manifest import load_manifest
from gates.stage.recorder import stage_folder
from gates.stage.shards.record import ShardRecord, read_record
from gates.stage.shards.request import shard_reports, shard_stage
from gates.system.git import tree_state

__all__ = ["Shard", "check_shards"]


@dataclass(frozen=True, slots=True)
class Shard:
    """One shard's folder, as checked: its record and its manifest."""

    folder: Path
    display: str
    record: ShardRecord
    manifest: Manifest


def _rerun(stage: str, index: int | str, total: int | str) -> str:
    return f"run `GATES_SHARD={index}/{total} nox -s {stage}` (or rerun its CI job), then combine"


def _found(root: Path, reports: str, stage: str) -> dict[tuple[int, int], Path]:
    """The shard folders of ``stage`` under the reports folder, by (index, total)."""
    base = stage_folder(root, reports, stage).parent
    found: dict[tuple[int, int], Path] = {}
    for folder in sorted(base.glob(f"{stage}-shard-*-of-*")):
        index, _, total = folder.name.removeprefix(f"{stage}-shard-").partition("-of-")
        if _number(index) and _number(total) and folder.is_dir():
            found[int(index), int(total)] = folder
    return found


def _number(text: str) -> bool:
    """ASCII digits only, as a shard's folder is named (``unit-shard-2-of-4``)."""
    return text.isascii() and text.isdigit()


def _one_total(
    found: dict[tuple[int, int], Path], reports: str, stage: str, expected: int | None
) -> int:
    """The N every shard folder was planned with (and ``expected``, when given)."""
    totals = sorted({total for _, total in found})
    if len(totals) > 1 or (expected is not None and totals != [expected]):
        named = ", ".join(f"{reports}/{shard_stage(stage, *key)}" for key in sorted(found))
        wanted = f"; {expected} were expected" if expected is not None else ""
        raise EvidenceError(
            f"the shards of {stage} were planned with different numbers of shards: {named}{wanted}",
            slug="shard-mismatch",
            path=f"{reports}/{stage}-shard-*",
            hint="delete the shard folders of the other number and run every shard again",
        )
    total = totals[0]
    for index, _ in sorted(found):
        if not 1 <= index <= total:
            raise EvidenceError(
                f"shard {index} of {total} cannot exist",
                slug="shard-mismatch",
                path=f"{reports}/{shard_stage(stage, index, total)}",
                hint="delete that folder and run every shard again",
            )
    return total


def check_shards(
    root: Path, reports: str, stage: str, *, expected: int | None = None
) -> list[Shard]:
    """Every shard of ``stage``, each checked; raises :class:`EvidenceError` on the first wrong one."""
    reports = shard_reports(reports)  # where the shards are, and what their state left out
    found = _found(root, reports, stage)
    if not found:
        raise EvidenceError(
            f"no shard of {stage} ran: no {stage}-shard-K-of-N folder",
            slug="shard-missing",
            path=f"{reports}/{stage}-shard-K-of-N",
            hint=f"run `GATES_SHARD=K/N nox -s {stage}` for every K (the CI matrix does)",
        )
    total = _one_total(found, reports, stage, expected)
    for index in range(1, total + 1):
        if (index, total) not in found:
            raise EvidenceError(
                f"shard {index} of {total} of {stage} is missing",
                slug="shard-missing",
                path=f"{reports}/{shard_stage(stage, index, total)}",
                hint=_rerun(stage, index, total),
            )
    shards = [
        _shard(root, reports, stage, (index, total), found[index, total])
        for index in range(1, total + 1)
    ]
    first = shards[0].record.plan.digest
    for shard in shards[1:]:
        if shard.record.plan.digest != first:
            raise EvidenceError(
                f"shard {shard.record.index} of {total} ran another plan than shard 1 "
                "(other tests, or other recorded durations)",
                slug="shard-mismatch",
                path=f"{shard.display}/shard.json",
                hint="give every shard the same tests and durations, and run them all again",
            )
    return shards


def _shard(root: Path, reports: str, stage: str, key: tuple[int, int], folder: Path) -> Shard:
    index, total = key
    display = f"{reports}/{folder.name}"
    record = read_record(folder, display=display)
    if (record.stage, record.index, record.total) != (stage, index, total) or (
        record.plan.stage,
        record.plan.total,
    ) != (stage, total):
        raise EvidenceError(
            f"the folder of shard {index} of {total} holds shard {record.index} of "
            f"{record.total} of {record.stage} (copied or duplicated)",
            slug="shard-mismatch",
            path=f"{display}/shard.json",
            hint=_rerun(stage, index, total),
        )
    manifest = load_manifest(folder, display=display)
    if manifest.error:
        raise EvidenceError(
            f"shard {index} of {total} could not produce evidence: {manifest.error}",
            slug="stage-failed",
            path=f"{display}/manifest.json",
            hint=_rerun(stage, index, total),
        )
    state = tree_state(root, exclude=reports, unaffected=manifest.unaffected)
    if (manifest.commit, manifest.worktree) != (state.commit, state.digest):
        raise EvidenceError(
            f"shard {index} of {total} ran on other code (commit {manifest.commit[:12]}, "
            f"this tree is {state.commit[:12]}{' with changes' if state.dirty else ''})",
            slug="stale-commit",
            path=f"{display}/manifest.json",
            hint=_rerun(stage, index, total),
        )
    return Shard(folder, display, record, manifest)
