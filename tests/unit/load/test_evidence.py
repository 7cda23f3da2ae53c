"""latency.json: written, read back, refused when it cannot be trusted; the recorded runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.load import evidence
from gates.load.collector import Collector
from gates.load.crosscheck import failures_in_csv, locust_totals, totals_in_json
from gates.load.histogram import Histogram
from gates.load.percentiles import percentile_of_histogram, percentile_of_samples
from gates.load.summary import Scenario, summarise
from gates.untrusted.safeio import Blob, read_blob
from tests.unit.load._latency import latency, steady

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "locust" / "2.47.0"
RUNS = ("local", "processes", "starved")


def _blob(data: bytes, path: str = "latency.json") -> Blob:
    return Blob(path, data, "0" * 64)


def test_what_is_written_is_read_back(tmp_path: Path) -> None:
    written = latency(steady("GET /a") + steady("GET /b", ms=30.0), problems=["w2: odd"])
    target = tmp_path / "load" / "latency.json"
    evidence.write(target, written)
    assert evidence.read(read_blob(target, display="latency.json")) == written
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["latency.json"]  # no temp file left


def test_the_json_is_deterministic() -> None:
    one = evidence.render(latency(steady()))
    assert one == evidence.render(latency(steady()))
    assert json.loads(one)["series"][0]["requests"] == 200


def test_a_collector_becomes_evidence() -> None:
    collector = Collector(5.0)
    collector.expect("w1")
    made = evidence.of_collector(
        collector,
        started=1.0,
        ended=2.0,
        planned_s=None,
        target_users=None,
        mode="master",
        producer={"gates": "0"},
    )
    assert made.workers[0].final is False and made.series == () and made.mode == "master"


def _edited(change: str, to: object) -> bytes:
    doc = json.loads(evidence.render(latency(steady())))
    where, _, key = change.rpartition(".")
    target = doc
    for part in where.split(".") if where else []:
        target = target[int(part)] if part.isdigit() else target[part]
    target[key] = to
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("change", "to", "slug", "words"),
    [
        ("format", "other", "unsupported-format", "is not gates-load-latency"),
        ("version", 2, "unsupported-format", "version 1"),
        ("histogram.significant", 2, "unsupported-format", "records histograms"),
        ("mode", "worker", "malformed-report", "`mode`"),
        ("window_s", 0, "malformed-report", "`window_s`"),
        ("series.0.requests", 201, "malformed-report", "its histogram holds 200"),
        ("series.0.errors", 201, "malformed-report", "201 errors"),
        ("series.0.histogram", "xyz", "malformed-report", "cannot be read"),
        ("workers.0.final", "yes", "malformed-report", "true or false"),
        ("load.0.busy", "high", "malformed-report", "should be a number"),
        ("started", None, "malformed-report", "should be a number"),
    ],
)
def test_evidence_gates_cannot_trust_is_refused(
    change: str, to: object, slug: str, words: str
) -> None:
    with pytest.raises(EvidenceError) as error:
        evidence.read(_blob(_edited(change, to)))
    assert error.value.slug == slug
    assert words in error.value.message


@pytest.mark.parametrize("run", RUNS)
def test_a_recorded_run_counts_what_locust_counted(run: str) -> None:
    read = evidence.read(read_blob(ASSETS / f"{run}.latency.json", display=run))
    requests, failures = totals_in_json(read_blob(ASSETS / f"{run}.locust.json", display=run))
    assert sum(s.requests for s in read.series) == requests
    assert sum(s.errors for s in read.series) == failures
    assert sum(w.requests for w in read.workers) == requests
    assert all(w.final for w in read.workers)
    in_csv = failures_in_csv(read_blob(ASSETS / f"{run}_failures.csv", display=run))
    assert in_csv <= failures  # the CSV is written every few seconds: it may lag
    assert locust_totals(None, None).requests is None


@pytest.mark.parametrize("run", RUNS)
def test_a_recorded_run_s_percentiles_bracket_the_raw_latencies(run: str) -> None:
    read = evidence.read(read_blob(ASSETS / f"{run}.latency.json", display=run))
    raw: dict[str, list[float]] = {}
    for line in (ASSETS / f"{run}.raw.tsv").read_text(encoding="utf-8").splitlines():
        endpoint, _, ms = line.partition("\t")
        raw.setdefault(endpoint, []).append(float(ms))
    assert sorted(raw) == sorted({s.endpoint for s in read.series})
    for endpoint, samples in raw.items():
        histogram = Histogram.merged(s.histogram for s in read.series if s.endpoint == endpoint)
        assert histogram.total == len(samples)
        for q in (0.5, 0.95, 0.99):
            exact, read_q = percentile_of_samples(samples, q), percentile_of_histogram(histogram, q)
            assert exact.value is not None and read_q.value is not None
            assert exact.value - 1e-6 <= read_q.value <= exact.value * (1 + 1 / 1024) + 1e-6
            if exact.high is not None and read_q.high is not None:
                assert exact.high - 1e-6 <= read_q.high <= exact.high * (1 + 1 / 1024) + 1e-6


def test_locust_s_reports_that_are_not_its_reports_are_refused() -> None:
    with pytest.raises(EvidenceError, match="list of endpoints"):
        totals_in_json(_blob(b"{}"))
    with pytest.raises(EvidenceError, match="no Occurrences"):
        failures_in_csv(_blob(b"a,b\n"))
    with pytest.raises(EvidenceError, match="line 2"):
        failures_in_csv(_blob(b"Method,Occurrences\nGET,-1\n"))
    totals = locust_totals(_blob(b"[]"), _blob(b"Method,Occurrences\nGET,3\n"))
    assert (totals.requests, totals.failures) == (0, 3)


def _summary_of(run: str) -> list[str]:
    read = evidence.read(read_blob(ASSETS / f"{run}.latency.json", display=run))
    locust = locust_totals(
        read_blob(ASSETS / f"{run}.locust.json", display=run),
        read_blob(ASSETS / f"{run}_failures.csv", display=run),
    )
    summary = summarise(read, Scenario(warmup_s=1.0), path=run, locust=locust)
    return [problem.slug for problem in summary.problems]


def test_the_starved_generator_is_inconclusive_and_locust_said_nothing() -> None:
    assert _summary_of("starved") == ["load-generator-saturated"]
    assert "cpu" not in (ASSETS / "stderr.txt").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("run", ["local", "processes"])
def test_the_recorded_runs_that_kept_up_are_trusted(run: str) -> None:
    assert _summary_of(run) == []
