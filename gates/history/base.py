"""What the base branch's history says: the records along its first-parent chain (reads git).

The chain starts at the merge base of the commit judged and the base ref, and
follows first parents, nearest first (``git rev-list --first-parent``): the
commits the base branch itself was at, never those of branches merged into
it. The commit judged is left out, so a run on the base branch compares with
the runs before it. The nearest commit with any record decides the base: its
newest trusted record, or, when every record of it is corrupt, "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.history.model import BaseEntry, BaseHistory, RunRecord
from gates.history.parse import MAX_RECORD_BYTES, corrupt, parse_record
from gates.history.store import RecordFile, read_files, record_files, resolve
from gates.model.reports import Problem
from gates.system.git import run_git

__all__ = ["DEPTH", "STORE_VARIABLE", "load_base_history"]

# commits of the base branch read: the trend's window, and how far a base is sought
DEPTH: Final = 50
STORE_VARIABLE: Final = "GATES_HISTORY_STORE"  # another git repository holding the history branch
_PER_COMMIT: Final = 20  # records of one commit read (its reruns): the newest by name
_TOTAL_BYTES: Final = 256 * 1024 * 1024  # bytes of records read in all


def load_base_history(
    root: Path, *, base: str, branch: str, store: Path | None = None, depth: int = DEPTH
) -> BaseHistory:
    """The history of ``base`` as the run at ``root``'s HEAD sees it; never raises for missing history."""
    head = _rev(root, "HEAD")
    merge_base = _merge_base(root, head, base)
    if not merge_base:
        return BaseHistory(
            base=base,
            unknown=f"the base ref {base!r} is not in this clone: fetch it "
            "(actions/checkout with fetch-depth: 0)",
        )
    where = store or root
    tip = resolve(where, branch)
    if not tip:
        return BaseHistory(
            base=base,
            merge_base=merge_base,
            unknown=f"no history branch {branch!r} in {where}: record base-branch runs with "
            f"`gates history record` (or `git fetch origin {branch}:{branch}`)",
        )
    chain = [c for c in _first_parents(root, merge_base, depth) if c != head]
    files = record_files(where, tip, chain)
    entries = _entries(where, chain, files)
    skipped = chain.index(entries[0].commit) if entries else len(chain)
    return BaseHistory(
        base=base,
        merge_base=merge_base,
        entries=tuple(entries),
        skipped=skipped,
        unknown="" if entries else f"no record of the {len(chain)} latest commits of {base}",
    )


def _entries(
    store: Path, chain: Sequence[str], files: dict[str, list[RecordFile]]
) -> list[BaseEntry]:
    wanted, spent = [], 0
    for commit in chain:  # nearest first, within the budget: a hostile branch cannot exhaust memory
        for file in sorted(files.get(commit, []), key=lambda f: f.path)[-_PER_COMMIT:]:
            if file.size <= MAX_RECORD_BYTES and spent + file.size <= _TOTAL_BYTES:
                wanted.append(file)
                spent += file.size
    contents = read_files(store, wanted)
    entries = []
    for commit in chain:
        records: list[RunRecord] = []
        problems: list[Problem] = []
        for file in files.get(commit, []):
            try:
                records.append(_read(file, contents))
            except EvidenceError as error:
                problems.append(corrupt(error))
        if records or problems:
            newest = max(records, key=lambda r: (r.recorded, r.run_id), default=None)
            entries.append(BaseEntry(commit=commit, record=newest, corrupt=tuple(problems)))
    return entries


def _read(file: RecordFile, contents: Mapping[str, bytes]) -> RunRecord:
    data = contents.get(file.path)
    if data is None:  # never read: over a limit
        raise EvidenceError(
            f"history record of {file.size:,} bytes was not read: over the limit of "
            f"{MAX_RECORD_BYTES:,} bytes a record, {_PER_COMMIT} records a commit or "
            f"{_TOTAL_BYTES:,} bytes in all: not trusted",
            slug="history-corrupt",
            path=file.path,
        )
    return parse_record(data, path=file.path, commit=file.commit)


def _rev(root: Path, revision: str) -> str:
    done = run_git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    return done.text.strip() if done.ok else ""


def _merge_base(root: Path, head: str, base: str) -> str:
    if not head or not _rev(root, base):
        return ""
    done = run_git(root, "merge-base", head, base)
    return done.text.strip() if done.ok else ""


def _first_parents(root: Path, start: str, depth: int) -> list[str]:
    done = run_git(root, "rev-list", "--first-parent", f"--max-count={depth}", start)
    return done.text.split() if done.ok else []
