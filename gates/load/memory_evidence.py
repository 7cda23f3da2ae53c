"""``memory.json``: the memory sampler's record, written by the load stage and read back.

Format ``gates-load-memory``, version 1::

    {"format": "gates-load-memory", "version": 1, "interval_s": 0.25, "unreadable": 0,
     "samples": [[1767225600.25, 52428800, 73400320, 3], ...],
     "exits": [{"at": 1767225612.5, "pid": 4242, "root": false, "first_seen": 1767225600.25}]}

A sample is ``[epoch seconds, PSS bytes, RSS bytes, processes read]`` of the service's
whole process tree (:mod:`gates.load.memory`); an exit is a process of the tree found
gone, ``root`` when it was the service itself. ``unreadable`` counts the samples lost
because the tree could not be read at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.load.evidence import load_document
from gates.load.memory import Exit, MemoryRecord, Sample
from gates.system.atomic import atomic_write
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob
from gates.untrusted.safetext import MAX_INT

__all__ = ["FORMAT", "VERSION", "read", "render", "write"]

FORMAT: Final = "gates-load-memory"
VERSION: Final = 1


def render(record: MemoryRecord) -> bytes:
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "interval_s": record.interval_s,
        "unreadable": record.unreadable,
        "samples": [[s.at, s.pss, s.rss, s.processes] for s in record.samples],
        "exits": [
            {"at": e.at, "pid": e.pid, "root": e.root, "first_seen": e.first_seen}
            for e in record.exits
        ],
    }
    return (json.dumps(doc, allow_nan=False, separators=(",", ":")) + "\n").encode()


def write(path: Path, record: MemoryRecord) -> None:
    """Write atomically, readable as any report."""
    atomic_write(path, render(record))


def read(blob: Blob) -> MemoryRecord:
    doc = load_document(blob, FORMAT, VERSION, writer="the load stage of this gates version")
    samples = tuple(
        _sample(row, blob.path, f"samples[{index}]")
        for index, row in enumerate(doc.array("samples"))
    )
    exits = tuple(
        Exit(item.number("at"), item.count("pid"), _flag(item, "root"), item.number("first_seen"))
        for item in doc.each("exits")
    )
    return MemoryRecord(doc.number("interval_s"), samples, exits, doc.count("unreadable"))


def _sample(row: object, path: str, where: str) -> Sample:
    if not isinstance(row, list) or len(row) != 4:
        raise _malformed(path, f"`{where}` is not [time, pss, rss, processes]")
    at, pss, rss, processes = row
    counts = (pss, rss, processes)
    if not all(type(value) is int and 0 <= value <= MAX_INT for value in counts):
        raise _malformed(path, f"`{where}` holds a size or count that is not a count")
    if isinstance(at, bool) or not isinstance(at, int | float) or not abs(at) <= 1e12:  # NaN too
        raise _malformed(path, f"`{where}` has no time")
    return Sample(float(at), pss, rss, processes)


def _flag(item: Fields, key: str) -> bool:
    value = item.raw(key)
    if not isinstance(value, bool):
        raise _malformed(item.path, f"`{item.where}.{key}` is not true or false")
    return value


def _malformed(path: str, message: str) -> EvidenceError:
    return EvidenceError(
        message,
        slug="malformed-report",
        path=path,
        hint="the report was edited or cut; rerun the load stage",
    )
