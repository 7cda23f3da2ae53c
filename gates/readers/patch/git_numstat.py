"""``git diff --numstat`` of the change, restricted to Python files.

The stage writes one header comment line naming the command, then git's
output (``read_blob`` refuses an empty file, and a change without Python
files legitimately has no output)::

    # git diff --numstat origin/main...HEAD -- *.py
    5<TAB>1<TAB>pkg/core.py
    -<TAB>-<TAB>pkg/blob.py                      (binary: no line counts)
    1<TAB>0<TAB>pkg/{old => new}/moved.py        (a rename)
    1<TAB>0<TAB>"pkg/h\\303\\251llo.py"            (C-quoted, core.quotePath)

The header is required: it must be ``git diff`` with ``--numstat``, at least
one revision, and a pathspec after ``--``, because what this report means
("how many Python lines the change adds") depends on it. Its revisions
(``origin/main...HEAD``) become ``PatchCoverage.diff``.

The result is ``PatchCoverage`` with one :class:`PatchFile` per changed file
(its new path; ``covered`` and ``missing`` empty: git measures no coverage) and
``changed_lines`` the number of *added* lines. The evaluator compares it with
diff-cover's measured lines to tell a vacuous 100 % from a docs-only change.
No completeness count: these are not measured lines.
"""

from __future__ import annotations

import re
from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import PatchCoverage, PatchFile, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, decode_text
from gates.untrusted.safetext import decimal, shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "git-numstat"
TOOL: Final = "git"

_HEADER: Final = "# git diff --numstat <base>...HEAD -- *.py"
_ARROW: Final = " => "
# git's C quoting: \a \b \t \n \v \f \r \" \\ and three octal digits for a byte (000-377)
_ESCAPE: Final = re.compile(rb"\\([0-3][0-7][0-7]|.)", re.DOTALL)
_C_ESCAPES: Final = {
    b"a": 7,
    b"b": 8,
    b"t": 9,
    b"n": 10,
    b"v": 11,
    b"f": 12,
    b"r": 13,
    b'"': 34,
    b"\\": 92,
}


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The changed Python files and how many lines the change adds to them."""
    # split on "\n" only: str.splitlines() would also split a name at U+2028 and the like
    header, *lines = decode_text(blob).removesuffix("\n").split("\n")
    diff = _revisions(header.removesuffix("\r"), blob.path)
    files: list[PatchFile] = []
    added = 0
    for number, line in enumerate(lines, start=2):
        count, path = _entry(line.removesuffix("\r"), blob.path, number)
        added += count
        files.append(PatchFile(context.git_path(path), [], [], count))
    return ReportData(tool=TOOL, patch=PatchCoverage(files=files, diff=diff, changed_lines=added))


def _revisions(header: str, path: str) -> str:
    """``"# git diff --numstat A...B -- *.py"`` -> ``"A...B"``."""
    words = header.split()
    if words[:3] != ["#", "git", "diff"] or "--numstat" not in words or "--" not in words:
        raise _malformed(path, 1, f"the first line should be the header `{_HEADER}`")
    separator = words.index("--")
    revisions = [word for word in words[3:separator] if not word.startswith("-")]
    if not revisions or separator == len(words) - 1:
        raise _malformed(path, 1, f"the header needs revisions and a pathspec, as in `{_HEADER}`")
    return " ".join(revisions)


def _entry(line: str, path: str, number: int) -> tuple[int, str]:
    """``"5<TAB>1<TAB>name"`` -> ``(5, "name")``; binary files add 0 lines."""
    fields = line.split("\t", 2)
    if len(fields) != 3 or not fields[2]:
        raise _malformed(path, number, "is not `added<TAB>deleted<TAB>path`")
    added, deleted, name = fields
    if added == deleted == "-":  # a binary file
        return 0, _new_path(name, path, number)
    count = decimal(added)
    if count is None or decimal(deleted) is None:
        raise _malformed(
            path, number, f"has counts {shown(added)}, {shown(deleted)}: not numbers or `-`"
        )
    return count, _new_path(name, path, number)


def _new_path(name: str, path: str, number: int) -> str:
    """The path after the change, from git's plain, quoted or rename notation."""
    if name.startswith('"'):
        old, rest = _unquote(name, path, number)
        if not rest:
            return old
        if not rest.startswith(" => "):
            raise _malformed(path, number, f"has a path git did not write: {shown(name)}")
        name = rest[4:]
        return _unquote(name, path, number)[0] if name.startswith('"') else name
    if _ARROW not in name:
        return name
    renamed = _braces(name)
    if renamed is not None:
        return renamed
    new = name.split(_ARROW, 1)[1]
    return _unquote(new, path, number)[0] if new.startswith('"') else new


def _braces(name: str) -> str | None:
    """``"pkg/{old => new}/x.py"`` -> ``"pkg/new/x.py"``, by plain search (no regex).

    The braces are the last ``{`` before the last `` => `` that a ``}`` follows,
    and that ``}``; ``None`` when the name has no such braces.
    """
    close = name.rfind("}")
    arrow = name.rfind(_ARROW, 0, close) if close > 0 else -1
    opening = name.rfind("{", 0, arrow) if arrow > 0 else -1
    if opening < 0:
        return None
    return (name[:opening] + name[arrow + len(_ARROW) : close] + name[close + 1 :]).replace(
        "//", "/"
    )


def _unquote(text: str, path: str, number: int) -> tuple[str, str]:
    """A C-quoted string at the start of ``text`` (git's quoting of special and,
    by default, non-ASCII names), decoded; and what follows it."""
    end = 1
    while end < len(text) and text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    if end >= len(text):
        raise _malformed(path, number, f"has an unterminated quoted path: {shown(text)}")
    try:
        return _ESCAPE.sub(_escape, text[1:end].encode()).decode(), text[end + 1 :]
    except (KeyError, UnicodeDecodeError):
        raise _malformed(
            path, number, f"has a quoted path git did not write: {shown(text)}"
        ) from None


def _escape(match: re.Match[bytes]) -> bytes:
    code = match[1]
    return bytes([int(code, 8) if len(code) == 3 else _C_ESCAPES[code]])


def _malformed(path: str, number: int, message: str) -> EvidenceError:
    return EvidenceError(
        f"line {number} {message}" if number > 1 else message,
        slug="malformed-report",
        path=path,
        hint=f"the stage writes `{_HEADER}` and then git's output; rerun it",
    )
