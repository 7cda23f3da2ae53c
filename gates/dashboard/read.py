"""What the dashboard reads: the JSON verdict, and the past runs (I/O, fail closed).

* :func:`current_run`: ``.gates/verdict.json`` read as ``gates annotate``
  reads it (bounded, strict, every field typed, its summary checked against
  its gates: :func:`gates.ci.verdict_file.parse_verdict`).
* :func:`read_branch`: the history branch (docs/history.md) along the base
  branch's first parents, through :mod:`gates.history.base`; and
  :func:`records_of`, the records of one commit (the current run's tests).
* :func:`read_folder`: a folder of earlier JSON verdicts or history records
  (``gates dashboard --history DIR``), e.g. a copy of the history branch's
  ``runs/`` or verdicts kept as CI artefacts.

A file that cannot be trusted is never read as a run: it is named in
:attr:`Past.problems` and the page shows its run as unknown.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.ci.verdict_file import parse_verdict
from gates.dashboard.build import run_from_record, run_from_verdict
from gates.dashboard.model import Run
from gates.errors import EvidenceError
from gates.history.base import load_base_history
from gates.history.model import SCHEMA as RECORD_SCHEMA
from gates.history.parse import MAX_RECORD_BYTES, parse_record
from gates.history.store import read_files, record_files, resolve
from gates.outputs import json_out
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import parse_json, read_blob
from gates.untrusted.safetext import one_line

__all__ = ["MAX_FILES", "Past", "current_run", "read_branch", "read_folder", "records_of"]

MAX_VERDICT_BYTES: Final = 64 * 1024 * 1024
MAX_FILES: Final = 100_000  # files of a history folder read at most


@dataclass(frozen=True, slots=True)
class Past:
    """The earlier runs read, oldest first; the files not trusted; why there are none."""

    runs: tuple[Run, ...]
    problems: tuple[str, ...] = ()
    unknown: str = ""


def _mtime(path: Path) -> str:
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def current_run(path: Path, *, branch: str = "") -> Run:
    """The run of the JSON verdict at ``path``; raises :class:`EvidenceError` naming it."""
    blob = read_blob(path, display=str(path), max_bytes=MAX_VERDICT_BYTES)
    verdict = parse_verdict(blob)
    return run_from_verdict(verdict, source=str(path), date=_mtime(path), branch=branch)


def _problem(error: EvidenceError) -> str:
    return one_line(f"[{error.slug}] {error.path or '?'}: {error.detail}", 400)


def _json_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        found.extend(Path(top) / name for name in sorted(files) if name.endswith(".json"))
        if len(found) > MAX_FILES:
            raise EvidenceError(
                f"holds more than {MAX_FILES:,} JSON files",
                slug="history-corrupt",
                path=str(folder),
                hint="pass a folder of the runs to show (the latest ones)",
            )
    return found


def _read_one(path: Path) -> Run:
    blob = read_blob(path, display=str(path), max_bytes=MAX_RECORD_BYTES)
    document = Fields(parse_json(blob).value, path=blob.path, where="")
    schema = document.raw("schema")
    if schema == json_out.SCHEMA:
        return run_from_verdict(parse_verdict(blob), source=str(path), date=_mtime(path))
    if schema == RECORD_SCHEMA:
        commit = document.obj("run").text("commit")
        return run_from_record(
            parse_record(blob.data, path=str(path), commit=commit), source=str(path)
        )
    raise EvidenceError(
        f"is neither a gates verdict ({json_out.SCHEMA!r}) nor a history record "
        f"({RECORD_SCHEMA!r}): schema {one_line(str(schema), 40)!r}",
        slug="history-corrupt",
        path=str(path),
    )


def read_folder(folder: Path, *, limit: int) -> Past:
    """The runs of the JSON files under ``folder``, by date (then path); the latest ``limit``."""
    if not folder.is_dir() or folder.is_symlink():
        return Past((), unknown=f"{folder} is not a folder")
    try:
        files = _json_files(folder)
    except EvidenceError as error:
        return Past((), problems=(_problem(error),), unknown=error.detail)
    runs: list[Run] = []
    problems: list[str] = []
    for path in files:
        if path.is_symlink():
            problems.append(one_line(f"[history-corrupt] {path}: is a link: not followed", 400))
            continue
        try:
            runs.append(_read_one(path))
        except EvidenceError as error:
            problems.append(_problem(error))
    runs.sort(key=lambda run: (run.date, run.source))
    kept = tuple(runs[-limit:]) if limit > 0 else ()
    return Past(kept, tuple(problems), "" if kept else f"no run read in {folder}")


def read_branch(root: Path, *, base: str, branch: str, store: Path | None, limit: int) -> Past:
    """The records along ``base``'s first parents on the history branch, oldest first."""
    history = load_base_history(root, base=base, branch=branch, store=store, depth=limit)
    runs = tuple(
        run_from_record(e.record, source=f"{branch}:{e.commit}")
        for e in reversed(history.entries)
        if e.record is not None
    )
    problems = tuple(
        one_line(f"[{p.slug}] {p.path or '?'}: {p.message}", 400) for p in history.corrupt
    )
    return Past(runs, problems, history.unknown)


def records_of(store: Path, *, branch: str, commit: str) -> Past:
    """The records of ``commit`` itself (its reruns), oldest first."""
    tip = resolve(store, branch)
    if not tip or not commit:
        return Past(())
    files = record_files(store, tip, [commit]).get(commit, [])
    contents = read_files(store, [f for f in files if f.size <= MAX_RECORD_BYTES])
    runs, problems = [], []
    for file in files:
        data = contents.get(file.path)
        try:
            if data is None:  # never read: over the limit
                problems.append(f"[history-corrupt] {file.path}: is over the size limit")
            else:
                record = parse_record(data, path=file.path, commit=commit)
                runs.append(run_from_record(record, source=file.path))
        except EvidenceError as error:
            problems.append(_problem(error))
    runs.sort(key=lambda run: (run.date, run.source))
    return Past(tuple(runs), tuple(problems))
