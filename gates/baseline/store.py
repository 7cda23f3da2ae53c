"""The baseline file: the findings a team accepted when it adopted gates, reviewed like code.

``gates-baseline.json`` at the repository root, written by ``gates baseline``
and read by ``gates check``. JSON, with one finding per line, sorted by
path, tool, rule and place, so that a review shows each finding added or
removed as one line::

    {
      "format": "gates-baseline",
      "version": 1,
      "commit": "3f2c…",
      "salt": "9b1e…",
      "findings": [
        {"tool": "ruff", "rule": "S307", "path": "shop/orders.py", "line": 41, "scope": "load", …},
        …
      ]
    }

``commit`` is the commit the findings were recorded at: renames since then
are followed from it. ``salt`` is random, made when the file is first
written and kept after: every digest is keyed with it, so that a digest of a
line holding a secret cannot be looked up in a table computed beforehand.
Of each entry, ``scope``, ``text``, ``preceding``, ``context`` and
``statement`` identify the finding (:mod:`gates.baseline.identity`);
``line``, ``severity`` and ``message`` are there for the reviewer and are not
matched on. The file holds digests of the code, never the code itself.

Version history: 1, the first.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

from gates.baseline.identity import Identity
from gates.errors import EvidenceError
from gates.model.reports import Finding, Severity
from gates.system.atomic import atomic_write
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, parse_json, read_blob

__all__ = [
    "FORMAT",
    "MAX_BASELINE_BYTES",
    "VERSION",
    "Baseline",
    "Entry",
    "entry_of",
    "load_baseline",
    "new_salt",
    "parse_baseline",
    "render_baseline",
    "write_baseline",
]

FORMAT: Final = "gates-baseline"
VERSION: Final = 1
MAX_BASELINE_BYTES: Final = 64 * 1024 * 1024
_MESSAGE_CHARS: Final = 200
_DIGEST: Final = re.compile(r"[0-9a-f]{16}")
_FULL_SHA: Final = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SALT_BYTES: Final = 16
_SALT: Final = re.compile(r"[0-9a-f]{32}")
_LABELS: Final = {severity.label: severity for severity in Severity}
_DIGESTS: Final = ("text", "preceding", "context", "statement")


class Entry(NamedTuple):
    """One accepted finding."""

    identity: Identity
    line: int  # where it was when recorded: for the reviewer, never matched on
    severity: Severity
    message: str  # its first line, cut at 200 characters

    @property
    def order(self) -> tuple[str, str, str, int, str, str, str, str, str, str]:
        i = self.identity
        return (
            i.path,
            i.tool,
            i.rule,
            self.line,
            i.scope,
            i.text,
            i.preceding,
            i.context,
            i.statement,
            self.message,
        )


@dataclass(frozen=True, slots=True)
class Baseline:
    """A baseline file's content."""

    commit: str  # the commit the findings were recorded at; "" when unknown
    entries: tuple[Entry, ...]
    salt: str  # 32 hexadecimal digits, random, the key of every digest of the file


def new_salt() -> str:
    """A fresh random salt for a new baseline file."""
    return secrets.token_hex(_SALT_BYTES)


def entry_of(finding: Finding, identity: Identity) -> Entry:
    """The entry that records ``finding``."""
    first = finding.message.splitlines()[0] if finding.message else ""
    return Entry(identity, finding.line, finding.severity, first[:_MESSAGE_CHARS])


# ---------------------------------------------------------------- writing


def render_baseline(baseline: Baseline) -> bytes:
    """The file's bytes: deterministic, one entry per line, sorted."""
    entries = sorted(baseline.entries, key=lambda entry: entry.order)
    lines = [
        "{",
        f'  "format": "{FORMAT}",',
        f'  "version": {VERSION},',
        f'  "commit": {json.dumps(baseline.commit)},',
        f'  "salt": {json.dumps(baseline.salt)},',
    ]
    if not entries:
        lines.append('  "findings": []')
    else:
        lines.append('  "findings": [')
        rows = [f"    {_entry_json(entry)}" for entry in entries]
        lines.append(",\n".join(rows))
        lines.append("  ]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry_json(entry: Entry) -> str:
    i = entry.identity
    fields = {
        "tool": i.tool,
        "rule": i.rule,
        "path": i.path,
        "line": entry.line,
        "scope": i.scope,
        "severity": entry.severity.label,
        "message": entry.message,
        "text": i.text,
        "preceding": i.preceding,
        "context": i.context,
        "statement": i.statement,
    }
    return json.dumps(fields, ensure_ascii=False)


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write the file atomically: a reader never sees half of it."""
    atomic_write(path, render_baseline(baseline))


# ---------------------------------------------------------------- reading


def load_baseline(path: Path, *, display: str) -> Baseline:
    """Read and check the baseline file.

    Raises :class:`EvidenceError`: ``baseline-missing`` when there is no file,
    ``baseline-corrupt`` for anything that is not a baseline this version of
    gates wrote (a merge conflict, a truncated file, another format).
    """
    if not path.exists() and not path.is_symlink():
        raise EvidenceError(
            "there is no baseline file, so every finding counts as new",
            slug="baseline-missing",
            path=display,
            hint="record the current findings with `gates baseline`, review the file and commit it",
        )
    try:
        blob = read_blob(path, display=display, max_bytes=MAX_BASELINE_BYTES)
    except EvidenceError as error:
        raise corrupt(display, error.detail) from None
    return parse_baseline(blob.data, display=display)


def parse_baseline(data: bytes, *, display: str) -> Baseline:
    """A baseline file's bytes, checked; raises ``baseline-corrupt`` as :func:`load_baseline`."""
    if len(data) > MAX_BASELINE_BYTES:
        raise corrupt(display, f"is over {MAX_BASELINE_BYTES:,} bytes")
    try:
        document = Fields(parse_json(Blob(display, data, "")).value, path=display, where="")
        return _baseline(document, display)
    except EvidenceError as error:
        if error.slug == "baseline-corrupt":
            raise
        raise corrupt(display, error.detail) from None


def corrupt(display: str, why: str) -> EvidenceError:
    """The error for a baseline file gates cannot trust."""
    return EvidenceError(
        f"{why}: the baseline cannot be read, so every finding counts as new",
        slug="baseline-corrupt",
        path=display,
        hint="resolve a merge conflict by running `gates baseline` on the merged code; otherwise "
        "restore the file from git (`git checkout -- FILE`) or record it again",
    )


def _baseline(document: Fields, display: str) -> Baseline:
    if document.raw("format") != FORMAT:
        raise corrupt(display, f'is not a gates baseline ("format" is not "{FORMAT}")')
    version = document.integer("version")
    if version != VERSION:
        raise corrupt(
            display,
            f"is version {version} of the baseline format; this gates reads version {VERSION}",
        )
    commit = document.text("commit")
    if commit and not _FULL_SHA.fullmatch(commit):
        raise corrupt(display, "`commit` is not a full commit SHA")
    salt = document.text("salt")
    if not _SALT.fullmatch(salt):
        raise corrupt(display, f"`salt` is not {_SALT_BYTES * 2} hexadecimal digits")
    entries = tuple(_entry(item) for item in document.each("findings"))
    return Baseline(commit, entries, salt)


def _entry(item: Fields) -> Entry:
    digests = [item.text(key) for key in _DIGESTS]
    for key, value in zip(_DIGESTS, digests, strict=True):
        if not _DIGEST.fullmatch(value):
            raise corrupt(item.path, f"{item.where}.{key} is not a 16-digit digest")
    label = item.text("severity")
    if label not in _LABELS:
        raise corrupt(item.path, f"{item.where}.severity {label[:20]!r} is not a severity")
    identity = Identity(
        item.text("tool"), item.text("rule"), item.text("path"), item.text("scope"), *digests
    )
    return Entry(identity, item.count("line"), _LABELS[label], item.text("message"))


def entries_for(findings: Sequence[Finding], identities: Sequence[Identity]) -> list[Entry]:
    """The entries that record ``findings`` (with their identities, in the same order)."""
    return [entry_of(f, i) for f, i in zip(findings, identities, strict=True)]
