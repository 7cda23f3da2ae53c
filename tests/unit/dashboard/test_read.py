"""Reading the runs: a folder of verdicts and records, fail closed; the benchmark's generator read back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.dashboard import write_history, write_verdict
from gates.dashboard.read import current_run, read_folder
from gates.errors import EvidenceError
from tests.unit.dashboard._fixtures import record, write


def test_the_benchmarks_generator_writes_runs_the_reader_trusts(tmp_path: Path) -> None:
    write_history(tmp_path / "runs", runs=3, metrics=4, tests=5)
    write_verdict(tmp_path / "verdict.json", metrics=4, commit="a" * 40)
    past = read_folder(tmp_path / "runs", limit=10)
    assert past.problems == ()
    assert [len(run.gates) for run in past.runs] == [4, 4, 4]
    assert current_run(tmp_path / "verdict.json").commit == "a" * 40


def test_runs_are_ordered_by_date_and_the_latest_kept(tmp_path: Path) -> None:
    for number, day in ((1, "2026-11-03"), (2, "2026-11-01"), (3, "2026-11-02")):
        write(tmp_path, record(number, recorded=f"{day}T00:00:00Z"), f"r{number}.json")
    past = read_folder(tmp_path, limit=2)
    assert [run.run_id for run in past.runs] == ["run-3", "run-1"]


def test_links_and_special_files_are_named_never_followed(tmp_path: Path) -> None:
    write(tmp_path, record(1), "r1.json")
    outside = write(tmp_path.parent / "outside", record(2), "r2.json")
    (tmp_path / "link.json").symlink_to(outside)
    os.mkfifo(tmp_path / "pipe.json")
    past = read_folder(tmp_path, limit=10)
    assert [run.run_id for run in past.runs] == ["run-1"]
    assert any("link.json" in p and "link" in p for p in past.problems)
    assert any("pipe.json" in p for p in past.problems)


def test_a_missing_folder_is_trend_unknown(tmp_path: Path) -> None:
    past = read_folder(tmp_path / "none", limit=10)
    assert past.runs == ()
    assert "not a folder" in past.unknown


def test_a_missing_verdict_names_it(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError) as raised:
        current_run(tmp_path / "verdict.json")
    assert raised.value.path == str(tmp_path / "verdict.json")
