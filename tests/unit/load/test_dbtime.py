"""Database time under load: the probe inside the service, its file, and the db.* gates."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from gates.catalog.metrics import Kind
from gates.errors import EvidenceError
from gates.load import dbtime
from gates.load.dbtime import DbTiming, DbWindow
from gates.load.evidence import Latency
from gates.load.histogram import Histogram
from gates.load.run import dbprobe
from gates.model.reports import ReportData
from gates.model.verdict import Status
from tests.fuzz.targets import blob
from tests.unit import _build as b
from tests.unit.kinds.test_load import gate, read, run_stage


class _Connection:
    """What the probe touches of SQLAlchemy's Connection: its ``info`` dict."""

    def __init__(self) -> None:
        self.info: dict[str, object] = {}


def test_the_probe_times_each_query_into_its_window(tmp_path: Path) -> None:
    probe = dbprobe.Probe(tmp_path / "db.json")
    conn = _Connection()
    for _ in range(3):
        probe.before(conn, None, "SELECT 1", (), None, False)
        probe.after(conn, None, "SELECT 1", (), None, False)
    probe.after(conn)  # an after without its before (a query that started before install)
    probe.write()
    timing = dbtime.read(blob((tmp_path / "db.json").read_bytes(), "db.json"))
    assert timing.source == "sqlalchemy"
    assert sum(w.queries for w in timing.series) == 3
    assert all(w.total_ns >= w.queries for w in timing.series)


def test_install_does_nothing_outside_a_load_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(dbprobe.ENV, raising=False)
    assert dbprobe.install() is None


def _timing(values_ms: list[float], windows: range) -> DbTiming:
    series = []
    for window in windows:
        values = [round(v * 1e6) for v in values_ms]
        series.append(DbWindow(window, sum(values), Histogram.of_values(values)))
    return DbTiming("sqlalchemy", 1.0, tuple(series))


def test_the_file_reads_back_and_refuses_a_histogram_that_disagrees() -> None:
    timing = _timing([1.0, 2.0, 3.0], range(100, 103))
    assert dbtime.read(blob(dbtime.render(timing), "db.json")) == timing
    doc = json.loads(dbtime.render(timing))
    doc["series"][0]["queries"] = 4
    with pytest.raises(EvidenceError, match="says 4 queries"):
        dbtime.read(blob(json.dumps(doc).encode(), "db.json"))


def test_only_the_windows_inside_the_measured_run_count() -> None:
    timing = _timing([2.0], range(100, 110))
    found = dbtime.figures(timing, start=103.0, end=106.0)
    assert found.queries == 3  # windows 103, 104, 105: each ends by 106
    assert found.mean_ms == pytest.approx(2.0)
    assert dbtime.figures(timing, start=200.0, end=210.0).mean_ms is None


def _with_db(timing: DbTiming) -> object:
    stage = run_stage("steady")
    report = b.report(
        "load", "run/db.json", "gates-load-db", Kind.LOAD, ReportData("locust", load=timing)
    )
    return dataclasses.replace(stage, reports=(*stage.reports, report))


def _measured_windows() -> range:
    latency = read("steady", "run/latency.json", "gates-load-latency").data.load
    assert isinstance(latency, Latency)
    return range(math.floor(latency.started), math.ceil(latency.ended) + 1)


def test_the_mean_is_exact_and_the_p95_has_its_interval() -> None:
    timing = _timing([1.0] * 90 + [30.0] * 10, _measured_windows())
    mean = gate(_with_db(timing), "db.mean_ms", "max = 50")  # type: ignore[arg-type]
    assert mean.status is Status.PASS
    assert mean.observed == pytest.approx(3.9, rel=1e-3)
    p95 = gate(_with_db(timing), "db.p95_ms", "max = 10")  # type: ignore[arg-type]
    assert p95.status is Status.FAIL  # one query in ten took 30 ms: the p95 is 30 ms for sure


def test_a_run_with_no_query_in_its_measured_window_is_unmeasured() -> None:
    timing = _timing([1.0], range(1, 3))  # long before the run
    result = gate(_with_db(timing), "db.mean_ms", "max = 50")  # type: ignore[arg-type]
    assert {p.slug for p in result.problems} == {"load-db-unmeasured"}
    assert result.observed is None
