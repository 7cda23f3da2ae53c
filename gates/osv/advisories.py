"""A local folder of OSV advisories, read as untrusted input (https://ossf.github.io/osv-schema/).

Every ``*.json`` file under the folder (at any depth) must be one OSV
advisory: an object with ``id``, ``modified`` (RFC 3339, UTC) and, for what
gates reads, ``affected[].package.{ecosystem, name}``, ``affected[].ranges[]``
(``type`` ``ECOSYSTEM`` or ``SEMVER``; ``GIT`` ranges name commits, not
versions, and are ignored), ``affected[].versions[]``, ``aliases``,
``summary``, ``withdrawn`` and ``database_specific.severity``. Only the
``PyPI`` ecosystem's entries are kept. Other files (a README) are not read.

Nothing here guesses: a file that is not JSON, not an OSV object, has a range
event version :mod:`packaging` cannot read, or a ``modified`` time in the
future is an :class:`AdvisoryError` that names the file; the audit reports it
and the verdict blocks (fail closed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from gates.errors import EvidenceError
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import parse_json, read_blob

__all__ = [
    "Advisory",
    "AdvisoryError",
    "Affected",
    "Folder",
    "Range",
    "fingerprint",
    "parse_advisory",
    "read_folder",
]

ECOSYSTEM: Final = "PyPI"
_MAX_FILE: Final = 8 * 1024 * 1024  # the largest real PyPI advisories are a few hundred KiB
_MAX_FILES: Final = 200_000  # the whole PyPI database is about 17,000
_EVENTS: Final = frozenset({"introduced", "fixed", "last_affected", "limit"})
_SKEW: Final = timedelta(days=1)  # clocks differ; a "modified" further ahead is a lie
# GitHub's advisory severities (database_specific.severity), as gates' scale's names
SEVERITIES: Final = {
    "CRITICAL": "critical",
    "HIGH": "high",
    "MODERATE": "medium",
    "MEDIUM": "medium",
    "LOW": "low",
}


class AdvisoryError(ValueError):
    """One advisory file gates cannot read: the file, and why."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Range:
    """One ``ECOSYSTEM`` or ``SEMVER`` range: its events, in the order the file gives them."""

    events: tuple[tuple[str, str], ...]  # ("introduced", "0"), ("fixed", "2.3.1"), …


@dataclass(frozen=True, slots=True)
class Affected:
    """One PyPI package an advisory affects: its ranges and its listed versions."""

    name: str  # PEP 503 normalised
    ranges: tuple[Range, ...]
    versions: frozenset[str]  # as listed; compared after normalising (packaging.version)


@dataclass(frozen=True, slots=True)
class Advisory:
    """One OSV advisory: what gates needs to match and report it."""

    id: str
    modified: datetime
    aliases: tuple[str, ...]
    summary: str
    severity: str  # gates' scale: critical, high, medium, low ("high" when the file gives none)
    affected: tuple[Affected, ...]
    withdrawn: bool


@dataclass(frozen=True, slots=True)
class Folder:
    """What a folder of advisories held: the advisories read and the files that could not be."""

    advisories: tuple[Advisory, ...]
    errors: tuple[AdvisoryError, ...]

    @property
    def newest(self) -> datetime | None:
        """The newest ``modified`` time: how fresh the folder's copy of the database is."""
        return max((a.modified for a in self.advisories), default=None)


def read_folder(folder: Path, *, now: datetime) -> Folder:
    """Every advisory under ``folder``; a missing folder is one error, never an empty result."""
    if not folder.is_dir():
        why = "is not a folder" if folder.exists() else "does not exist"
        return Folder((), (AdvisoryError(str(folder), why),))
    # every *.json but a folder: a device, a pipe or a broken link is an error, never skipped
    files = sorted(path for path in folder.rglob("*.json") if not path.is_dir())
    if len(files) > _MAX_FILES:
        reason = f"holds {len(files)} advisory files, more than {_MAX_FILES}"
        return Folder((), (AdvisoryError(str(folder), reason),))
    advisories: list[Advisory] = []
    errors: list[AdvisoryError] = []
    for path in files:
        try:
            advisories.append(_read_file(path, now=now))
        except AdvisoryError as error:
            errors.append(error)
    return Folder(tuple(advisories), tuple(errors))


def fingerprint(folder: Path, *, today: str) -> str:
    """What a rerun of the audit depends on in ``folder``, as a digest: each advisory file's
    name, size and modification time, and ``today`` (so that the folder's age is judged
    again each day, never only on the day the stage last ran)."""
    digest = hashlib.sha256(f"{folder.resolve()}\n{today}\n".encode())
    if folder.is_dir():
        for path in sorted(folder.rglob("*.json")):
            info = path.lstat()  # a broken link too: the audit reports it, this must not fail
            digest.update(
                f"{path.relative_to(folder)} {info.st_size} {info.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def _read_file(path: Path, *, now: datetime) -> Advisory:
    try:
        blob = read_blob(path, display=str(path), max_bytes=_MAX_FILE)
        return parse_advisory(Fields(parse_json(blob).value, path=str(path), where=""), now=now)
    except EvidenceError as error:
        reason = error.message.removeprefix(f"{path}: ")
        raise AdvisoryError(str(path), reason) from None


def parse_advisory(doc: Fields, *, now: datetime) -> Advisory:
    """One OSV advisory object; an :class:`AdvisoryError` when it is not one gates can use."""
    ident = doc.text("id")
    modified = _timestamp(doc, "modified")
    if modified > now + _SKEW:
        raise AdvisoryError(doc.path, f"its modified time {doc.text('modified')} is in the future")
    database = doc.raw("database_specific", default={})
    level = database.get("severity") if isinstance(database, dict) else None
    entries = doc.each("affected") if doc.has("affected") else iter(())
    affected = tuple(_affected(item) for item in entries if _is_pypi(item))
    return Advisory(
        id=ident,
        modified=modified,
        aliases=tuple(sorted(_strings(doc, "aliases"))),
        summary=" ".join(doc.opt_text("summary").split())[:300],
        severity=SEVERITIES.get(level.upper(), "high") if isinstance(level, str) else "high",
        affected=affected,
        withdrawn=doc.has("withdrawn") and doc.raw("withdrawn") is not None,
    )


def _is_pypi(item: Fields) -> bool:
    return item.has("package") and item.obj("package").text("ecosystem") == ECOSYSTEM


def _affected(item: Fields) -> Affected:
    name = item.obj("package").text("name")
    ranges = (
        tuple(
            _range(entry)
            for entry in item.each("ranges")
            if entry.text("type") in {"ECOSYSTEM", "SEMVER"}
        )
        if item.has("ranges")
        else ()
    )
    versions = frozenset(_strings(item, "versions"))
    if not ranges and not versions:  # only GIT ranges: commits, which no installed version names
        raise AdvisoryError(
            item.path, f"{item.where} affects {name[:60]} with no version range and no versions"
        )
    return Affected(canonicalize_name(name), ranges, versions)


def _range(entry: Fields) -> Range:
    events: list[tuple[str, str]] = []
    for event in entry.each("events"):
        pairs = list(event.items())
        kind = pairs[0][0] if len(pairs) == 1 else ""
        if kind not in _EVENTS:
            raise AdvisoryError(entry.path, f"{event.where} is not one OSV range event")
        value = event.text(kind)
        if not (kind == "introduced" and value == "0"):
            _version(entry.path, f"{event.where}.{kind}", value)
        events.append((kind, value))
    if not any(kind == "introduced" for kind, _ in events):
        raise AdvisoryError(entry.path, f"{entry.where} has no introduced event")
    return Range(tuple(events))


def _version(path: str, where: str, value: str) -> Version:
    try:
        return Version(value)
    except InvalidVersion:
        raise AdvisoryError(path, f"{where} is not a Python version ({value[:60]!r})") from None


def _strings(doc: Fields, key: str) -> list[str]:
    values = doc.array(key, default=[])
    if not all(isinstance(value, str) for value in values):
        raise AdvisoryError(
            doc.path, f"{doc.where or 'the advisory'}.{key} is not a list of strings"
        )
    return [str(value) for value in values]


def _timestamp(doc: Fields, key: str) -> datetime:
    text = doc.text(key)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AdvisoryError(doc.path, f"{key} is not an RFC 3339 time ({text[:40]!r})") from None
    if moment.tzinfo is None:
        raise AdvisoryError(doc.path, f"{key} has no time zone ({text[:40]!r})")
    return moment.astimezone(UTC)
