"""What git says about a change: files renamed since the baseline, lines changed since the base.

* :func:`renames`: git's rename detection (``git diff -M``) between the
  commit a baseline was recorded at and the working tree, so that a file
  moved since keeps its findings' identities.
* :func:`changed_lines`: the lines the change adds or modifies against the
  merge base of ``[gates] base``, the working tree's uncommitted edits and
  new files included, parsed as ``gates annotate`` parses its diff
  (:func:`gates.system.gitdiff.changed_lines`); renames are followed, so a moved
  file changes only the lines that differ.

Every path is relative to the project's root, as the readers make the
findings' paths. Commits and refs come from files (the baseline, the policy),
so each reaches git after ``--end-of-options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.baseline.marks import touches
from gates.errors import EvidenceError
from gates.system.git import run_git
from gates.system.gitdiff import changed_lines as parse_unified_diff
from gates.system.gitnames import ref

__all__ = ["Changes", "changed_lines", "file_at", "renames"]

_TIMEOUT: Final = 120


@dataclass(frozen=True, slots=True)
class Changes:
    """The lines a change touched: per file, and the new files (every line)."""

    against: str  # what was compared: "origin/main (merge base 3f2c1a9b0d4e)"
    lines: Mapping[str, frozenset[int]]
    new_files: frozenset[str]

    def touches(self, path: str, line: int) -> bool:
        """Whether the change touched ``line`` of ``path`` (line 0: any line of it)."""
        return touches(self.lines, self.new_files, path, line, 0)

    def touches_span(self, path: str, line: int, end: int) -> bool:
        """Whether the change touched any of lines ``line`` to ``end`` of ``path``."""
        return touches(self.lines, self.new_files, path, line, end)


def renames(root: Path, commit: str) -> dict[str, str]:
    """Old path -> new path of each file git sees renamed from ``commit`` to the working tree.

    Raises :class:`EvidenceError` (``no-git``) when git cannot tell: the
    commit is not in this clone (a shallow one), or git fails.
    """
    try:
        listing = _git(
            root,
            "diff",
            "--name-status",
            "--find-renames",
            "--relative",
            "--no-ext-diff",
            "-z",
            "--end-of-options",
            commit,
            "--",
        )
    except _GitFailedError as error:
        raise EvidenceError(
            f"cannot follow renames since the baseline's commit {commit[:12]}{error}",
            slug="no-git",
            hint="fetch the history (`git fetch --unshallow`, or `fetch-depth: 0`); until then "
            "findings in files renamed since the baseline count as new",
        ) from None
    return _renamed(listing.split("\0"))


def _renamed(fields: list[str]) -> dict[str, str]:
    """``git diff --name-status -z`` fields: a rename is three (``R095``, old, new)."""
    moved: dict[str, str] = {}
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status.startswith(("R", "C")) and index + 2 < len(fields):
            if status.startswith("R"):
                moved[fields[index + 1]] = fields[index + 2]
            index += 3
        else:
            index += 2
    return moved


def changed_lines(root: Path, base: str) -> Changes:
    """The lines this change adds or modifies against the merge base of ``base``.

    Raises :class:`EvidenceError` (``wrong-base``) when the base is not there
    (a shallow clone, a ref that was never fetched) or git fails.
    """
    try:
        merge_base = _git(root, "merge-base", "--end-of-options", ref(base), "HEAD").strip()
        diff = _git(
            root,
            "-c",
            "core.quotePath=false",
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--find-renames",
            "--relative",
            "--end-of-options",
            merge_base,
            "--",
        )
        untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    except _GitFailedError as error:
        raise EvidenceError(
            f"cannot tell the lines this change touched against {base!r}{error}",
            slug="wrong-base",
            hint="fetch the base (`git fetch origin main`, or `fetch-depth: 0`), "
            "or set [gates] base to a ref this clone has",
        ) from None
    return Changes(
        against=f"{base} (merge base {merge_base[:12]})",
        lines=parse_unified_diff(diff),
        new_files=frozenset(name for name in untracked.split("\0") if name),
    )


def file_at(root: Path, revision: str, path: str) -> bytes | None:
    """The content of ``path`` (from ``root``) at ``revision``; None when git has no such file."""
    try:
        done = run_git(root, "cat-file", "blob", f"{ref(revision)}:./{path}", timeout=_TIMEOUT)
    except ValueError:  # a NUL in the path: no such file
        return None
    return done.stdout if done.ok else None


class _GitFailedError(Exception):
    """A git command failed; its text is what git said, as ``": git merge-base said '…'"``."""


def _git(root: Path, *args: str) -> str:
    command = args[2] if args[0] == "-c" else args[0]
    done = run_git(root, *args, timeout=_TIMEOUT)
    if done.why:
        raise _GitFailedError(f": `git {command}` failed ({done.why})")
    if not done.ok:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f" said {said[-1][:200]!r}" if said else " failed"
        raise _GitFailedError(f": `git {command}`{detail}")
    return done.text
