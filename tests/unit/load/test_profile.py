"""The service's profile under load: py-spy's speedscope file read back into a top-20 table."""

from __future__ import annotations

import json
from pathlib import Path

from gates.load.run.profile import summarise, top_functions
from tests.fuzz.targets import blob

ASSET = Path(__file__).resolve().parents[2] / "assets" / "py-spy" / "0.4.3" / "app.speedscope.json"


def test_the_top_functions_of_a_real_profile() -> None:
    table = top_functions(blob(ASSET.read_bytes(), "profile.speedscope.json"))
    lines = table.splitlines()
    assert lines[0].startswith("Top 20 functions by self time, of 0.75 s of samples")
    rows = [line for line in lines if line.startswith("| `")]
    assert 0 < len(rows) <= 20
    shares = [float(row.split("|")[3].strip().rstrip("%")) for row in rows]
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) <= 100.05  # self times share the samples out


def test_a_name_cannot_break_the_table() -> None:
    doc = {
        "shared": {"frames": [{"name": "a|b`c\nd", "file": "x.py", "line": 3}]},
        "profiles": [{"type": "sampled", "samples": [[0], [0], [5]], "weights": [0.01, 0.01, "x"]}],
    }
    table = top_functions(blob(json.dumps(doc).encode(), "p.json"))
    (row,) = [line for line in table.splitlines() if line.startswith("| `")]
    assert row == "| `a/b'c d` | `x.py:3` | 100.0% | 100.0% |"


def test_a_profile_that_was_not_written_is_a_note_not_a_failure(tmp_path: Path) -> None:
    summarise(tmp_path, tmp_path / "profile.speedscope.json", 1)
    assert "py-spy exited with 1" in (tmp_path / "unavailable.txt").read_text()
    (tmp_path / "cut.json").write_bytes(b'{"shared": ')
    summarise(tmp_path, tmp_path / "cut.json", 0)
    assert "cannot be read" in (tmp_path / "unavailable.txt").read_text()
