"""Large, realistic test and coverage reports, generated (never stored).

``big_coverage_json`` is shaped like coverage.py 7.17's ``coverage json``
(meta.format 3, branch arcs, per-file summaries and, by default, the
``functions``/``classes`` regions); ``big_junit_xml`` like pytest 9's
``--junitxml`` (xunit2: 2 % failures, 3 % skips, the rest passing).
Both are deterministic, so timings compare across runs.

Run ``python -m benchmarks.gen_test_coverage`` to time the readers against a
bare parse of the same bytes (5 interleaved rounds).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

if TYPE_CHECKING:
    from gates.readers.interface import Reader

__all__ = ["big_coverage_json", "big_junit_xml", "main"]


def big_coverage_json(files: int, lines: int, *, regions: bool = True) -> bytes:
    """A coverage.py JSON report of ``files`` files of about ``lines`` statements."""
    measured = {
        f"pkg/module_{index:05d}.py": _coverage_file(index, lines, regions=regions)
        for index in range(files)
    }
    statements = sum(item["summary"]["num_statements"] for item in measured.values())
    covered = sum(item["summary"]["covered_lines"] for item in measured.values())
    report = {
        "meta": {
            "format": 3,
            "version": "7.17.4",
            "timestamp": "2026-01-01T00:00:00",
            "branch_coverage": True,
            "show_contexts": False,
        },
        "files": measured,
        "totals": _summary(covered, statements, 0),
    }
    return json.dumps(report).encode()


def _coverage_file(index: int, lines: int, *, regions: bool) -> dict[str, Any]:
    statements = range(1, lines + 1)
    missing = [line for line in statements if (line + index) % 4 == 0]
    executed = [line for line in statements if (line + index) % 4 != 0]
    branches = [line for line in statements if line % 10 == 5 and line + 2 <= lines]
    taken = [[line, line + 1] for line in branches]
    not_taken = [[line, line + 2] for line in branches if line % 20 == 5]
    body: dict[str, Any] = {
        "executed_lines": executed,
        "summary": _summary(len(executed), lines, 2 * len(branches)),
        "missing_lines": missing,
        "excluded_lines": [],
        "executed_branches": taken,
        "missing_branches": not_taken,
    }
    if regions:
        region = {**body, "start_line": 1}
        body["functions"] = {"": region}
        body["classes"] = {"": region}
    return body


def _summary(covered: int, statements: int, branches: int) -> dict[str, Any]:
    percent = 100.0 * covered / statements if statements else 100.0
    return {
        "covered_lines": covered,
        "num_statements": statements,
        "percent_covered": percent,
        "percent_covered_display": f"{percent:.0f}",
        "missing_lines": statements - covered,
        "excluded_lines": 0,
        "percent_statements_covered": percent,
        "percent_statements_covered_display": f"{percent:.0f}",
        "num_branches": branches,
        "num_partial_branches": 0,
        "covered_branches": branches,
        "missing_branches": 0,
        "percent_branches_covered": 100.0,
        "percent_branches_covered_display": "100",
    }


def big_junit_xml(cases: int) -> bytes:
    """A pytest JUnit XML report (xunit2) of ``cases`` test cases in modules of 50."""
    failures = sum(1 for index in range(cases) if index % 50 == 7)
    skipped = sum(1 for index in range(cases) if index % 100 in (3, 4, 5))
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">',
        (
            f'<testsuite name="pytest" errors="0" failures="{failures}" skipped="{skipped}" '
            f'tests="{cases}" time="12.345" timestamp="2026-01-01T00:00:00" hostname="ci">'
        ),
    ]
    parts.extend(_testcase(index) for index in range(cases))
    parts.append("</testsuite></testsuites>")
    return "".join(parts).encode()


def _testcase(index: int) -> str:
    module = f"tests.unit.pkg_{index // 1000:03d}.test_module_{index // 50:05d}"
    classname = f"{module}.TestGroup" if index % 3 == 0 else module
    opening = (
        f"<testcase classname={quoteattr(classname)} "
        f'name="test_case_{index}[param-{index % 7}]" time="0.{index % 1000:03d}"'
    )
    if index % 50 == 7:
        message = f"AssertionError: assert {index} == {index + 1}"
        text = (
            f"def test_case_{index}():\n&gt;       assert {index} == {index + 1}\nE       {message}"
        )
        return f"{opening}><failure message={quoteattr(message)}>{text}</failure></testcase>"
    if index % 100 in (3, 4, 5):
        return f'{opening}><skipped type="pytest.skip" message="needs a GPU">x.py:1: needs a GPU</skipped></testcase>'
    return f"{opening} />"


# ---------------------------------------------------------------- timing


def _pair(label: str, data: bytes, bare: Callable[[bytes], object], reader: Reader) -> None:
    from benchmarks._timing import Task, interleave, table  # noqa: PLC0415 - timing only
    from gates.readers.interface import ReadContext  # noqa: PLC0415
    from gates.untrusted.safeio import Blob  # noqa: PLC0415

    blob, context = Blob("big", data, ""), ReadContext("/repo")
    tasks = (
        Task("bare parse", lambda: bare(data)),
        Task("reader", lambda: reader.read(blob, context)),
    )
    series = interleave(tasks, rounds=5)
    print(table(series, {"reader": "bare parse"}, title=f"{label}, {len(data) / 1e6:.1f} MB"))
    print()


def main() -> None:
    """Print reader time against bare parse time for the large reports (5 interleaved rounds)."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415 - the bare baseline, trusted input

    from gates.readers.coverage import coverage_json  # noqa: PLC0415
    from gates.readers.testruns import junit  # noqa: PLC0415

    _pair(
        "coverage json 5,000 files x 200 lines",
        big_coverage_json(5000, 200),
        json.loads,
        coverage_json,
    )
    lean = big_coverage_json(5000, 200, regions=False)
    _pair("the same without regions", lean, json.loads, coverage_json)
    _pair("junit xml 50,000 cases (bare: xml.etree)", big_junit_xml(50_000), ET.fromstring, junit)


if __name__ == "__main__":
    main()
