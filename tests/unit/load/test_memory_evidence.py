"""memory.json: written, read back, refused when it cannot be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.load import memory_evidence
from gates.load.memory import Exit, MemoryRecord, Sample
from gates.untrusted.safeio import Blob, read_blob

_RECORD = MemoryRecord(
    0.25,
    (Sample(1000.0, 50 * 2**20, 70 * 2**20, 3), Sample(1000.25, 51 * 2**20, 71 * 2**20, 3)),
    (Exit(1000.25, 42, False, 1000.0),),
    1,
)


def test_what_is_written_is_read_back(tmp_path: Path) -> None:
    memory_evidence.write(tmp_path / "memory.json", _RECORD)
    assert memory_evidence.read(read_blob(tmp_path / "memory.json", display="m")) == _RECORD
    assert (tmp_path / "memory.json").stat().st_mode & 0o777 == 0o644


def _edited(key: str, value: object) -> Blob:
    doc = json.loads(memory_evidence.render(_RECORD))
    doc[key] = value
    data = json.dumps(doc).encode()
    return Blob("memory.json", data, "0" * 64)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("format", "x", "is not gates-load-memory"),
        ("samples", [[1.0, 2, 3]], "is not [time, pss, rss, processes]"),
        ("samples", [[1.0, -2, 3, 1]], "not a count"),
        ("samples", [[1.0, 2.5, 3, 1]], "not a count"),
        ("samples", [["x", 2, 3, 1]], "has no time"),
        ("samples", [[1e300, 2, 3, 1]], "has no time"),
        ("exits", [{"at": 1.0, "pid": 3, "root": "no", "first_seen": 0.0}], "true or false"),
        ("unreadable", -1, "should be a count"),
    ],
)
def test_a_record_gates_cannot_trust_is_refused(key: str, value: object, words: str) -> None:
    with pytest.raises(EvidenceError) as error:
        memory_evidence.read(_edited(key, value))
    assert words in error.value.message
