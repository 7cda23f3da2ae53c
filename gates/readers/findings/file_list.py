"""``ruff check --show-files``: the files ruff lints, one absolute path a line.

Ruff's JSON report does not say how many files it checked, and ruff exits 0
when it found none ("warning: No Python files found under the given path(s)"
goes to stderr, stdout stays empty). This listing, made with the same paths and
configuration as the JSON report, gives :attr:`Count.FILES_LINTED`; no file at
all is the problem ``no-files-checked``.

An empty listing is therefore a legitimate report (ruff's real output when it
found nothing): the loader must hand it to this reader rather than reject it
as an interrupted run, trusting it only with ruff's exit code 0 from the
stage manifest. A listing whose last line has no newline was cut short (ruff
ends every path with one): it is ``malformed-report``, since that line may be
part of a name, and counting it would count a file that is not there.
"""

from __future__ import annotations

from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Problem, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, decode_text
from gates.untrusted.safetext import shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "file-list"
TOOL: Final = "ruff"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Count the distinct files of a ``--show-files`` listing."""
    files = _paths(blob)
    problems = [] if files else [_no_files(blob.path)]
    return ReportData(tool=TOOL, counts={Count.FILES_LINTED: len(files)}, problems=problems)


def _paths(blob: Blob) -> set[str]:
    text = decode_text(blob)
    if text and not text.endswith("\n"):
        raise EvidenceError(
            "its last line does not end with a newline: the listing was cut short (ruff "
            "ends every path it prints with one), so its last path may be part of a name",
            slug="malformed-report",
            path=blob.path,
            hint="rerun the lint stage, writing the whole stdout of `ruff check --show-files`",
        )
    files: set[str] = set()
    # split on "\n" only: str.splitlines() would also split a name at U+2028 and the like
    for number, line in enumerate(text.split("\n"), start=1):
        path = line.strip()
        if not path:
            continue
        if not _looks_like_path(path):
            raise EvidenceError(
                f"line {number} is not a file path ({shown(path)})",
                slug="malformed-report",
                path=blob.path,
                hint="write only the stdout of `ruff check --show-files` to this report",
            )
        files.add(path)
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
