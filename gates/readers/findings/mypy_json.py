"""``mypy -O json``: one JSON object per line for each error and note.

Each line has ``file``, ``line``, ``column``, ``end_line``, ``end_column``,
``message``, ``hint``, ``code`` and ``severity`` (``"error"`` or ``"note"``).
mypy already folds a note that belongs to an error (same file, line and column)
into that error's ``hint``; the notes left as lines of their own
(``reveal_type``, context on another line) are not findings and are skipped.

Severity (docs/severity.md): an error is ``medium``; a *blocking* error is
``high``. Blocking errors are the ones that stop mypy before or during the type
check: syntax errors (code ``syntax``) and the errors mypy reports without a
code (a duplicate module, an invalid package name; every other error gets at
least ``misc``), which gates names ``blocking-error``. A blocking error also
makes the report incomplete (problem ``type-check-incomplete``): mypy did not
type-check the other files.

mypy prints nothing but a newline when it finds no error, and on an internal
crash it prints nothing at all to stdout (the ``INTERNAL ERROR`` goes to
stderr, exit 2), so an empty report is "no errors" only together with exit
code 0 in the stage manifest and a ``mypy-linecount`` report listing the files.
Notes on its configuration (``warn_unused_configs``) it prints as plain text
lines, which are skipped. When a blocking error is not one mypy can format as JSON (a file it cannot
read), stdout holds only its plain-text summary ``Found 1 error in 1 file
(errors prevented further checking)``: that line is read as the problem
``type-check-incomplete`` too.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, decode_text, parse_json_lines
from gates.untrusted.safetext import in_range, shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "mypy-json"
TOOL: Final = "mypy"

BLOCKING: Final = "blocking-error"
_MISSING: Final = object()
_SUMMARY = re.compile(r"Found \d+ errors? in \d+ files? \(.*\)")
_HINT = "fix the blocking error (mypy's stderr in the stage log names it) and rerun the type stage"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read mypy's JSON-lines output."""
    blob, summaries = _without_summaries(blob)
    relpath = functools.cache(context.relpath)
    findings: list[Finding] = []
    for index, doc in enumerate(parse_json_lines(blob)):
        finding = _finding(doc.value, blob.path, index, relpath)
        if finding is not None:
            findings.append(finding)
    blockers = [finding for finding in findings if finding.severity is Severity.HIGH]
    problems = [_stopped(blob.path, blockers)] if blockers else []
    problems += [_summary_problem(blob.path, line) for line in summaries]
    return ReportData(tool=TOOL, findings=findings, problems=problems)


def _finding(item: object, path: str, index: int, relpath: Callable[[str], str]) -> Finding | None:
    """One line as a finding; ``None`` for a note."""
    if type(item) is not dict:
        raise _explain(path, index, item)
    severity = item.get("severity")
    if severity == "note":
        return None
    filename = item.get("file")
    line = item.get("line")
    message = item.get("message")
    code = item.get("code", _MISSING)
    hint = item.get("hint", _MISSING)
    if (
        severity != "error"
        or type(filename) is not str
        or type(line) is not int
        or not in_range(line)
        or type(message) is not str
        or not (code is None or type(code) is str)
        or not (hint is None or type(hint) is str)
    ):
        raise _explain(path, index, item)
    if hint:
        message = f"{message} ({' '.join(hint.split())})"
    blocking = code is None or code == "syntax"
    severity_ = Severity.HIGH if blocking else Severity.MEDIUM
    return Finding(TOOL, code or BLOCKING, severity_, relpath(filename), max(line, 0), message)


def _explain(path: str, index: int, item: object) -> EvidenceError:
    """The precise error for a line the fast path rejected."""
    where = f"[{index}]"
    fields = Fields(item, path=path, where=where)
    severity = fields.text("severity")
    if severity not in ("error", "note"):
        return malformed(path, f"{where}.severity", '"error" or "note"', severity)
    fields.text("file")
    fields.integer("line")
    fields.text("message")
    for key in ("code", "hint"):
        if not fields.has(key) or fields.raw(key) is not None:
            fields.text(key)  # raises: missing, or not a string
    return malformed(path, where, "a mypy error", item)


def _without_summaries(blob: Blob) -> tuple[Blob, list[str]]:
    """``blob`` with mypy's plain-text lines blanked, and its summary lines.

    Besides a summary, mypy prints its configuration's notes as plain text on
    stdout (``setup.cfg: note: unused section(s): [mypy-tests.*]`` with
    ``warn_unused_configs``): notes, never findings, and dropped.
    """
    data = blob.data
    if not (data.startswith(b"Found ") or b"\nFound " in data or b": note: " in data):
        return blob, []
    lines = decode_text(blob).splitlines()
    summaries = [line for line in lines if _SUMMARY.fullmatch(line.strip())]
    dropped = set(summaries) | {line for line in lines if _plain_note(line)}
    kept = "\n".join("" if line in dropped else line for line in lines)
    return Blob(blob.path, kept.encode(), blob.sha256), summaries


def _plain_note(line: str) -> bool:
    """A note mypy printed as text, not as a JSON line."""
    return not line.lstrip().startswith("{") and ": note: " in line


def _stopped(path: str, blockers: list[Finding]) -> Problem:
    first = blockers[0]
    return Problem(
        slug="type-check-incomplete",
        path=path,
        message=(
            f"mypy stopped at a blocking error in {first.location} ({first.message}); "
            "the other files were not type-checked"
        ),
        hint=_HINT,
        subject=TOOL,
    )


def _summary_problem(path: str, line: str) -> Problem:
    return Problem(
        slug="type-check-incomplete",
        path=path,
        message=f"mypy reported errors outside its JSON output: {shown(line.strip(), 200)}",
        hint=_HINT,
        subject=TOOL,
    )
