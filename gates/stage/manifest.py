"""Stage provenance: the manifest each stage writes next to its reports.

A stage writes its reports into ``.gates/<stage>/`` and then ``manifest.json``:
the commit and working-tree digest it measured, each tool's version, command
line and exit code, and the sha256 of every report. ``gates check`` trusts a
report only through its manifest.

Stages write it with :class:`gates.stage.recorder.StageRecorder`; this module
is its format, written (:func:`dump_manifest`) and read back and checked
(:func:`load_manifest`), shared by the stages and the judge.

Format history (``version``): 1 — first release; later fields, optional so
that older manifests still read: ``changes`` (the changed files), ``unaffected``
(the policy's globs left out of the tree digest), ``planned`` (the tools a
stage that failed before running them meant to run) and a tool's ``source``
(where its version came from).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from gates.errors import EvidenceError
from gates.model.stage import Manifest, ReportEntry, ToolRun
from gates.system.git import DELETED, MAX_CHANGES
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import parse_json, read_blob

__all__ = ["MANIFEST_NAME", "check_inside", "dump_manifest", "load_manifest"]

MANIFEST_NAME = "manifest.json"
SCHEMA = "gates.manifest"
VERSION = 1
_MAX_MANIFEST_BYTES = 4 * 1024 * 1024


def dump_manifest(manifest: Manifest) -> bytes:
    """The manifest as deterministic JSON."""
    document = {
        "schema": SCHEMA,
        "version": VERSION,
        "stage": manifest.stage,
        "commit": manifest.commit,
        "dirty": manifest.dirty,
        "worktree": manifest.worktree,
        "changes": dict(manifest.changes) if manifest.changes is not None else None,
        "unaffected": list(manifest.unaffected),
        "planned": list(manifest.planned),
        "started": manifest.started,
        "finished": manifest.finished,
        "gates_version": manifest.gates_version,
        "reproduce": manifest.reproduce,
        "error": manifest.error,
        "tools": [
            {
                "name": run.name,
                "version": run.version,
                "argv": list(run.argv),
                "exit_code": run.exit_code,
                "ok_exit_codes": list(run.ok_exit_codes) if run.ok_exit_codes is not None else None,
                "source": run.source,
                "error": run.error,
            }
            for run in manifest.tools
        ],
        "reports": [
            {
                "path": entry.path,
                "format": entry.format,
                "tool": entry.tool,
                "sha256": entry.sha256,
                "size": entry.size,
                "role": entry.role,
            }
            for entry in manifest.reports
        ],
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def load_manifest(folder: Path, *, display: str) -> Manifest:
    """Read and check ``folder/manifest.json``; ``display`` names the folder in errors."""
    path = f"{display}/{MANIFEST_NAME}"
    check_inside(
        folder / MANIFEST_NAME,
        folder,
        display=path,
        within="its stage folder",
        hint=f"delete {display}/ and rerun the stage (`nox -s {folder.name}`)",
    )
    try:
        blob = read_blob(folder / MANIFEST_NAME, display=path, max_bytes=_MAX_MANIFEST_BYTES)
    except EvidenceError as error:
        if error.slug == "report-too-large":
            raise EvidenceError(
                f"{error.detail.replace('one report', 'a manifest')}: gates never writes one "
                "that large, so this file is not a stage's manifest",
                slug=error.slug,
                path=path,
                hint=f"delete {display}/ and rerun the stage (`nox -s {folder.name}`)",
            ) from None
        if error.slug != "missing-report":
            raise
        raise EvidenceError(
            "the stage folder has no manifest: the stage did not finish, or the folder was "
            "not written by a gates stage",
            slug="missing-manifest",
            path=path,
            hint=f"rerun the stage (`nox -s {folder.name}`)",
        ) from None
    root = Fields(parse_json(blob).value, path=path, where="")
    _check_schema(root)
    manifest = Manifest(
        stage=_plain(root, "stage"),
        commit=_commit(root),
        dirty=_bool(root, "dirty"),
        worktree=root.text("worktree"),
        started=root.text("started"),
        finished=root.text("finished"),
        gates_version=root.text("gates_version"),
        reproduce=root.text("reproduce"),
        error=root.text("error"),
        tools=tuple(_tool(item) for item in root.each("tools")),
        reports=tuple(_entry(item) for item in root.each("reports")),
        changes=_changes(root),
        unaffected=_names(root, "unaffected"),
        planned=_names(root, "planned"),
    )
    _check_runs(manifest, path)
    return manifest


def check_inside(path: Path, folder: Path, *, display: str, within: str, hint: str) -> None:
    """Refuse ``path`` when it leads out of ``folder`` (a symbolic link, or one on its way).

    ``within`` names the folder in the message ("its stage folder"), ``hint``
    is the next step. Nothing is opened: a link to a device, a named pipe or
    a file elsewhere is refused by where it leads alone.
    """
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links
        inside = False
    if not inside:
        raise EvidenceError(
            f"is a symbolic link out of {within}: evidence is read only from there",
            slug="link-outside",
            path=display,
            hint=hint,
        )


def _check_runs(manifest: Manifest, path: str) -> None:
    """Every report's tool has a recorded run, whose exit code ``gates check`` judges.

    A stage that failed (``error``) says so itself, with what it ran so far.
    """
    if manifest.error:
        return
    if not manifest.tools:
        raise EvidenceError(
            "records no tool run (`tools` is empty), so no exit code vouches for its evidence",
            slug="malformed-manifest",
            path=path,
            hint=f"rerun the stage (`{manifest.reproduce}`): every step records its tool's run",
        )
    ran = {run.name for run in manifest.tools}
    for entry in manifest.reports:
        if entry.tool not in ran:
            raise EvidenceError(
                f"lists the report {entry.path!r} of {entry.tool!r}, but no run of "
                f"{entry.tool!r} (`tools`), so no exit code vouches for it",
                slug="malformed-manifest",
                path=path,
                hint=f"rerun the stage (`{manifest.reproduce}`): every step records its tool's run",
            )


# C0 and C1 control characters (NUL, line breaks, ESC) and DEL: never in a name or a path.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _plain(fields: Fields, key: str, default: str | None = None) -> str:
    """A name or path field: text without control characters."""
    value = fields.text(key, default)
    found = _CONTROL.search(value)
    if found:
        where = f"{fields.where}.{key}" if fields.where else key
        raise EvidenceError(
            f"`{where}` holds the control character U+{ord(found.group()):04X}, "
            "which no name or path gates writes holds",
            slug="malformed-manifest",
            path=fields.path,
            hint="rerun the stage: a manifest gates wrote never holds one",
        )
    return value


def _check_schema(root: Fields) -> None:
    if root.raw("schema") != SCHEMA:
        raise EvidenceError(
            f"is not a gates manifest (`schema` is {root.raw('schema')!r})",
            slug="malformed-manifest",
            path=root.path,
        )
    version = root.integer("version")
    if version != VERSION:
        raise EvidenceError(
            f"manifest version {version} is not supported (this gates reads version {VERSION})",
            slug="unsupported-format",
            path=root.path,
            hint="run the stages and `gates check` with the same gates version",
        )


_DIGEST = re.compile(r"[0-9a-f]{64}")
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")  # what `git rev-parse HEAD` prints


def _commit(root: Fields) -> str:
    commit = root.text("commit")
    if not _COMMIT.fullmatch(commit):
        raise EvidenceError(
            f"`commit` should be a full commit SHA, not {commit[:80]!r}",
            slug="malformed-manifest",
            path=root.path,
            hint="rerun the stage: gates writes this field from `git rev-parse HEAD`",
        )
    return commit


def _changes(root: Fields) -> Mapping[str, str] | None:
    """The recorded changed files: absent or null in older manifests, then None."""
    value = root.raw("changes")
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or len(value) > MAX_CHANGES
        or not all(
            isinstance(digest, str) and (digest == DELETED or _DIGEST.fullmatch(digest))
            for digest in value.values()
        )
    ):
        raise EvidenceError(
            f"`changes` should map at most {MAX_CHANGES:,} paths to sha256 digests or {DELETED!r}",
            slug="malformed-manifest",
            path=root.path,
            hint="rerun the stage: gates writes this field itself",
        )
    return value


_MAX_NAMES = 1000


def _names(root: Fields, key: str) -> tuple[str, ...]:
    """An optional array of short strings (absent in older manifests: empty)."""
    values = root.raw(key)
    if values is None:
        return ()
    if (
        not isinstance(values, list)
        or len(values) > _MAX_NAMES
        or not all(isinstance(v, str) and 0 < len(v) <= 1000 and v.isprintable() for v in values)
    ):
        raise EvidenceError(
            f"`{key}` should be a list of at most {_MAX_NAMES} names",
            slug="malformed-manifest",
            path=root.path,
            hint="rerun the stage: gates writes this field itself",
        )
    return tuple(values)


def _bool(fields: Fields, key: str) -> bool:
    value = fields.raw(key)
    if not isinstance(value, bool):
        raise EvidenceError(
            f"`{key}` should be true or false", slug="malformed-manifest", path=fields.path
        )
    return value


def _tool(item: Fields) -> ToolRun:
    declared = item.raw("ok_exit_codes")
    codes: tuple[int, ...] | None = None
    if declared is not None:
        codes = tuple(_int_list(item, "ok_exit_codes"))
    argv = item.array("argv")
    if not all(isinstance(arg, str) for arg in argv):
        raise EvidenceError(
            f"`{item.where}.argv` should be strings", slug="malformed-manifest", path=item.path
        )
    return ToolRun(
        _plain(item, "name"),
        item.text("version"),
        tuple(str(a) for a in argv),
        item.integer("exit_code"),
        codes,
        item.text("source", default=""),  # absent in manifests of earlier gates
        item.text("error", default=""),
    )


def _int_list(item: Fields, key: str) -> list[int]:
    values = item.array(key)
    if not all(type(value) is int for value in values):
        raise EvidenceError(
            f"`{item.where}.{key}` should be integers", slug="malformed-manifest", path=item.path
        )
    return [int(str(value)) for value in values]


def _entry(item: Fields) -> ReportEntry:
    path = _plain(item, "path")
    if path.startswith("/") or ".." in path.split("/") or "\\" in path or not path:
        raise EvidenceError(
            f"report path {path!r} leaves the stage folder",
            slug="malformed-manifest",
            path=item.path,
            hint="manifests name reports relative to their own folder",
        )
    return ReportEntry(
        path=path,
        format=_plain(item, "format"),
        tool=_plain(item, "tool"),
        sha256=item.text("sha256"),
        size=item.integer("size"),
        role=_plain(item, "role", default=""),
    )
