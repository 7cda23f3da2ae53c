"""The memory sampler on a fake /proc, and the peak, growth and problems of a record."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gates.load.evidence import Latency, Series
from gates.load.histogram import Histogram
from gates.load.memory import MIB, Exit, MemoryRecord, Sample, Sampler, figures, read_tree, tree_of
from tests.unit.load._latency import FIRST, latency


def _process(proc: Path, pid: int, ppid: int, pss_kb: int, rss_kb: int) -> None:
    folder = proc / str(pid)
    folder.mkdir(parents=True)
    (folder / "stat").write_text(f"{pid} (srv x) S {ppid} {pid} {pid} 0 -1\n", encoding="ascii")
    (folder / "smaps_rollup").write_text(
        f"00400000-7fff [rollup]\nRss:  {rss_kb} kB\nPss:  {pss_kb} kB\nShared_Clean: 0 kB\n",
        encoding="ascii",
    )


def test_the_tree_is_the_root_and_its_descendants(tmp_path: Path) -> None:
    _process(tmp_path, 10, 1, 100, 300)
    _process(tmp_path, 11, 10, 50, 250)  # a forked worker: its shared pages count in PSS once
    _process(tmp_path, 12, 11, 5, 20)
    _process(tmp_path, 20, 1, 999, 999)  # not ours
    (tmp_path / "self").mkdir()
    assert tree_of(10, tmp_path) == [10, 11, 12]
    assert read_tree(10, tmp_path) == ([10, 11, 12], 155 * 1024, 570 * 1024)
    assert tree_of(99, tmp_path) == []
    assert read_tree(99, tmp_path) is None


def test_a_process_that_cannot_be_read_is_left_out(tmp_path: Path) -> None:
    _process(tmp_path, 10, 1, 100, 300)
    _process(tmp_path, 11, 10, 50, 250)
    (tmp_path / "11" / "smaps_rollup").write_text("Rss: x kB\n", encoding="ascii")
    assert read_tree(10, tmp_path) == ([10], 100 * 1024, 300 * 1024)


def test_the_sampler_notes_exits_and_unreadable_samples(tmp_path: Path) -> None:
    now = [100.0]
    sampler = Sampler(10, proc=tmp_path, clock=lambda: now[0])
    _process(tmp_path, 10, 1, 100, 300)
    _process(tmp_path, 11, 10, 50, 250)
    sampler.sample_once()
    now[0] = 100.25
    for name in ("stat", "smaps_rollup"):
        (tmp_path / "11" / name).unlink()
    (tmp_path / "11").rmdir()
    sampler.sample_once()
    now[0] = 100.5
    for name in ("stat", "smaps_rollup"):
        (tmp_path / "10" / name).unlink()
    sampler.sample_once()
    record = sampler.stop()
    assert record.samples == (
        Sample(100.0, 150 * 1024, 550 * 1024, 2),
        Sample(100.25, 100 * 1024, 300 * 1024, 1),
    )
    assert record.exits == (Exit(100.25, 11, False, 100.0), Exit(100.5, 10, True, 100.0))
    assert record.unreadable == 1


def test_the_sampler_reads_this_process_in_its_thread() -> None:
    sampler = Sampler(os.getpid(), interval_s=0.01)
    sampler.start()
    sampler.sample_once()  # at least one sample, however slow the thread is to start
    record = sampler.stop()
    assert record.samples and all(s.pss > 0 and s.rss >= s.pss for s in record.samples)


def _run(requests_per_window: int = 1000) -> Latency:
    return latency(
        [
            Series("GET /a", FIRST + i, 0, Histogram.of_values([1_000_000] * requests_per_window))
            for i in range(6)
        ]
    )


def _record(mib_per_second: float, *, every: float = 0.25, start: float = 1000.0) -> MemoryRecord:
    samples = []
    at = start
    while at <= 1030.0:
        samples.append(Sample(at, int((200 + mib_per_second * (at - 1000)) * MIB), 300 * MIB, 3))
        at += every
    return MemoryRecord(every, tuple(samples), (), 0)


def test_a_leak_is_a_positive_slope_per_10k_requests() -> None:
    run = _run()  # 200 requests a second
    found = figures(_record(2.0), run, measured_from=1005.0, path="memory.json")
    assert found.problems == ()
    assert found.peak_mb == pytest.approx(260.0, abs=0.01) and found.peak_rss_mb == 300.0
    growth = found.growth_mb_per_10k
    assert growth is not None and growth.low is not None
    # 2 MiB/s at 200 requests/s is 100 MiB per 10,000 requests
    assert growth.estimate == pytest.approx(100.0, rel=0.02) and growth.low > 90


def test_a_steady_service_grows_by_nothing() -> None:
    found = figures(_record(0.0), _run(), measured_from=1005.0, path="m")
    assert found.growth_mb_per_10k is not None and found.growth_mb_per_10k.estimate == 0.0


def test_gaps_deaths_and_restarts_are_named() -> None:
    record = _record(0.0, every=1.5)
    exits = (Exit(1020.0, 11, False, 999.0), Exit(1021.0, 12, False, 1019.0))
    found = figures(
        MemoryRecord(1.5, record.samples, exits, 0),
        _run(),
        measured_from=1005.0,
        path="m",
    )
    assert [p.slug for p in found.problems] == ["load-memory-gaps", "load-service-restarted"]
    assert "1 of the service's processes exited" in found.problems[1].message
    died = MemoryRecord(0.25, _record(0.0).samples, (Exit(1010.0, 10, True, 999.0),), 2)
    slugs = [p.slug for p in figures(died, _run(), measured_from=1005.0, path="m").problems]
    assert slugs == ["load-memory-gaps", "load-service-died"]


def test_no_samples_no_figures() -> None:
    found = figures(MemoryRecord(0.25, (), (), 0), _run(), measured_from=1005.0, path="m")
    assert found.peak_mb is None and found.growth_mb_per_10k is None
    assert [p.slug for p in found.problems] == ["load-memory-gaps"]
