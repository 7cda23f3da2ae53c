"""The JSON verdict read back, and the verdict of an evidence artifact recomputed.

* :func:`parse_verdict` reads the JSON verdict (``gates.verdict`` version 1)
  strictly back into a :class:`gates.model.Verdict` (``gates annotate``).
* :func:`recompute` is what ``gates comment`` posts: never a verdict file,
  which the pull request's run wrote and could forge, but the verdict of the
  evidence that run uploaded, judged again here with the policy the caller
  chose (the base branch's), every stage pinned to the commit the caller
  knows (the test merge commit, from the API). Each stage is read through its
  manifest as ``gates check`` reads it (hashes, sizes, tool exit codes, every
  reader's checks), so hostile evidence is refused report by report, and the
  gates that read it block. What this cannot tell is whether the evidence is
  true: :mod:`gates.ci.trust` says so in the comment.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import replace
from pathlib import Path
from typing import Final, TypeVar

from gates.catalog.counts import Count
from gates.errors import EvidenceError, ExitCode
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_stage, pin_commit
from gates.model.covround import MAX_PRECISION
from gates.model.reports import Finding, Problem, Severity
from gates.model.stage import Evidence
from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Level,
    Offender,
    Status,
    Verdict,
    WaiverResult,
    WaiverStatus,
)
from gates.outputs import json_out
from gates.outputs.summary import blocked, summary_line
from gates.policy.load import Policy
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["load_artifact_evidence", "parse_verdict", "recompute"]

_COUNTS: Final = {count.key: count for count in Count}


# ---------------------------------------------------------------- the verdict of an evidence artifact


def recompute(
    folder: Path,
    policy: Policy,
    *,
    commit: str,
    root: Path,
    today: dt.date,
    notes: tuple[str, ...] = (),
) -> Verdict:
    """The verdict of the stage folders in ``folder`` under ``policy``, pinned to ``commit``.

    ``root`` is the repository the stages ran in (its path turns the tools'
    absolute paths into the repository's); ``notes`` go first in the verdict.
    """
    evidence = load_artifact_evidence(
        folder,
        root=root,
        reports=policy.settings.reports,
        max_bytes=policy.settings.max_report_mb * 1024 * 1024,
    )
    verdict = evaluate(policy, pin_commit(evidence, commit), today=today)
    return replace(verdict, notes=(*notes, *verdict.notes)) if notes else verdict


def load_artifact_evidence(folder: Path, *, root: Path, reports: str, max_bytes: int) -> Evidence:
    """The stage folders of a downloaded evidence artifact, shown as under ``reports``.

    No folder is no evidence (the run uploaded none): every gate then finds its
    evidence missing. A link or a file where the folder should be is refused.
    """
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return Evidence(reports, ())
    except OSError as error:
        raise _artifact(folder, f"cannot be read ({error.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise _artifact(folder, "is not a folder (a link or a file)")
    stages = tuple(
        load_stage(child, root=root, reports=reports, state=None, max_bytes=max_bytes)
        for child in sorted(folder.iterdir())
        if not child.is_symlink() and child.is_dir() and not child.name.startswith(".")
    )
    return Evidence(reports, stages)


def _artifact(folder: Path, why: str) -> EvidenceError:
    return EvidenceError(
        why,
        slug="evidence-artifact",
        path=str(folder),
        hint="pass the folder the gates-evidence-* artifacts were downloaded to "
        "(one sub-folder per stage)",
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
        notes=tuple(document.texts("notes")),
        policy=document.text("policy"),
    )
    if document.raw("summary") != summary_line(verdict) or document.raw("blocked") != blocked(
        verdict
    ):
        raise EvidenceError(
            "says a summary or `blocked` that its gates do not: it was edited after gates wrote it",
            slug="verdict-artifact",
            path=blob.path,
            hint="rerun `gates check` to write the verdict again",
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


def _exit_code(fields: Fields) -> ExitCode:
    code = fields.integer("exit_code")
    if code not in range(5):
        raise malformed(fields.path, "exit_code", "an exit code from 0 to 4", code)
    return ExitCode(code)


_E = TypeVar("_E", Level, BenchmarkOutcome, WaiverStatus)


def _enum(fields: Fields, key: str, kind: type[_E], wanted: str) -> _E:
    """A member of a closed set, by its value; anything else is a malformed verdict."""
    value = fields.text(key)
    try:
        return kind(value)
    except ValueError:
        raise malformed(fields.path, f"{fields.where}.{key}", wanted, value) from None


def _bool(fields: Fields, key: str) -> bool:
    value = fields.raw(key)
    if not isinstance(value, bool):
        raise malformed(fields.path, f"{fields.where}.{key}", "a boolean", value)
    return value


def _optional_number(fields: Fields, key: str) -> float | None:
    return None if fields.raw(key) is None else fields.number(key)


def _line(fields: Fields) -> int:
    line = fields.integer("line", default=0)
    if line < 0:
        raise malformed(fields.path, f"{fields.where}.line", "a line number", line)
    return line


def _gate(fields: Fields) -> GateResult:
    level = _enum(fields, "level", Level, '"block" or "warn"')
    return GateResult(
        name=fields.text("name"),
        metric=fields.text("metric"),
        status=_status(fields, "status"),
        level=level,
        observed=_optional_number(fields, "observed"),
        bound=fields.text("bound"),
        reason=fields.text("reason"),
        stages=tuple(fields.texts("stages")),
        evidence=tuple(fields.texts("evidence")),
        offenders=tuple(
            Offender(
                path=item.opt_text("path"),
                line=_line(item),
                label=item.text("label"),
                detail=item.text("detail"),
            )
            for item in fields.each("offenders")
        ),
        offenders_total=fields.integer("offenders_total"),
        problems=tuple(_problem(item) for item in fields.each("problems")),
        waivers=tuple(fields.texts("waivers")),
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
    if not text.replace(".", "", 1).isdigit():
        return None
    decimals = len(text.partition(".")[2])
    if decimals > MAX_PRECISION:  # 1.0 / 10**decimals would overflow when it is shown
        raise malformed(fields.path, f"{fields.where}.observed_text", "a percentage", text)
    return decimals


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
        name=fields.text("name"),
        outcome=_enum(fields, "outcome", BenchmarkOutcome, "a benchmark outcome"),
        estimate=ratio("estimate"),
        low=ratio("low"),
        high=ratio("high"),
        rounds=fields.integer("rounds"),
        reason=fields.text("reason"),
    )


def _waiver(fields: Fields) -> WaiverResult:
    status = _enum(fields, "status", WaiverStatus, "used, unused or expired")
    return WaiverResult(
        target=fields.text("target"),
        owner=fields.opt_text("owner"),
        reason=fields.text("reason"),
        expires=fields.opt_text("expires"),
        status=status,
        matched=fields.integer("matched"),
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
