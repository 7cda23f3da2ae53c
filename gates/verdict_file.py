"""The JSON verdict read back, and the verdict artifact checked before it is trusted.

``gates comment`` runs in a job that never executes the pull request's code;
the verdict it posts was written by a job that did. So it trusts nothing of
the artifact but what it can check (:func:`load_artifact`):

* the folder holds only ``verdict.json`` (required) and ``verdict.md``, each a
  regular file (no link, no folder, no other name: nothing to traverse to),
  within a size bound;
* ``verdict.json`` is the versioned JSON verdict (``gates.verdict`` version
  1), parsed strictly (:mod:`gates.safeio`) into a :class:`gates.model.Verdict`
  whose summary and ``blocked`` agree with its gates;
* every stage it judged was measured at the expected commit;
* ``verdict.md``, when present, is UTF-8 Markdown within GitHub's comment
  limit, starting with the sticky-comment marker.

The comment is then rendered again from the parsed verdict by gates' own
Markdown output, which escapes the evidence text once: the artifact's Markdown
is never posted as it is.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.model import (
    BenchmarkComparison,
    Count,
    Finding,
    GateResult,
    Offender,
    Problem,
    Severity,
    Status,
    Verdict,
    WaiverResult,
)
from gates.outputs import _format as fmt
from gates.outputs import json_out
from gates.outputs.markdown import MARKER
from gates.safeio import Blob, Fields, malformed, parse_json, read_blob

__all__ = ["ARTIFACT_FILES", "MAX_ARTIFACT_BYTES", "load_artifact", "parse_verdict"]

VERDICT_JSON: Final = "verdict.json"
VERDICT_MD: Final = "verdict.md"
ARTIFACT_FILES: Final = frozenset({VERDICT_JSON, VERDICT_MD})
MAX_ARTIFACT_BYTES: Final = 32 * 1024 * 1024
MAX_COMMENT_CHARS: Final = 65_536  # what GitHub accepts in one comment
_SHA: Final = re.compile(r"[0-9a-f]{7,64}")
_COUNTS: Final = {count.key: count for count in Count}
_WAIVER_STATUSES: Final = frozenset({"used", "unused", "expired"})


def load_artifact(folder: Path, *, commit: str, max_bytes: int = MAX_ARTIFACT_BYTES) -> Verdict:
    """The verdict in ``folder``, checked file by file, then against ``commit``."""
    files = _listing(folder, max_bytes=max_bytes)
    if VERDICT_JSON not in files:
        raise _artifact(folder, f"holds no {VERDICT_JSON}")
    blob = read_blob(folder / VERDICT_JSON, display=f"{folder}/{VERDICT_JSON}", max_bytes=max_bytes)
    verdict = parse_verdict(blob)
    _check_commit(verdict, commit, blob.path)
    if VERDICT_MD in files:
        _check_markdown(read_blob(folder / VERDICT_MD, display=f"{folder}/{VERDICT_MD}"))
    return verdict


def _artifact(folder: Path, why: str) -> EvidenceError:
    return EvidenceError(
        why,
        slug="verdict-artifact",
        path=str(folder),
        hint="download the artifact the gates job uploaded (verdict.json and verdict.md only); "
        "do not post a verdict you cannot check",
    )


def _listing(folder: Path, *, max_bytes: int) -> set[str]:
    """The artifact's file names, after checking each entry and the total size."""
    try:
        info = os.lstat(folder)
    except OSError as error:
        raise _artifact(folder, f"cannot be read ({error.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise _artifact(folder, "is not a folder (a link or a file)")
    names: set[str] = set()
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name not in ARTIFACT_FILES:
                raise _artifact(
                    folder,
                    f"holds {fmt.one_line(repr(entry.name), 100)}, which is no part of a verdict",
                )
            mode = entry.stat(follow_symlinks=False).st_mode
            if not stat.S_ISREG(mode):
                raise _artifact(
                    folder, f"{entry.name} is not a regular file (a link, a folder or a device)"
                )
            total += entry.stat(follow_symlinks=False).st_size
            names.add(entry.name)
    if total > max_bytes:
        raise _artifact(folder, f"holds {total:,} bytes, over the {max_bytes:,}-byte bound")
    return names


def _check_commit(verdict: Verdict, commit: str, path: str) -> None:
    wanted = commit.lower()
    if not _SHA.fullmatch(wanted):
        raise EvidenceError(
            f"{commit!r} is not a commit SHA (7 to 64 hexadecimal digits)",
            slug="verdict-commit",
            hint="pass the commit the stages ran at, e.g. --commit $GITHUB_SHA",
        )
    if not verdict.stages:
        raise EvidenceError(
            "judged no stage: there is no commit to check it against",
            slug="verdict-commit",
            path=path,
            hint="post only the verdict of a run that recorded evidence",
        )
    for stage, recorded, _ in verdict.stages:
        if not recorded.lower().startswith(wanted):
            shown = fmt.one_line(recorded[:12], 12) or "(none)"
            raise EvidenceError(
                f"judged stage {fmt.one_line(stage, 60)!r} at commit {shown}, not {commit[:12]}",
                slug="verdict-commit",
                path=path,
                hint="the artifact is from another run or another commit; post the verdict of this one",
            )


def _check_markdown(blob: Blob) -> None:
    try:
        text = blob.data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise EvidenceError(
            f"is not UTF-8 (byte {error.start})", slug="invalid-utf8", path=blob.path
        ) from None
    if len(text) > MAX_COMMENT_CHARS or not text.startswith(MARKER):
        raise EvidenceError(
            f"is not a gates Markdown verdict (it should start with {MARKER} and hold at most "
            f"{MAX_COMMENT_CHARS:,} characters)",
            slug="verdict-artifact",
            path=blob.path,
            hint="upload the verdict.md that `gates check --format markdown` wrote",
        )


# ---------------------------------------------------------------- the JSON verdict


def parse_verdict(blob: Blob) -> Verdict:
    """The JSON verdict (``gates.verdict`` version 1) as a :class:`Verdict`."""
    document = Fields(parse_json(blob).value, path=blob.path, where="")
    schema, version = document.raw("schema"), document.raw("version")
    if schema != json_out.SCHEMA or version != json_out.VERSION:
        raise EvidenceError(
            f"is {schema!r} version {version!r}, not {json_out.SCHEMA!r} version {json_out.VERSION}",
            slug="unsupported-format",
            path=blob.path,
            hint="post a verdict written by the same version of gates",
        )
    verdict = Verdict(
        status=_status(document, "status"),
        exit_code=_exit_code(document),
        gates=tuple(_gate(item) for item in document.each("gates")),
        waivers=tuple(_waiver(item) for item in document.each("waivers")),
        counts=_counts(document.obj("counts")),
        findings=tuple(_finding(item) for item in document.each("findings")),
        stages=tuple(
            (item.text("name"), item.opt_text("commit"), _bool(item, "dirty"))
            for item in document.each("stages")
        ),
        notes=tuple(_strings(document, "notes")),
        policy=document.text("policy"),
    )
    if document.raw("summary") != fmt.summary_line(verdict) or document.raw(
        "blocked"
    ) != fmt.blocked(verdict):
        raise EvidenceError(
            "says a summary or `blocked` that its gates do not: it was edited after gates wrote it",
            slug="verdict-artifact",
            path=blob.path,
            hint="post only a verdict as `gates check` wrote it",
        )
    return verdict


def _status(fields: Fields, key: str) -> Status:
    value = fields.text(key)
    try:
        return Status(value)
    except ValueError:
        raise malformed(
            fields.path, f"{fields.where}.{key}".lstrip("."), "a status", value
        ) from None


def _exit_code(fields: Fields) -> int:
    code = fields.integer("exit_code")
    if code not in range(5):
        raise malformed(fields.path, "exit_code", "an exit code from 0 to 4", code)
    return code


def _bool(fields: Fields, key: str) -> bool:
    value = fields.raw(key)
    if not isinstance(value, bool):
        raise malformed(fields.path, f"{fields.where}.{key}", "a boolean", value)
    return value


def _strings(fields: Fields, key: str) -> list[str]:
    values = fields.array(key)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise malformed(
                fields.path, f"{fields.where}.{key}[{index}]".lstrip("."), "a string", value
            )
    return [str(value) for value in values]


def _optional_number(fields: Fields, key: str) -> float | None:
    return None if fields.raw(key) is None else fields.number(key)


def _line(fields: Fields) -> int:
    line = fields.integer("line", default=0)
    if line < 0:
        raise malformed(fields.path, f"{fields.where}.line", "a line number", line)
    return line


def _gate(fields: Fields) -> GateResult:
    level = fields.text("level")
    if level not in ("block", "warn"):
        raise malformed(fields.path, f"{fields.where}.level", '"block" or "warn"', level)
    return GateResult(
        name=fields.text("name"),
        metric=fields.text("metric"),
        status=_status(fields, "status"),
        level=level,
        observed=_optional_number(fields, "observed"),
        bound=fields.text("bound"),
        reason=fields.text("reason"),
        stages=tuple(_strings(fields, "stages")),
        evidence=tuple(_strings(fields, "evidence")),
        offenders=tuple(
            Offender(item.opt_text("path"), _line(item), item.text("label"), item.text("detail"))
            for item in fields.each("offenders")
        ),
        offenders_total=fields.integer("offenders_total"),
        problems=tuple(_problem(item) for item in fields.each("problems")),
        waivers=tuple(_strings(fields, "waivers")),
        reproduce=fields.opt_text("reproduce"),
        comparisons=tuple(_comparison(item) for item in fields.each("comparisons")),
        precision=_precision(fields),
    )


_COVERAGE_PY = ("coverage.percent", "coverage.branch_percent", "coverage.total_percent")


def _precision(fields: Fields) -> int | None:
    """A coverage.py percentage's decimals, as ``observed_text`` shows them (``"90.50%"`` -> 2).

    The comment rendered again from the verdict then shows the figure the
    verdict showed, at the project's precision.
    """
    if fields.text("metric") not in _COVERAGE_PY or fields.raw("observed") is None:
        return None
    text = fields.text("observed_text").removesuffix("%")
    return len(text.partition(".")[2]) if text.replace(".", "", 1).isdigit() else None


def _problem(fields: Fields) -> Problem:
    slug = fields.text("slug")  # a slug of the verdict's, handed on
    return Problem(
        slug=slug,
        path=fields.opt_text("path"),
        message=fields.text("message"),
        hint=fields.opt_text("hint"),
        subject=fields.opt_text("subject"),
    )


def _comparison(fields: Fields) -> BenchmarkComparison:
    def ratio(key: str) -> float:
        value = _optional_number(fields, key)
        return float("nan") if value is None else value  # the JSON output wrote NaN as null

    return BenchmarkComparison(
        fields.text("name"),
        fields.text("outcome"),
        ratio("estimate"),
        ratio("low"),
        ratio("high"),
        fields.integer("rounds"),
        fields.text("reason"),
    )


def _waiver(fields: Fields) -> WaiverResult:
    status = fields.text("status")
    if status not in _WAIVER_STATUSES:
        raise malformed(fields.path, f"{fields.where}.status", "used, unused or expired", status)
    return WaiverResult(
        fields.text("target"),
        fields.opt_text("owner"),
        fields.text("reason"),
        fields.opt_text("expires"),
        status,
        fields.integer("matched"),
    )


def _counts(fields: Fields) -> tuple[tuple[Count, int], ...]:
    measured: dict[Count, int] = {}
    for key, value in fields.items():
        count = _COUNTS.get(key)
        if count is None:
            raise malformed(fields.path, f"counts.{key}", "a known count", key)
        if value is not None:
            measured[count] = fields.integer(key)
    return tuple((count, measured[count]) for count in Count if count in measured)


def _finding(fields: Fields) -> tuple[Finding, bool]:
    label = fields.text("severity")
    try:
        severity = Severity.from_label(label)
    except KeyError:
        raise malformed(fields.path, f"{fields.where}.severity", "a severity", label) from None
    return Finding(
        fields.text("tool"),
        fields.opt_text("rule"),
        severity,
        fields.opt_text("path"),
        _line(fields),
        fields.text("message"),
    ), _bool(fields, "waived")
