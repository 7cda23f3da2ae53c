"""The pytest-benchmark reader, on reports pytest-benchmark 5.3.1 wrote."""

from __future__ import annotations

import copy
import json
import statistics
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gates.errors import EvidenceError
from gates.model.reports import BenchmarkRun, ReportData
from gates.readers.benchmarks import pytest_benchmark
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, parse_xml

ASSETS = Path(__file__).parents[3] / "assets" / "pytest-benchmark" / "5.3.1"
COMMIT = "3e4d0ccba8c26b8429532e40315d4e7ef7e14630"
MACHINE = "vm, Intel(R) Xeon(R) Processor, CPython 3.11.7"
THREE = ["bench_three.py::test_fib", "bench_three.py::test_sort", "bench_three.py::test_join"]
CONTEXT = ReadContext("/repo")

Json = dict[str, object]


def _read_bytes(data: bytes, name: str = "bench.json") -> ReportData:
    return pytest_benchmark.read(Blob(name, data, ""), CONTEXT)


def _read_asset(name: str) -> BenchmarkRun:
    data = _read_bytes((ASSETS / name).read_bytes(), name)
    assert data.tool == "pytest-benchmark"
    assert data.problems == []
    assert data.benchmarks is not None
    return data.benchmarks


def _report() -> Json:
    """A fresh copy of a real report, for the derived cases."""
    return copy.deepcopy(_THREE)


_THREE: Json = json.loads((ASSETS / "three.json").read_bytes())


def _stats(report: Json, index: int = 0) -> Json:
    benchmarks = report["benchmarks"]
    assert isinstance(benchmarks, list)
    stats = benchmarks[index]["stats"]
    assert isinstance(stats, dict)
    return stats


def _error(report: Json, *, replace: tuple[str, str] = ("", "")) -> EvidenceError:
    text = json.dumps(report).replace(*replace) if replace[0] else json.dumps(report)
    with pytest.raises(EvidenceError) as caught:
        _read_bytes(text.encode())
    assert caught.value.path == "bench.json"
    return caught.value


# ---------------------------------------------------------------- real reports


def test_benchmark_json_has_every_round() -> None:
    run = _read_asset("three.json")
    assert [b.name for b in run.benchmarks] == THREE
    assert (run.commit, run.machine) == (COMMIT, MACHINE)
    raw = _THREE["benchmarks"]
    assert isinstance(raw, list)
    for benchmark, item in zip(run.benchmarks, raw, strict=True):
        assert list(benchmark.samples) == item["stats"]["data"]
        assert benchmark.rounds == len(benchmark.samples) == 20
        assert benchmark.median == statistics.median(benchmark.samples)
        assert benchmark.mean == pytest.approx(statistics.fmean(benchmark.samples))


def test_saved_run_with_save_data_has_every_round() -> None:
    run = _read_asset("saved-with-data.json")
    assert [b.name for b in run.benchmarks] == THREE
    assert all(len(b.samples) == b.rounds == 20 for b in run.benchmarks)


def test_saved_run_without_save_data_keeps_the_summary() -> None:
    run = _read_asset("saved-without-data.json")
    assert [b.name for b in run.benchmarks] == THREE
    assert all(b.samples == [] and b.rounds == 20 for b in run.benchmarks)
    assert all(0 < b.median < 1 and 0 < b.mean < 1 for b in run.benchmarks)


def test_outside_a_checkout_the_commit_is_unknown() -> None:
    run = _read_asset("unversioned.json")
    assert (run.commit, run.machine) == ("", MACHINE)


def test_a_benchmark_that_raised_is_left_out_and_the_junit_shows_it() -> None:
    run = _read_asset("one-fails.json")
    assert [b.name for b in run.benchmarks] == [
        "bench_failing.py::test_ok",
        "bench_failing.py::test_assert_after",  # measured, then its assertion failed
    ]
    junit = parse_xml(Blob("junit", (ASSETS / "one-fails.junit.xml").read_bytes(), ""))
    failed = {
        case.get("name") for case in junit.iter("testcase") if case.find("failure") is not None
    }
    assert failed == {"test_raises", "test_assert_after"}


def test_truncated_report() -> None:
    with pytest.raises(EvidenceError) as caught:
        _read_bytes((ASSETS / "derived-truncated.json").read_bytes())
    assert caught.value.slug == "invalid-json"


# ---------------------------------------------------------------- derived reports


def test_no_benchmarks_is_a_problem() -> None:
    report = _report()
    report["benchmarks"] = []
    data = _read_bytes(json.dumps(report).encode())
    assert data.benchmarks is not None
    assert data.benchmarks.benchmarks == []
    assert [problem.slug for problem in data.problems] == ["no-benchmarks"]


@pytest.mark.parametrize("version", ["3.4.1", "4.0.0", "5.1.0", "5.2.0.dev1", "6.0.0rc1", "5.3"])
def test_versions_that_parse(version: str) -> None:
    report = _report()
    report["version"] = version
    assert len(_read_bytes(json.dumps(report).encode()).findings) == 0


@pytest.mark.parametrize("version", [None, "", "five", "5", 5.3, "v5.3.1", "5.3.1 final"])
def test_versions_that_do_not_parse(version: object) -> None:
    report = _report()
    if version is None:
        del report["version"]
    else:
        report["version"] = version
    error = _error(report)
    assert error.slug == "unsupported-format"
    assert "not a pytest-benchmark version" in error.message


@pytest.mark.parametrize("key", ["median", "mean"])
def test_non_finite_statistics(key: str) -> None:
    report = _report()
    _stats(report, 1)[key] = "__HUGE__"
    error = _error(report, replace=('"__HUGE__"', "1e999"))  # parses as inf
    assert error.slug == "non-finite"
    assert f"`benchmarks[1].stats.{key}` is not a finite number (inf)" in error.message


def test_nan_is_refused_while_parsing() -> None:
    report = _report()
    _stats(report)["median"] = "__NAN__"
    error = _error(report, replace=('"__NAN__"', "NaN"))
    assert error.slug == "non-finite"  # the NaN token itself, refused while parsing
    assert "NaN" in error.message


def test_non_finite_timing() -> None:
    report = _report()
    data = _stats(report, 2)["data"]
    assert isinstance(data, list)
    data[5] = "__HUGE__"
    error = _error(report, replace=('"__HUGE__"', "-1e999"))
    assert error.slug == "non-finite"
    assert "`benchmarks[2].stats.data` holds a timing that is not a finite number" in error.message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rounds": 19}, "`benchmarks[0].stats.data` has 20 timings for 19 rounds"),
        ({"rounds": True}, "`benchmarks[0].stats.rounds` should be an integer, found bool"),
        ({"rounds": None}, "`benchmarks[0].stats.rounds` should be an integer, found null"),
        ({"median": "0.1"}, "`benchmarks[0].stats.median` should be a number, found str"),
        ({"mean": False}, "`benchmarks[0].stats.mean` should be a number, found bool"),
        ({"data": {"0": 1.0}}, "`benchmarks[0].stats.data` should be a list, found dict"),
        ({"data": [True] * 20}, "`benchmarks[0].stats.data` should be a list of numbers"),
        ({"data": ["1.0"] * 20}, "`benchmarks[0].stats.data` should be a list of numbers"),
    ],
)
def test_malformed_statistics(change: Json, message: str) -> None:
    report = _report()
    _stats(report).update(change)
    error = _error(report)
    assert error.slug == "malformed-report"
    assert message in error.message


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("benchmarks", 0, "stats", "median"), "`benchmarks[0].stats.median` is missing"),
        (("benchmarks", 0, "stats", "rounds"), "`benchmarks[0].stats.rounds` is missing"),
        (("benchmarks", 2, "stats"), "`benchmarks[2].stats` is missing"),
        (("benchmarks", 1, "fullname"), "`benchmarks[1].fullname` is missing"),
        (("benchmarks",), "`benchmarks` is missing"),
    ],
)
def test_missing_keys(path: tuple[str | int, ...], message: str) -> None:
    report = _report()
    parent: object = report
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    del parent[path[-1]]  # type: ignore[attr-defined]
    error = _error(report)
    assert error.slug == "malformed-report"
    assert message in error.message


def test_integer_timings_are_numbers() -> None:
    report = _report()
    stats = _stats(report)
    stats["data"] = [1] * 20
    [benchmark, *_] = _read_bytes(json.dumps(report).encode()).benchmarks.benchmarks  # type: ignore[union-attr]
    assert list(benchmark.samples) == [1] * 20


@pytest.mark.parametrize(
    ("commit_info", "commit"),
    [(None, ""), ({"id": None}, ""), ({"id": "unversioned"}, ""), ({"id": "abc123"}, "abc123")],
)
def test_commit(commit_info: Json | None, commit: str) -> None:
    report = _report()
    if commit_info is None:
        del report["commit_info"]
    else:
        report["commit_info"] = commit_info
    run = _read_bytes(json.dumps(report).encode()).benchmarks
    assert run is not None
    assert run.commit == commit


@pytest.mark.parametrize(
    ("machine_info", "machine"),
    [
        (None, ""),
        ({}, ""),
        ({"node": "ci-7", "cpu": "x"}, "ci-7"),
        ({"cpu": {"brand_raw": "Apple M2"}, "python_implementation": "PyPy"}, "Apple M2, PyPy"),
    ],
)
def test_machine(machine_info: Json | None, machine: str) -> None:
    report = _report()
    if machine_info is None:
        del report["machine_info"]
    else:
        report["machine_info"] = machine_info
    run = _read_bytes(json.dumps(report).encode()).benchmarks
    assert run is not None
    assert run.machine == machine


def test_commit_id_of_the_wrong_type() -> None:
    report = _report()
    report["commit_info"] = {"id": 12}
    error = _error(report)
    assert "`commit_info.id` should be a string, found int" in error.message


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
_KEYS = [
    ("version",),
    ("benchmarks",),
    ("benchmarks", 0),
    ("benchmarks", 0, "fullname"),
    ("benchmarks", 0, "stats"),
    ("benchmarks", 0, "stats", "median"),
    ("benchmarks", 0, "stats", "mean"),
    ("benchmarks", 0, "stats", "rounds"),
    ("benchmarks", 0, "stats", "data"),
    ("benchmarks", 0, "stats", "data", 3),
    ("commit_info",),
    ("commit_info", "id"),
    ("machine_info",),
    ("machine_info", "cpu"),
    ("machine_info", "node"),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_KEYS), _JSON)
def test_any_value_anywhere_is_read_or_refused_never_a_crash(
    path: tuple[str | int, ...], value: object
) -> None:
    report = _report()
    parent: object = report
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    parent[path[-1]] = value  # type: ignore[index]
    try:
        data = _read_bytes(json.dumps(report).encode())
    except EvidenceError as error:
        assert error.slug in {
            "malformed-report",
            "unsupported-format",
            "non-finite",
            "invalid-json",
        }
    else:
        assert data.benchmarks is not None
        json.dumps(data.benchmarks)  # plain values that outputs can render
