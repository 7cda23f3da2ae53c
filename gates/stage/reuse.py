"""Whether a stage's evidence is up to date, so that a rerun can keep it instead of running it.

A stage is *up to date* when the evidence in its folder is exactly what running
it again would measure, as far as gates can tell:

* its manifest reads, records no stage error, and every tool exited with a code
  that means it ran fine;
* every report is there, with the size and sha256 the manifest recorded;
* ``gates check`` would call it fresh: the same code (the commit, or the same
  content committed since), with the policy's ``unaffected`` files left out;
* its *inputs* are the same: what the stage's recipe depends on besides the
  code (the pipeline's configuration, the tool pins, gates' version, the
  interpreter, the resolved base commit, the evidence of the stages it reads),
  recorded by the recipe in ``inputs.json`` beside the manifest, bound to that
  manifest by its hash.

Anything else (a change, a crash, a missing or edited file, different inputs)
means "run it". What a report *says* (failed tests, findings, an incomplete
audit) is evidence, not a reason to run again; ``GATES_FRESH=1`` always runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from gates.errors import EvidenceError
from gates.judge.evidence import load_stage
from gates.model.stage import StageEvidence
from gates.stage.manifest import MANIFEST_NAME
from gates.system.atomic import atomic_write
from gates.system.git import tree_state

__all__ = ["INPUTS_NAME", "digest", "outdated", "record_inputs"]

INPUTS_NAME = "inputs.json"
_SCHEMA = "gates.inputs"
_MAX_BYTES = 1024 * 1024


def digest(path: Path) -> str:
    """The sha256 of a file's bytes, or "" when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def record_inputs(folder: Path, inputs: Mapping[str, str]) -> None:
    """Write ``inputs.json``, bound to the manifest the stage just wrote."""
    document = {
        "schema": _SCHEMA,
        "manifest_sha256": digest(folder / MANIFEST_NAME),
        "inputs": dict(sorted(inputs.items())),
    }
    atomic_write(folder / INPUTS_NAME, (json.dumps(document, indent=2) + "\n").encode())


def outdated(
    root: Path,
    *,
    reports: str,
    stage: str,
    inputs: Mapping[str, str],
    unaffected: Sequence[str] = (),
) -> str:
    """Why ``stage`` must run again, or "" when its evidence is up to date."""
    folder = root / reports / stage
    try:
        state = tree_state(root, exclude=reports, unaffected=unaffected)
    except EvidenceError as error:
        return error.detail
    evidence = load_stage(
        folder, root=root, reports=reports, state=state, unaffected=unaffected, max_bytes=1 << 30
    )
    return _untrusted(evidence) or _inputs_changed(folder, inputs)


def _inputs_changed(folder: Path, inputs: Mapping[str, str]) -> str:
    recorded = _recorded_inputs(folder)
    if isinstance(recorded, str):
        return recorded
    changed = sorted(key for key in {*recorded, *inputs} if recorded.get(key) != inputs.get(key))
    return f"its inputs changed: {', '.join(changed)}" if changed else ""


def _recorded_inputs(folder: Path) -> dict[str, object] | str:
    """The inputs recorded with the stage's current manifest, or why there are none."""
    path = folder / INPUTS_NAME
    try:
        if path.is_symlink() or path.stat().st_size > _MAX_BYTES:
            return f"{path} is not a file gates wrote"
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return "no record of its inputs (it has not run, or did not finish)"
    except (OSError, ValueError) as error:
        return f"{path} cannot be read ({error})"
    if not isinstance(document, dict) or document.get("schema") != _SCHEMA:
        return f"{path} is not a gates inputs record"
    if document.get("manifest_sha256") != digest(folder / MANIFEST_NAME):
        return "its manifest is not the one its inputs were recorded with"
    recorded = document.get("inputs")
    return recorded if isinstance(recorded, dict) else f"{path} records no inputs"


def _untrusted(evidence: StageEvidence) -> str:
    """The first problem of how the evidence was made or kept; "" when there is none.

    Problems a report states about what it measured (failed tests, an
    incomplete audit) are the evidence itself: running again would say the same.
    """
    stated = {problem for report in evidence.reports for problem in report.data.problems}
    for found in evidence.problems:
        if found.problem not in stated:
            return found.problem.describe()
    return ""
