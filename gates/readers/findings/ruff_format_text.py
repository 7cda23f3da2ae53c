"""``ruff format --check`` as plain text: what ruff before 0.16 can write.

Before ruff 0.16 the formatter's ``--output-format json`` is preview-only, so a
project that locks such a ruff is format-checked with the text form, one line a
file and a summary::

    Would reformat: src/pkg/bad.py
    1 file would be reformatted, 12 files already formatted

(ruff 0.1 says "left unchanged" for "already formatted"). Each file becomes a
``low`` finding with rule ``unformatted`` and no line, as the JSON reader
gives. The summary must count exactly the files listed: a cut or edited report
is ``malformed-report``. A file ruff could not parse appears in neither: the
text form shows it only with exit code 2 on standard error, so gates takes
that exit code of this form as a crash (gates/catalog/tools.py). ruff prints nothing
when it found no Python file (exit 0): no finding, and the ``--show-files``
listing of the same stage already says ``no-files-checked``.
"""

from __future__ import annotations

from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, decode_text

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "ruff-format-text"
TOOL: Final = "ruff"

_FILE: Final = "Would reformat: "
_MESSAGE: Final = "File would be reformatted"
_CHANGED: Final = " would be reformatted"
_MAX_DIGITS: Final = 12
_REGENERATE: Final = "rerun the lint stage (`nox -s lint`)"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The files ``ruff format --check`` would reformat."""
    lines = [line.rstrip("\r") for line in decode_text(blob).splitlines() if line.strip()]
    files = [line[len(_FILE) :] for line in lines if line.startswith(_FILE)]
    rest = [line for line in lines if not line.startswith(_FILE)]
    if lines and len(rest) != 1:
        raise _malformed(blob.path, "its last line should be ruff's one summary line")
    declared = _would_change(rest[0], blob.path) if rest else 0
    if declared != len(files):
        raise _malformed(
            blob.path,
            f"the summary counts {declared} files to reformat but {len(files)} are listed",
        )
    findings = [
        Finding(TOOL, "unformatted", Severity.LOW, context.relpath(name), 0, _MESSAGE)
        for name in files
    ]
    return ReportData(tool=TOOL, findings=findings)


def _would_change(summary: str, path: str) -> int:
    """How many files the summary says would be reformatted (0 when it names none)."""
    first = summary.split(", ", 1)[0]
    if not first.endswith(_CHANGED):
        if summary.endswith(("already formatted", "left unchanged")):
            return 0
        raise _malformed(path, f"{summary[:120]!r} is not ruff's summary line")
    number = first.split(" ", 1)[0]
    if not (number.isascii() and number.isdigit()) or len(number) > _MAX_DIGITS:
        raise _malformed(path, f"{summary[:120]!r} is not ruff's summary line")
    return int(number)


def _malformed(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"{why}: the report is truncated or edited, or not `ruff format --check`'s output",
        slug="malformed-report",
        path=path,
        hint=_REGENERATE,
    )
