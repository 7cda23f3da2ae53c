"""pytest-benchmark JSON: ``pytest --benchmark-json=FILE`` and saved runs.

``--benchmark-json`` always includes each benchmark's raw timings
(``stats.data``, seconds per round); a file saved with ``--benchmark-save``
has them only with ``--benchmark-save-data``. Without them a benchmark keeps
its summary (median, mean, rounds) and empty ``samples``.

A benchmark whose function raised is left out of the file by pytest-benchmark
(the JUnit report of the same run shows the failure). pytest-benchmark writes
no file at all when no benchmark ran (``--benchmark-disable``, xdist, nothing
collected), so the stage sees a missing report; a file with an empty
``benchmarks`` list is reported as ``no-benchmarks``.
"""

from __future__ import annotations

import re
from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Benchmark, BenchmarkRun, Problem, ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, finite_numbers
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "pytest-benchmark-json"
TOOL: Final = "pytest-benchmark"

# "5.3.1", "4.0.0.dev1", "3.2.3+local": digits, a dot, a digit, then version characters. Each
# part matches a class the one before cannot, so a failed match costs one pass (issue 10).
_VERSION: Final = re.compile(r"[0-9]+\.[0-9][0-9A-Za-z.+-]*")
_UNVERSIONED: Final = "unversioned"  # commit_info.id outside a git or hg checkout


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read one pytest-benchmark JSON report."""
    report = Fields(parse_json(blob).value, path=blob.path, where="")
    _check_version(report)
    benchmarks = [_benchmark(item) for item in report.each("benchmarks")]
    run = BenchmarkRun(
        benchmarks=benchmarks,
        commit=_commit(report),
        machine=_machine(report),
    )
    problems = [] if benchmarks else [_no_benchmarks(blob.path)]
    return ReportData(tool=TOOL, benchmarks=run, problems=problems)


def _check_version(report: Fields) -> None:
    version = report.raw("version")
    if type(version) is not str or not _VERSION.fullmatch(version):
        named = "no `version`" if version is None else f"version {shown(version)}"
        raise EvidenceError(
            f"has {named}, not a pytest-benchmark version: it is not a pytest-benchmark report",
            slug="unsupported-format",
            path=report.path,
            hint="write it with `pytest --benchmark-json=FILE` (pytest-benchmark 3.0 or later)",
        )


def _benchmark(item: Fields) -> Benchmark:
    stats = item.obj("stats")
    rounds = stats.count("rounds")
    samples = _samples(stats, rounds) if stats.has("data") else []
    return Benchmark(
        name=item.text("fullname"),
        samples=samples,
        median=stats.number("median"),
        mean=stats.number("mean"),
        rounds=rounds,
    )


def _samples(stats: Fields, rounds: int) -> list[float]:
    """``stats.data``: one finite number per round, checked without a copy."""
    where = f"{stats.where}.data"
    data = finite_numbers(stats.array("data"), path=stats.path, where=where, noun="timing")
    if len(data) != rounds:
        raise EvidenceError(
            f"`{where}` has {len(data)} timings for {rounds} rounds",
            slug="malformed-report",
            path=stats.path,
            hint="the report was edited or cut; rerun the benchmark stage",
        )
    return data


def _commit(report: Fields) -> str:
    if report.raw("commit_info") is None:
        return ""
    commit = report.obj("commit_info").opt_text("id")
    return "" if commit == _UNVERSIONED else commit


def _machine(report: Fields) -> str:
    """A short description of ``machine_info``: node, CPU, Python."""
    if report.raw("machine_info") is None:
        return ""
    info = report.obj("machine_info")
    cpu = info.raw("cpu")
    brand = cpu.get("brand_raw") if type(cpu) is dict else None
    python = " ".join(
        text
        for text in (info.opt_text("python_implementation"), info.opt_text("python_version"))
        if text
    )
    parts = (info.opt_text("node"), brand if type(brand) is str else "", python)
    return ", ".join(part for part in parts if part)


def _no_benchmarks(path: str) -> Problem:
    return Problem(
        slug="no-benchmarks",
        path=path,
        message="the report holds no benchmark: nothing was measured",
        hint="check that the benchmark tests ran and did not fail (see the stage's JUnit report)",
    )
