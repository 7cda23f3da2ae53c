"""A finding's identity: what stays the same when people edit the code around it.

Never the line number alone. An :class:`Identity` holds the tool and the rule,
the repository-relative path, the enclosing function or class, and three
digests of the source (:mod:`gates.baseline.source`): the flagged line's
normalised text, the first 100 normalised characters from that line on, the
nearest line above it with any text, and the normalised statement that holds
the line. :mod:`gates.baseline.match`
says which of these must agree for two findings to be the same.

A finding without a line in a readable file (a dependency audit's, a
"file would be reformatted", a line past the end of the file) is known by its
message instead: its four digests are the message's.

The sources are read through a :class:`Sources`: the working tree the evidence
was made from (``gates check`` has checked it is), or a commit.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Final, NamedTuple

from gates.baseline.source import SourceFile, parse_source
from gates.model.reports import Finding
from gates.system.collector import paused
from gates.system.git import run_git

__all__ = [
    "MAX_SOURCE_BYTES",
    "Identity",
    "Sources",
    "commit_sources",
    "digest",
    "identify",
    "tree_sources",
]

MAX_SOURCE_BYTES: Final = 16 * 1024 * 1024  # a larger file is read as if it had no lines
_DIGEST_BYTES: Final = 8

# A file's text by repository-relative path, or None when it cannot be read.
Sources = Callable[[str], str | None]


class Identity(NamedTuple):
    """What a finding is, whatever line it is on today."""

    tool: str
    rule: str
    path: str
    scope: str  # "Cache.get"; "" at module level or when the file does not parse
    text: str  # digest of the flagged line, normalised
    preceding: str  # digest of the nearest line above with any text, normalised
    context: str  # digest of the first 100 normalised characters from the line on
    statement: str  # digest of the statement that holds the line, normalised


def digest(text: str, salt: str) -> str:
    """A short digest (16 hexadecimal digits of BLAKE2b), keyed with the baseline's ``salt``.

    A flagged line may hold a secret (``password = "hunter2"``): unsalted, 64
    bits of a line an attacker can guess the shape of would let a weak
    secret be found by trying; keyed with the baseline's random salt, no
    table computed beforehand applies.
    """
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), digest_size=_DIGEST_BYTES, key=bytes.fromhex(salt)
    ).hexdigest()


def identify(findings: Sequence[Finding], sources: Sources, *, salt: str) -> list[Identity]:
    """The identity of each finding, in order, its digests keyed with ``salt`` (hexadecimal).

    Each file is read and parsed once.

    The cyclic garbage collector is paused meanwhile: a syntax tree is
    hundreds of thousands of objects without a cycle (reference counting
    frees each file's), and the collector walking them took 40 % of the time
    (BENCHMARKS.md).
    """
    with paused():
        return _identify(findings, sources, salt)


def _identify(findings: Sequence[Finding], sources: Sources, salt: str) -> list[Identity]:
    files: dict[str, SourceFile | None] = {}
    identities = []
    for finding in findings:
        source = None
        if finding.path and finding.line > 0:
            if finding.path not in files:
                text = sources(finding.path)
                files[finding.path] = (
                    None if text is None else parse_source(text, path=finding.path)
                )
            source = files[finding.path]
        identities.append(_identity(finding, source, salt))
    return identities


def _identity(finding: Finding, source: SourceFile | None, salt: str) -> Identity:
    line = finding.line
    if source is None or not 0 < line <= source.length:
        by_message = digest("message\0" + finding.message, salt)
        return Identity(
            finding.tool,
            finding.rule,
            finding.path,
            "",
            by_message,
            by_message,
            by_message,
            by_message,
        )
    return Identity(
        finding.tool,
        finding.rule,
        finding.path,
        source.scope(line),
        digest(source.text(line), salt),
        digest(source.preceding(line), salt),
        digest(source.context(line), salt),
        digest(source.statement(line), salt),
    )


# ---------------------------------------------------------------- reading the sources


def tree_sources(root: Path) -> Sources:
    """Files of the working tree at ``root``: regular files inside it, bounded in size."""
    top = root.resolve()

    def read(path: str) -> str | None:
        if not _plain_relative(path):
            return None
        target = top / path
        try:
            if target.resolve() != target or not target.is_relative_to(top):
                return None  # a link: what it points to is not the repository's file
            info = target.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
                return None
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError:
            return None
        return _decoded(data)

    return read


def commit_sources(root: Path, commit: str) -> Sources:
    """Files as ``commit`` holds them (``git cat-file``), for evidence judged with ``--commit``."""

    def read(path: str) -> str | None:
        if not _plain_relative(path):
            return None
        done = run_git(root, "cat-file", "blob", f"{commit}:./{path}", timeout=60)
        if not done.ok or len(done.stdout) > MAX_SOURCE_BYTES:
            return None
        return _decoded(done.stdout)

    return read


def _plain_relative(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def _decoded(data: bytes) -> str | None:
    if len(data) > MAX_SOURCE_BYTES or b"\0" in data:
        return None  # too large, or binary
    return data.decode("utf-8", "replace").removeprefix("\ufeff")
