"""One history record's JSON, untrusted, -> :class:`RunRecord`; or the reason it is corrupt.

A record comes from a branch anyone with push access could have written: it is
read like a report (:mod:`gates.untrusted`): bounded, strict UTF-8 and JSON
(no ``NaN``, no repeated key, no depth bomb), each field typed, its format
version checked. A record that fails any check is *corrupt*: reported by name
(``history-corrupt``), never trusted, never read as "no regression".
"""

from __future__ import annotations

from typing import Final

from gates.errors import EvidenceError
from gates.history.model import SCHEMA, VERSION, GateRecord, RecordedTest, RunRecord, ToolRecord
from gates.model.reports import Problem
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["MAX_RECORD_BYTES", "corrupt", "parse_record"]

MAX_RECORD_BYTES: Final = 64 * 1024 * 1024  # 500,000 tests at ~120 bytes each, and room
_STATUSES: Final = frozenset({"pass", "warn", "waived", "fail", "error"})
_OUTCOMES: Final = frozenset({"passed", "failed", "error", "skipped"})


def parse_record(data: bytes, *, path: str, commit: str) -> RunRecord:
    """The record in ``data`` (the file ``path``, filed under ``commit``).

    Raises :class:`EvidenceError` (``history-corrupt``) for anything it cannot trust.
    """
    if len(data) > MAX_RECORD_BYTES:
        raise _corrupt(path, f"is {len(data):,} bytes, over the limit of {MAX_RECORD_BYTES:,}")
    try:
        root = Fields(parse_json(Blob(path, data, "")).value, path=path, where="")
        record = _record(root)
    except EvidenceError as error:
        raise _corrupt(path, error.detail) from None
    if record.commit != commit:
        raise _corrupt(path, f"records commit {record.commit[:12]}, but is filed under {commit}")
    return record


def corrupt(error: EvidenceError) -> Problem:
    """The problem a corrupt record is reported as."""
    return Problem(slug="history-corrupt", path=error.path, message=error.detail, hint=error.hint)


def _corrupt(path: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"history record {why}: not trusted",
        slug="history-corrupt",
        path=path,
        hint="remove or rewrite the file on the history branch (docs/history.md); "
        "until then the base is unknown for this commit",
    )


def _record(root: Fields) -> RunRecord:
    if root.text("schema") != SCHEMA:
        raise malformed(root.path, "schema", f'"{SCHEMA}"', root.raw("schema"))
    if root.integer("version") != VERSION:
        raise malformed(root.path, "version", str(VERSION), root.raw("version"))
    run = root.obj("run")
    status = root.text("status")
    if status not in _STATUSES:
        raise malformed(root.path, "status", "a verdict status", status)
    counts = root.obj("counts")
    return RunRecord(
        run_id=run.text("id"),
        commit=run.text("commit"),
        parent=run.opt_text("parent"),
        branch=run.opt_text("branch"),
        recorded=run.text("recorded"),
        gates_version=run.text("gates_version"),
        policy=run.text("policy"),
        policy_sha256=run.text("policy_sha256"),
        status=status,
        exit_code=root.integer("exit_code"),
        gates=tuple(_gate(g) for g in root.each("gates")),
        counts={key: counts.count(key) for key, _ in counts.items()},
        tests=tuple(_test(t) for t in root.each("tests")),
        tools=tuple(
            ToolRecord(t.text("stage"), t.text("name"), t.text("version"))
            for t in root.each("tools")
        ),
    )


def _optional(fields: Fields, key: str) -> float | None:
    return None if fields.raw(key) is None else fields.number(key)


def _gate(fields: Fields) -> GateRecord:
    status = fields.text("status")
    if status not in _STATUSES:
        raise malformed(fields.path, f"{fields.where}.status", "a gate status", status)
    stages = fields.array("stages")
    if not all(isinstance(s, str) for s in stages):
        raise malformed(fields.path, f"{fields.where}.stages", "a list of names", stages)
    return GateRecord(
        name=fields.text("name"),
        metric=fields.text("metric"),
        status=status,
        value=_optional(fields, "value"),
        measured=_optional(fields, "measured"),
        base=_optional(fields, "base"),
        bound=fields.text("bound"),
        stages=tuple(str(s) for s in stages),
    )


def _test(fields: Fields) -> RecordedTest:
    outcome = fields.text("outcome")
    if outcome not in _OUTCOMES:
        raise malformed(fields.path, f"{fields.where}.outcome", "a test outcome", outcome)
    duration = fields.number("duration")
    if duration < 0:
        raise malformed(fields.path, f"{fields.where}.duration", "0 or more seconds", duration)
    return RecordedTest(
        stage=fields.text("stage"),
        id=fields.text("id"),
        outcome=outcome,
        duration=duration,
        reruns=fields.count("reruns"),
    )
