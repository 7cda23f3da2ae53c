"""What git says about the working tree: the commit, and a digest of local changes.

Evidence is tied to the state it measured. The commit alone is not enough on a
laptop, where a stage may run on uncommitted changes and the code be edited
again before ``gates check``: so a manifest also records a digest of the
uncommitted changes, and evidence whose digest no longer matches is stale.
It also records each changed file with the digest of its content, so a stale
tree can name what changed, and a commit of exactly what a stage measured
keeps that stage's evidence fresh (:func:`changed_since`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.errors import EvidenceError
from gates.system import process
from gates.system.gitnames import pathspec, ref

__all__ = [
    "BASELINE_NAME",
    "DELETED",
    "MAX_CHANGES",
    "POLICY_NAME",
    "TreeState",
    "changed_since",
    "commit_of",
    "differing",
    "git_prefix",
    "origin_head",
    "repository_files",
    "run_git",
    "same_code",
    "top_level",
    "tree_state",
]

# Untracked files that can change what the tools measure. Other untracked files
# (reports, caches, build output) come and go while stages run.
_SOURCE_SUFFIXES = (".py", ".pyi", ".toml", ".cfg", ".ini", ".txt", ".lock")
# Folders that installing and running the stages create (environments, build
# metadata, caches): never the code being judged, even where .gitignore forgets them.
_GENERATED = (".nox", ".tox", ".venv", "venv", "build", "dist", "__pycache__", "node_modules")
_GENERATED_SUFFIXES = (".egg-info", "_cache")
_ENVIRONMENT_MARKERS = ("pyvenv.cfg", "conda-meta/history")
_TIMEOUT = 60
POLICY_NAME = "gates.toml"
# the accepted findings (gates.baseline): judged with the evidence, like the policy
BASELINE_NAME = "gates-baseline.json"
DELETED = "deleted"
MAX_CHANGES = 10_000  # files a manifest lists by name; beyond, only the digest
_UNREADABLE = hashlib.sha256(b"<unreadable>").digest()  # a file gone while it was hashed
# What a symbolic link or a special file (pipe, device, socket) is hashed as, after
# this prefix: its target's name, or its kind; never its content.
_LINK = b"<symbolic link>\0"
_SPECIAL = b"<special file>\0"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a pipe swapped in after lstat must not block


@dataclass(frozen=True, slots=True)
class TreeState:
    """The commit checked out, whether the tree differs from it, and how."""

    commit: str
    dirty: bool
    digest: str  # sha256 of the uncommitted changes; the same value for every clean tree
    # each changed file (path from the repository root) and the sha256 of its content now,
    # DELETED for a file removed; None when there are more than MAX_CHANGES
    changes: Mapping[str, str] | None = None


def tree_state(root: Path, *, exclude: str = ".gates", unaffected: Sequence[str] = ()) -> TreeState:
    """Read the state of the git working tree at ``root``.

    ``unaffected`` are the policy's globs of files that cannot change what a
    stage measures (``*.md``, ``docs/**``): changes to them are left out.
    Raises :class:`EvidenceError` (``no-git``) outside a git repository: without
    a commit, evidence cannot be tied to the code it measured.
    """
    commit = _git(root, "rev-parse", "--verify", "HEAD").strip()
    outside = _outside(exclude, unaffected)
    diff = _git_bytes(
        root, "diff", "HEAD", "--binary", "--no-ext-diff", "--no-color", "--", ".", *outside
    )
    untracked = {
        name: _content_digest(root / name, root) for name in _untracked_sources(root, outside)
    }
    digest = hashlib.sha256(diff)
    for name, content in untracked.items():  # sorted by name
        digest.update(b"\0untracked\0" + name.encode())
        digest.update(bytes.fromhex(content) if content != DELETED else _UNREADABLE)
    changes = _contents(root, _changed_names(root, "HEAD", outside) if diff else [], untracked)
    return TreeState(
        commit=commit,
        dirty=bool(diff or untracked),
        digest=digest.hexdigest(),
        changes=changes,
    )


def commit_of(root: Path, revision: str) -> str:
    """The full SHA of the commit ``revision`` names, or "" when git cannot say."""
    try:
        ref(revision)
        return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
    except (ValueError, EvidenceError):
        return ""


def git_prefix(root: Path) -> str:
    """Where ``root`` lies inside its git work tree (``"backend/"``); "" at the top or outside git."""
    try:
        return _git(root, "rev-parse", "--show-prefix").strip()
    except EvidenceError:
        return ""


def repository_files(root: Path) -> list[str] | None:
    """The files of the repository at ``root`` (tracked, or untracked and not ignored), from it.

    None when git cannot say (not a repository).
    """
    try:
        listing = _git(root, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    except EvidenceError:
        return None
    return [name for name in listing.split("\0") if name]


def changed_since(
    root: Path, commit: str, *, exclude: str = ".gates", unaffected: Sequence[str] = ()
) -> Mapping[str, str] | None:
    """The files whose content differs between ``commit`` and the working tree, as ``changes``.

    With a stage's recorded ``changes`` this says whether the tree now holds what
    the stage measured, whatever was committed since. None when git cannot
    tell (a commit not in this clone) or too many files differ.
    """
    outside = _outside(exclude, unaffected)
    try:
        names = _changed_names(root, commit, outside)
    except EvidenceError:
        return None
    untracked = _untracked_sources(root, outside)
    return _contents(root, names, {name: _content_digest(root / name, root) for name in untracked})


def differing(recorded: Mapping[str, str], now: Mapping[str, str]) -> list[str]:
    """The paths whose content is not what was recorded, sorted."""
    return sorted(
        path for path in recorded.keys() | now.keys() if recorded.get(path) != now.get(path)
    )


def _changed_names(root: Path, commit: str, outside: Sequence[str]) -> list[str]:
    listing = _git(
        root,
        "diff",
        "--name-only",
        "--relative",  # as ls-files names the untracked ones: from root
        "--no-renames",
        "-z",
        "--end-of-options",  # the commit comes from a manifest: never an option
        commit,
        "--",
        ".",
        *outside,
    )
    return [name for name in listing.split("\0") if name]


def _contents(
    root: Path, tracked: list[str], untracked: Mapping[str, str]
) -> dict[str, str] | None:
    """Each changed file's content digest; the untracked ones are already hashed."""
    names = sorted({*tracked, *untracked})
    if len(names) > MAX_CHANGES:
        return None
    return {name: untracked.get(name) or _content_digest(root / name, root) for name in names}


def _content_digest(path: Path, root: Path) -> str:
    """The sha256 of a file as git sees it: never through a link, never a device's content.

    A symbolic link is its target's name (what git records), so a link to
    ``/dev/zero``, a named pipe or a file outside the tree is hashed without
    being opened; a named pipe, device or socket is its kind. A path beyond a
    link to a folder is not in the tree (git says so too): ``DELETED``.
    """
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return DELETED
    except OSError:
        return _UNREADABLE.hex()
    if not _inside(path.parent, root):
        return DELETED
    if stat.S_ISLNK(info.st_mode):
        return _link_digest(path)
    if not stat.S_ISREG(info.st_mode):
        return hashlib.sha256(_SPECIAL + stat.filemode(info.st_mode)[:1].encode()).hexdigest()
    return _file_digest(path)


def _inside(folder: Path, root: Path) -> bool:
    """Whether ``folder`` is reached from ``root`` without a symbolic link."""
    try:
        return folder.resolve() == root.resolve() / folder.relative_to(root)
    except (OSError, ValueError):
        return False


def _link_digest(path: Path) -> str:
    try:
        target = path.readlink()
    except OSError:
        return _UNREADABLE.hex()
    return hashlib.sha256(_LINK + os.fsencode(target)).hexdigest()


def _file_digest(path: Path) -> str:
    """A regular file's sha256, read in chunks (never whole into memory) and never through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return _UNREADABLE.hex()
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a pipe since lstat
            return _UNREADABLE.hex()
        try:
            return hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return _UNREADABLE.hex()


def same_code(
    root: Path, first: str, second: str, *, exclude: str = ".gates", unaffected: Sequence[str] = ()
) -> bool:
    """Whether two commits hold the same code, the policy, the evidence and ``unaffected`` aside.

    A commit that only changes ``gates.toml`` does not change what the stages
    measured. Any doubt (a commit not in this clone, git failing) is "no".
    """
    # a commit comes from a manifest: never an option (`--output=…`)
    outside = _outside(exclude, unaffected)
    command = ("diff", "--quiet", "--end-of-options", first, second, "--", ".", *outside)
    return run_git(root, *command).ok


def top_level(root: Path) -> Path | None:
    """The top of the git work tree ``root`` is in; None outside one."""
    found = run_git(root, "rev-parse", "--show-toplevel", timeout=30)
    return Path(found.text.strip()).resolve() if found.ok else None


def origin_head(root: Path) -> str:
    """``origin``'s default branch (``origin/main``), or "" when the clone does not say."""
    found = run_git(
        root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", timeout=30
    )
    name = found.text.strip()
    return name if found.ok and name else ""


def run_git(
    root: Path, *args: str, timeout: float = _TIMEOUT, stdin: bytes | None = None
) -> process.Finished:
    """``git ARGS`` in ``root``: every git command gates runs goes through here. Never raises.

    ``stdin``: what git reads (``hash-object --stdin``, ``mktree``, ``cat-file --batch``).
    """
    return process.run(["git", *args], cwd=root, timeout=timeout, stdin=stdin)


def _outside(reports: str, unaffected: Sequence[str] = ()) -> tuple[str, ...]:
    """Pathspecs leaving out what is not the code being judged.

    The evidence; the policy and the baseline, which are judged *with* the
    evidence, not measured by it (changing a threshold in gates.toml, or
    recording the baseline, must not make every stage stale); and the files
    the policy declares ``unaffected``.
    """
    return (
        f":(exclude){reports}",
        f":(exclude,top){POLICY_NAME}",
        f":(exclude,top){BASELINE_NAME}",
        *(pathspec(pattern, exclude=True) for pattern in unaffected),
    )


def _untracked_sources(root: Path, outside: Sequence[str]) -> list[str]:
    listing = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".", *outside)
    names = listing.split("\0")
    environments = _environments(names)
    return sorted(
        name
        for name in names
        if name.endswith(_SOURCE_SUFFIXES)
        and not _generated(name)
        and not name.startswith(environments)
    )


def _environments(names: Sequence[str]) -> tuple[str, ...]:
    """The untracked folders that are Python environments, whatever they are called.

    A virtual environment holds ``pyvenv.cfg`` at its top, a conda one
    ``conda-meta/history``: a project's ``env/`` or ``py311/`` that .gitignore
    forgets is an installation, never the code being judged.
    """
    tops = {
        name.removesuffix(marker)
        for name in names
        for marker in _ENVIRONMENT_MARKERS
        if name.endswith("/" + marker)
    }
    return tuple(sorted(tops))


def _generated(name: str) -> bool:
    folders = name.split("/")[:-1]
    return any(folder in _GENERATED or folder.endswith(_GENERATED_SUFFIXES) for folder in folders)


def _git(root: Path, *args: str) -> str:
    return _git_bytes(root, *args).decode("utf-8", "replace")


def _git_bytes(root: Path, *args: str) -> bytes:
    """``git ARGS``'s output; :class:`EvidenceError` (``no-git``) when git cannot say."""
    done = run_git(root, *args)
    if done.code == process.NOT_FOUND and done.why:
        raise EvidenceError(
            "git is not installed: evidence cannot be tied to a commit",
            slug="no-git",
            hint="install git, or pass --commit with the commit the evidence must match",
        )
    if done.code == process.TIMED_OUT:
        raise EvidenceError(f"`git {args[0]}` took over {_TIMEOUT}s", slug="no-git")
    if not done.ok:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise EvidenceError(
            f"`git {' '.join(args[:2])}` failed in {root}: {why[0] if why else 'no output'}",
            slug="no-git",
            hint="run gates inside a git repository with at least one commit",
        )
    return done.stdout
