"""The history store: an orphan branch of a git repository, one file per run, written with plumbing.

Layout of the branch's tree: ``runs/<first two digits>/<commit>/<run id>.json``
(docs/history.md). A run adds one file and changes no other, so two runs never
write the same file. The branch moves by compare-and-swap: the new commit is
built on the tip read, and ``git update-ref <ref> <new> <old>`` moves it only if
the tip is still that one; a writer that lost the race builds again on the new
tip. Concurrent writers lose nothing, and no working tree, index or checkout
is touched: ``hash-object``, ``ls-tree``, ``mktree``, ``commit-tree``,
``update-ref`` only. Reading needs nothing but the repository (offline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.system import process
from gates.system.git import run_git

__all__ = [
    "DEFAULT_BRANCH",
    "RecordFile",
    "append",
    "read_files",
    "record_files",
    "record_path",
    "resolve",
]

DEFAULT_BRANCH: Final = "gates-history"
_ATTEMPTS: Final = 100  # writers that lose the race build again; this many times at most
_IDENTITY: Final = ("-c", "user.name=gates history", "-c", "user.email=gates-history@localhost")
_RUN_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_RECORD: Final = re.compile(r"runs/[0-9a-f]{2}/([0-9a-f]{40}|[0-9a-f]{64})/([^/]+)\.json")
_HEX: Final = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class RecordFile:
    """One record file of the branch: where it is, the commit it is filed under, its blob."""

    path: str
    commit: str
    oid: str
    size: int


def record_path(commit: str, run_id: str) -> str:
    """Where the record of run ``run_id`` at ``commit`` lives on the branch."""
    if not _HEX.fullmatch(commit):
        raise EvidenceError(f"{commit!r} is not a full commit SHA", slug="history-write-failed")
    if not _RUN_ID.fullmatch(run_id):
        raise EvidenceError(
            f"run id {run_id[:80]!r} is not a file name",
            slug="history-write-failed",
            hint="use letters, digits, '.', '_' and '-' (at most 128): e.g. $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT",
        )
    return f"runs/{commit[:2]}/{commit}/{run_id}.json"


def append(store: Path, branch: str, *, path: str, data: bytes) -> bool:
    """Add the file ``path`` holding ``data`` to ``branch``; False when it was already there.

    Raises :class:`EvidenceError` (``history-write-failed``) when git cannot
    write, or when the file exists with other content (a run id used twice).
    """
    ref = f"refs/heads/{branch}"
    blob = _git(store, "hash-object", "-w", "--stdin", stdin=data).strip()
    for _ in range(_ATTEMPTS):
        tip = _tip(store, ref)
        tree = _insert(store, f"{tip}^{{tree}}" if tip else None, path.split("/"), blob)
        if tip and tree == _git(store, "rev-parse", f"{tip}^{{tree}}").strip():
            return False  # the same record, already there
        parents = ("-p", tip) if tip else ()
        message = f"gates history: {path}"
        new = _git(store, *_IDENTITY, "commit-tree", tree, *parents, "-m", message).strip()
        old = tip or "0" * len(new)
        if run_git(store, "update-ref", "-m", message, ref, new, old).ok:
            return True
    raise EvidenceError(
        f"{ref} kept moving: {_ATTEMPTS} attempts to add {path} lost the race",
        slug="history-write-failed",
        hint="run `gates history record` again",
    )


def resolve(store: Path, branch: str) -> str:
    """The commit the history branch is at: the local branch, else ``origin``'s; "" when neither."""
    for ref in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):
        tip = _tip(store, ref)
        if tip:
            return tip
    return ""


def record_files(store: Path, tip: str, commits: Iterable[str]) -> dict[str, list[RecordFile]]:
    """The record files filed under each of ``commits`` at ``tip`` (commits with none left out)."""
    wanted = set(commits)
    prefixes = sorted({f"runs/{c[:2]}/{c}/" for c in wanted})
    found: dict[str, list[RecordFile]] = {}
    for start in range(0, len(prefixes), 200):
        listing = _git(
            store, "ls-tree", "-r", "-z", "-l", tip, "--", *prefixes[start : start + 200]
        )
        for line in filter(None, listing.split("\0")):
            meta, _, name = line.partition("\t")
            fields = meta.split()
            match = _RECORD.fullmatch(name)
            if len(fields) != 4 or fields[1] != "blob" or match is None:
                continue
            if match.group(1) in wanted and fields[3].isdigit():
                found.setdefault(match.group(1), []).append(
                    RecordFile(name, match.group(1), fields[2], int(fields[3]))
                )
    return found


def read_files(store: Path, files: Sequence[RecordFile]) -> Mapping[str, bytes]:
    """The content of each file (by path), read in one ``git cat-file --batch``."""
    if not files:
        return {}
    request = "".join(f"{f.oid}\n" for f in files).encode("ascii")
    done = run_git(store, "cat-file", "--batch", stdin=request)
    if not done.ok:
        raise EvidenceError(
            f"`git cat-file` failed: {done.tail() or done.why or 'no output'}",
            slug="history-read-failed",
            hint="fetch the history branch again and run `git fsck` (docs/history.md)",
        )
    out, at, contents = done.stdout, 0, {}
    for file in files:
        header_end = out.find(b"\n", at)
        header = out[at:header_end].split() if header_end >= 0 else []
        size = int(header[2]) if len(header) == 3 and header[2].isdigit() else -1
        if size < 0:
            raise EvidenceError(f"git cannot read {file.path}", slug="history-read-failed")
        contents[file.path] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return contents


def _tip(store: Path, ref: str) -> str:
    done = run_git(store, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.text.strip() if done.ok else ""


def _entries(store: Path, tree: str | None) -> dict[str, str]:
    """The entries of ``tree`` by name, each as mktree reads it ("<mode> <type> <oid>")."""
    if tree is None:
        return {}
    listing = _git(store, "ls-tree", "-z", tree)
    entries = {}
    for line in filter(None, listing.split("\0")):
        meta, _, name = line.partition("\t")
        entries[name] = meta
    return entries


def _insert(store: Path, tree: str | None, parts: Sequence[str], blob: str) -> str:
    """The tree ``tree`` with the blob at ``parts`` (folders made as needed): its id."""
    entries = _entries(store, tree)
    name = parts[0]
    if len(parts) == 1:
        kept = entries.get(name)
        if kept is not None and kept.split()[2] != blob:
            raise EvidenceError(
                f"{name} is already recorded, with other content",
                slug="history-write-failed",
                hint="give each run its own --run-id (a rerun of a CI job: add its attempt number)",
            )
        entries[name] = f"100644 blob {blob}"
    else:
        below = entries.get(name)
        subtree = below.split()[2] if below is not None and below.split()[1] == "tree" else None
        entries[name] = f"040000 tree {_insert(store, subtree, parts[1:], blob)}"
    listing = "".join(f"{meta}\t{n}\0" for n, meta in sorted(entries.items()))
    return _git(store, "mktree", "-z", stdin=listing.encode("utf-8")).strip()


def _git(store: Path, *args: str, stdin: bytes | None = None) -> str:
    done = run_git(store, *args, stdin=stdin)
    if not done.ok:
        raise _failed(args[0] if args[0] != "-c" else args[4], done)
    return done.text


def _failed(command: str, done: process.Finished) -> EvidenceError:
    return EvidenceError(
        f"`git {command}` failed: {done.tail() or done.why or 'no output'}",
        slug="history-write-failed",
        hint="run gates inside the git repository that holds the history (docs/history.md)",
    )
