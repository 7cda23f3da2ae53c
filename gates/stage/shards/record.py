"""Which shard of which plan a shard's folder holds (``gates shard record``).

Shard K of N of a stage runs as the stage ``<stage>-shard-K-of-N`` (its own
folder and manifest, in the hidden ``.shards`` folder of the reports folder). Once it has run, its
``shard.json`` names the stage, K, N, the whole plan (and so its digest), and the
sha256 of the shard's manifest and coverage data: a shard folder copied from
another run, renamed, or edited afterwards no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.stage.manifest import MANIFEST_NAME
from gates.stage.recorder import stage_folder
from gates.stage.shards.plan import Plan, plan_of
from gates.stage.shards.request import shard_reports, shard_stage
from gates.system.atomic import atomic_write
from gates.untrusted.safeio import parse_json, read_blob

__all__ = [
    "DATA_NAME",
    "RECORD_NAME",
    "ShardRecord",
    "read_record",
    "write_record",
]

RECORD_NAME: Final = "shard.json"
DATA_NAME: Final = ".coverage"  # the shard's coverage data, as the stage recipe names it
_SCHEMA: Final = 1


@dataclass(frozen=True, slots=True)
class ShardRecord:
    """A shard's ``shard.json``."""

    stage: str
    index: int
    total: int
    plan: Plan
    manifest_sha256: str
    data_sha256: str


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_record(root: Path, reports: str, plan: Plan, index: int) -> Path:
    """Write shard ``index`` of ``plan``'s ``shard.json``, once the shard's stage has run."""
    shards = shard_reports(reports)
    folder = stage_folder(root, shards, shard_stage(plan.stage, index, plan.total))
    for name in (MANIFEST_NAME, DATA_NAME):
        if not (folder / name).is_file():
            raise EvidenceError(
                f"the shard wrote no {name}",
                slug="shard-missing",
                path=f"{shards}/{folder.name}/{name}",
                hint=f"run `GATES_SHARD={index}/{plan.total} nox -s {plan.stage}` again",
            )
    record = {
        "schema": _SCHEMA,
        "stage": plan.stage,
        "index": index,
        "total": plan.total,
        "plan": plan.as_json(),
        "manifest_sha256": _sha256(folder / MANIFEST_NAME),
        "data_sha256": _sha256(folder / DATA_NAME),
    }
    path = folder / RECORD_NAME
    atomic_write(path, json.dumps(record, indent=1, sort_keys=True).encode() + b"\n")
    return path


def read_record(folder: Path, *, display: str) -> ShardRecord:
    """The ``shard.json`` in ``folder``, checked against the manifest and data beside it."""
    path = f"{display}/{RECORD_NAME}"
    if not (folder / RECORD_NAME).is_file():
        raise EvidenceError(
            "the shard did not finish: it has no shard.json",
            slug="shard-missing",
            path=path,
            hint="run that shard again; its job's log says why it stopped",
        )
    value = parse_json(read_blob(folder / RECORD_NAME, display=path)).value
    if not isinstance(value, dict) or value.get("schema") != _SCHEMA:
        raise _mismatch(path, f"not a shard record of schema {_SCHEMA}")
    fields = [value.get(key) for key in ("stage", "index", "total", "manifest_sha256")]
    stage, index, total, manifest = fields
    data = value.get("data_sha256")
    if not (isinstance(stage, str) and isinstance(index, int) and isinstance(total, int)):
        raise _mismatch(path, "its stage, index or total is missing")
    if not isinstance(manifest, str) or not isinstance(data, str):
        raise _mismatch(path, "it holds no hash of the shard's manifest or data")
    plan = plan_of(value.get("plan"), display=path)
    for name, digest in ((MANIFEST_NAME, manifest), (DATA_NAME, data)):
        if not (folder / name).is_file() or _sha256(folder / name) != digest:
            raise _mismatch(f"{display}/{name}", "missing, or changed since the shard ran")
    return ShardRecord(stage, index, total, plan, manifest, data)


def _mismatch(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        why,
        slug="shard-mismatch",
        path=path,
        hint="run the shards again (`GATES_SHARD=K/N nox -s <stage>` for every K)",
    )
