"""``ruff check --show-files``: the files ruff lints, one absolute path a line.

Ruff's JSON report does not say how many files it checked, and ruff exits 0
when it found none ("warning: No Python files found under the given path(s)"
goes to stderr, stdout stays empty). This listing, made with the same paths and
configuration as the JSON report, gives :attr:`Count.FILES_LINTED`; no file at
all is the problem ``no-files-checked``.

An empty listing is therefore a legitimate report (ruff's real output when it
found nothing): the loader must hand it to this reader rather than reject it
as an interrupted run, trusting it only with ruff's exit code 0 from the
stage manifest.
"""

from __future__ import annotations

from typing import Final

from gates.errors import EvidenceError
from gates.model import Count, Problem, ReportData
from gates.readers.interface import ReadContext
from gates.safeio import Blob, decode_text

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "file-list"
TOOL: Final = "ruff"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Count the distinct files of a ``--show-files`` listing."""
    files = _paths(blob)
    problems = [] if files else [_no_files(blob.path)]
    return ReportData(tool=TOOL, counts={Count.FILES_LINTED: len(files)}, problems=problems)


def _paths(blob: Blob) -> set[str]:
    files: set[str] = set()
    for number, line in enumerate(decode_text(blob).splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        if not _looks_like_path(text):
            raise EvidenceError(
                f"line {number} is not a file path ({text[:60]!r})",
                slug="malformed-report",
                path=blob.path,
                hint="write only the stdout of `ruff check --show-files` to this report",
            )
        files.add(text)
    return files


def _looks_like_path(text: str) -> bool:
    """Ruff prints absolute paths: ``/...`` on POSIX, ``C:\\...`` on Windows."""
    return text.startswith(("/", "\\\\")) or text[1:3] in (":\\", ":/")


def _no_files(path: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=path,
        message=f"{TOOL} checked 0 files: wrong path or every file excluded",
        hint="check the paths the lint stage passes to ruff and ruff's `exclude` settings",
        subject=TOOL,
    )
