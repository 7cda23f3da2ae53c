"""``kept.json``: what the load stage kept for people, and what it could not take.

Format ``gates-load-kept``, version 1::

    {"format": "gates-load-kept", "version": 1, "profile": "warn",
     "missing": ["py-spy exited with 1 and wrote no profile (ptrace not allowed?)"],
     "files": [{"path": "profile/top20.md", "what": "top 20 functions",
                "sha256": "…", "size": 2048}]}

``profile`` is the policy the run had (``off``, ``warn``, ``required``); ``missing``
says, per part of the profile that could not be taken, why; ``files`` lists each file
kept (paths relative to the stage's folder, with their hashes: the manifest vouches for
this file, this file for them). No gate reads these files: :func:`notes` turns the
index into the verdict's notes (where the profile and the breaking-point chart are, or
a warning that the profile could not be taken). A required profile that could not be
taken is the stage's error (:mod:`gates.load.run.stage`), so the verdict blocks.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from gates.errors import EvidenceError
from gates.load.evidence import load_document
from gates.model.stage import Evidence
from gates.untrusted.safeio import Blob
from gates.untrusted.safetext import one_line

__all__ = [
    "CHART",
    "FORMAT",
    "POLICIES",
    "VERSION",
    "Kept",
    "KeptFile",
    "evidence_notes",
    "kept_file",
    "notes",
    "read",
    "render",
]

FORMAT: Final = "gates-load-kept"
VERSION: Final = 1
POLICIES: Final = ("off", "warn", "required")
_SAFE_PATH: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")  # shown in the verdict


@dataclass(frozen=True, slots=True)
class KeptFile:
    path: str  # relative to the stage's folder, "/"-separated
    what: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Kept:
    profile: str  # one of POLICIES
    missing: tuple[str, ...]
    files: tuple[KeptFile, ...]


def kept_file(folder: Path, path: str, what: str) -> KeptFile:
    """``folder/path`` as an entry of the index, hashed now."""
    data = (folder / path).read_bytes()
    return KeptFile(path, what, hashlib.sha256(data).hexdigest(), len(data))


def render(kept: Kept) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "profile": kept.profile,
        "missing": list(kept.missing),
        "files": [
            {"path": f.path, "what": f.what, "sha256": f.sha256, "size": f.size} for f in kept.files
        ],
    }
    return (json.dumps(doc, indent=1) + "\n").encode()


def read(blob: Blob) -> Kept:
    doc = load_document(
        blob, FORMAT, VERSION, writer="the load stage of this gates version (`gates load`)"
    )
    profile = doc.text("profile")
    if profile not in POLICIES:
        raise _malformed(blob.path, f"profile is {one_line(profile, 40)!r}, not one of {POLICIES}")
    missing = [item for item in doc.array("missing") if isinstance(item, str)]
    if len(missing) != len(doc.array("missing")):
        raise _malformed(blob.path, "missing holds something other than text")
    files = tuple(
        KeptFile(item.text("path"), item.text("what"), item.text("sha256"), item.count("size"))
        for item in doc.each("files")
    )
    for entry in files:
        parts = PurePosixPath(entry.path).parts
        if not _SAFE_PATH.fullmatch(entry.path) or entry.path.startswith("/") or ".." in parts:
            raise _malformed(blob.path, f"{one_line(entry.path, 80)!r} is not a file of the stage")
    return Kept(
        profile,
        tuple(one_line(m, 300) for m in missing),
        tuple(KeptFile(f.path, one_line(f.what, 80), f.sha256, f.size) for f in files),
    )


def _malformed(path: str, detail: str) -> EvidenceError:
    return EvidenceError(
        detail,
        slug="malformed-report",
        path=path,
        hint="rerun the load stage (`gates load`): it writes this file",
    )


def evidence_notes(evidence: Evidence, *, root: Path) -> tuple[str, ...]:
    """The notes of every ``kept.json`` the evidence holds (``root``: where its paths start)."""
    found: list[str] = []
    for stage in evidence.stages:
        for report in stage.reports:
            if isinstance(report.data.load, Kept):
                folder = report.path.rsplit("/", 1)[0]
                found += notes(report.data.load, folder=folder, stage=stage.name)
                found += _changed(report.data.load, root / folder, shown=folder)
    return tuple(found)


def _changed(kept: Kept, folder: Path, *, shown: str) -> list[str]:
    """A warning per kept file that is not the one the stage hashed (changed or removed)."""
    found = []
    for entry in kept.files:
        try:
            with (folder / entry.path).open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            digest = ""
        if digest != entry.sha256:
            found.append(
                f"warning: {shown}/{entry.path} is not the {entry.what} the stage kept"
                " (changed or removed after the run): rerun the load stage"
            )
    return found


def notes(kept: Kept, *, folder: str, stage: str) -> list[str]:
    """The verdict's notes: where the kept files are; a profile that could not be taken."""
    found = []
    by_what = {f.what: f"{folder}/{f.path}" for f in kept.files}
    profile = [f"{what}: {path}" for what, path in by_what.items() if what != CHART]
    if profile:
        found.append(f"{stage}: the service's profile under load: " + "; ".join(profile))
    if CHART in by_what:
        found.append(f"{stage}: the breaking-point chart: {by_what[CHART]}")
    if kept.missing and kept.profile != "off":
        consequence = (
            'it is required (profile = "required"): the stage failed'
            if kept.profile == "required"
            else 'a warning: it blocks nothing unless the pipeline sets profile = "required"'
        )
        found.append(
            f"warning: {stage}: the service's profile could not be taken: "
            f"{'; '.join(kept.missing)} ({consequence})"
        )
    return found


CHART: Final = "breaking-point chart"
