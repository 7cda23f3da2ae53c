"""The baseline file: deterministic, one finding per line, and refused when it cannot be trusted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.baseline.identity import Identity
from gates.baseline.store import (
    Baseline,
    Entry,
    load_baseline,
    new_salt,
    render_baseline,
    write_baseline,
)
from gates.errors import EvidenceError
from gates.model.reports import Severity

COMMIT = "c" * 40
SALT = "5a" * 16


def _entry(path: str, rule: str, line: int, *, digest: str = "0123456789abcdef") -> Entry:
    identity = Identity("ruff", rule, path, "load", digest, digest, digest, digest)
    return Entry(identity, line, Severity.LOW, f"{rule} message")


ENTRIES = (_entry("b.py", "F401", 3), _entry("a.py", "S307", 9), _entry("a.py", "E501", 2))


def test_the_file_is_sorted_one_entry_per_line_and_the_same_for_the_same_entries() -> None:
    text = render_baseline(Baseline(COMMIT, ENTRIES, SALT)).decode()
    assert text == render_baseline(Baseline(COMMIT, ENTRIES[::-1], SALT)).decode()
    rows = [line for line in text.splitlines() if line.startswith("    {")]
    assert [json.loads(row.rstrip(","))["rule"] for row in rows] == ["E501", "S307", "F401"]
    document = json.loads(text)
    assert document["format"] == "gates-baseline"
    assert document["version"] == 1
    assert document["commit"] == COMMIT
    assert document["salt"] == SALT


def test_a_new_salt_is_random_and_32_hexadecimal_digits() -> None:
    salts = {new_salt() for _ in range(20)}
    assert len(salts) == 20
    assert all(len(salt) == 32 and int(salt, 16) >= 0 for salt in salts)


def test_written_and_read_back_it_is_the_same_baseline(tmp_path: Path) -> None:
    path = tmp_path / "gates-baseline.json"
    write_baseline(path, Baseline(COMMIT, ENTRIES, SALT))
    loaded = load_baseline(path, display="gates-baseline.json")
    assert loaded.commit == COMMIT
    assert sorted(loaded.entries) == sorted(ENTRIES)
    write_baseline(path, Baseline("", (), SALT))
    assert load_baseline(path, display="x").entries == ()


def test_a_missing_file_is_its_own_problem(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError) as caught:
        load_baseline(tmp_path / "gates-baseline.json", display="gates-baseline.json")
    assert caught.value.slug == "baseline-missing"
    assert "every finding counts as new" in caught.value.message


def _valid() -> str:
    return render_baseline(Baseline(COMMIT, ENTRIES, SALT)).decode()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "empty"),
        (_valid()[: len(_valid()) // 2], "truncated"),
        (
            _valid().replace('    {"tool"', '<<<<<<< HEAD\n    {"tool"', 1),
            "not valid JSON",
        ),
        (_valid().replace('"gates-baseline"', '"other"'), "is not a gates baseline"),
        (_valid().replace('"version": 1', '"version": 2'), "version 2"),
        (_valid().replace(f'"{COMMIT}"', '"main"'), "not a full commit SHA"),
        (_valid().replace(f'"{SALT}"', '""'), "`salt` is not 32 hexadecimal digits"),
        (_valid().replace('"text": "0123456789abcdef"', '"text": "x = eval(a)"', 1), "digest"),
        (_valid().replace('"severity": "low"', '"severity": "urgent"', 1), "not a severity"),
        (_valid().replace('"line": 2', '"line": -2', 1), "count"),
        (_valid().replace('"rule": "E501"', '"rule": 501', 1), "should be a string"),
        ('{"format": "gates-baseline", "version": 1, "commit": ""}', "missing"),
    ],
)
def test_a_file_that_cannot_be_trusted_is_corrupt(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "gates-baseline.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvidenceError) as caught:
        load_baseline(path, display="gates-baseline.json")
    assert caught.value.slug == "baseline-corrupt"
    assert said in caught.value.message
    assert caught.value.message.endswith("every finding counts as new")
    assert "gates baseline" in caught.value.hint
