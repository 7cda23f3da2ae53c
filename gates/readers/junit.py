"""pytest's JUnit XML (``pytest --junitxml``), ``junit_family`` xunit1 or xunit2.

The root is ``<testsuites>`` (pytest) or ``<testsuite>`` (mypy
``--junit-xml`` and other producers); every ``<testcase>`` below it is read.
A case's outcome is its worst child: ``<failure>`` (FAILED) over ``<error>``
(ERROR: setup and teardown errors, collection errors) over ``<skipped>``
(SKIPPED, which includes pytest's xfail, ``type="pytest.xfail"``); no such
child is PASSED, which includes a non-strict XPASS. A strict XPASS is a
``<failure>`` "[XPASS(strict)] ...".

pytest writes a test whose teardown also failed as two ``<testcase>`` elements
with the same name; cases with the same id are merged into one, keeping the
worst outcome, so ``Count.TESTS_RUN`` counts tests, not elements.

The id is ``classname::name`` (just ``name`` for collection errors, whose
classname is empty). The path is the ``file`` attribute (xunit1) or, with
xunit2, the module named by the classname: its components up to the first one
starting with an upper-case letter (a test class). ``line`` (xunit1) is
0-based in pytest's report and 1-based here; 0 when absent.

Completeness: ``Count.TESTS_RUN`` (not skipped) and ``Count.TESTS_SKIPPED``;
zero cases is the problem ``no-tests`` (pytest exit 5 writes an empty
``<testsuite>``), all skipped is ``all-skipped``. A leaf ``<testsuite>``
holding fewer cases than its ``tests`` attribute declares is truncated or
edited (``malformed-report``).
"""

from __future__ import annotations

import math
from typing import Final
from xml.etree.ElementTree import Element

from gates.errors import EvidenceError
from gates.model import Count, Outcome, Problem, ReportData, TestCase
from gates.readers.interface import ReadContext
from gates.safeio import Blob, parse_xml

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "junit-xml"
TOOL: Final = "pytest"

_PASSED: Final = (0, Outcome.PASSED)
_CHILDREN: Final = {  # tag -> (rank, outcome); the highest rank wins
    "skipped": (1, Outcome.SKIPPED),
    "error": (2, Outcome.ERROR),
    "failure": (3, Outcome.FAILED),
}
_RANKS: Final = {outcome: rank for rank, outcome in (_PASSED, *_CHILDREN.values())}
_REGENERATE: Final = "rerun the stage that runs the tests (e.g. `nox -s unit`)"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The test cases of one JUnit report, and how many ran and were skipped."""
    root = parse_xml(blob)
    if root.tag not in ("testsuites", "testsuite"):
        raise _malformed(
            blob.path, f"the root element is <{root.tag}>, not <testsuites> or <testsuite>"
        )
    cases = _cases(root, blob.path, _Paths(context))
    _check_declared(root, blob.path)
    skipped = sum(1 for case in cases if case.outcome is Outcome.SKIPPED)
    run = len(cases) - skipped
    return ReportData(
        tool=TOOL,
        tests=cases,
        counts={Count.TESTS_RUN: run, Count.TESTS_SKIPPED: skipped},
        problems=_problems(blob.path, run, skipped),
    )


def _cases(root: Element, path: str, paths: _Paths) -> list[TestCase]:
    cases = [_case(element, path, paths) for element in root.iter("testcase")]
    if len({case.id for case in cases}) == len(cases):
        return cases
    merged: dict[str, TestCase] = {}
    for case in cases:
        seen = merged.get(case.id)
        merged[case.id] = case if seen is None else _merge(seen, case)
    return list(merged.values())


def _case(element: Element, path: str, paths: _Paths) -> TestCase:
    attrib = element.attrib
    name = attrib.get("name")
    if name is None:
        raise _malformed(path, "a <testcase> has no `name`")
    classname = attrib.get("classname", "")
    rank, outcome = _PASSED
    message = ""
    for child in element:
        found = _CHILDREN.get(child.tag)
        if found is not None and found[0] > rank:
            rank, outcome = found
            message = child.get("message") or child.text or ""
    if message:
        message = message.partition("\n")[0].rstrip("\r")
    return TestCase(
        f"{classname}::{name}" if classname else name,
        outcome,
        message,
        paths.of(attrib.get("file"), classname or name),
        _line(attrib.get("line"), path),
        _seconds(attrib.get("time"), path),
    )


def _merge(first: TestCase, again: TestCase) -> TestCase:
    """One test written twice (pytest: the call failed, then the teardown too)."""
    worst = again if _RANKS[again.outcome] > _RANKS[first.outcome] else first
    return first._replace(
        outcome=worst.outcome, message=worst.message, time=first.time + again.time
    )


def _line(text: str | None, path: str) -> int:
    if not text:
        return 0
    try:
        return int(text) + 1
    except ValueError:
        raise _malformed(path, f"a <testcase> has `line` {text!r}, not an integer") from None


def _seconds(text: str | None, path: str) -> float:
    if not text:
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise _malformed(path, f"a <testcase> has `time` {text!r}, not a number") from None
    if not math.isfinite(value):
        raise EvidenceError(
            f"a <testcase> has `time` {text!r}, not a finite number",
            slug="non-finite",
            path=path,
            hint=_REGENERATE,
        )
    return value


class _Paths:
    """Repository-relative test file paths, computed once per module."""

    def __init__(self, context: ReadContext) -> None:
        self._relpath = context.relpath
        self._cache: dict[tuple[str | None, str], str] = {}

    def of(self, file: str | None, dotted: str) -> str:
        key = (file, dotted)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._relpath(file) if file else _module_path(dotted)
        return found


def _module_path(dotted: str) -> str:
    """``"tests.test_x.TestY"`` -> ``"tests/test_x.py"``."""
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        if part[:1].isupper():
            parts = parts[:index]
            break
    return "/".join(parts) + ".py" if parts else ""


def _check_declared(root: Element, path: str) -> None:
    for suite in root.iter("testsuite"):
        declared = suite.get("tests")
        if declared is None or suite.find("testsuite") is not None:
            continue
        held = len(suite.findall("testcase"))
        if not declared.isdecimal():
            raise _malformed(path, f"a <testsuite> has `tests` {declared!r}, not an integer")
        if held < int(declared):
            raise _malformed(
                path,
                f"a <testsuite> declares {declared} tests but holds {held} <testcase> elements: "
                "the report is truncated or edited",
            )


def _problems(path: str, run: int, skipped: int) -> list[Problem]:
    if run + skipped == 0:
        return [
            Problem(
                slug="no-tests",
                path=path,
                message="the report holds 0 test cases: pytest collected nothing (exit 5)",
                hint="check the stage's test paths and `testpaths`/`python_files` in the pytest config",
            )
        ]
    if run == 0:
        return [
            Problem(
                slug="all-skipped",
                path=path,
                message=f"all {skipped} test case(s) were skipped: nothing was tested",
                hint="check the skip conditions (a missing optional dependency, service or "
                "environment variable)",
            )
        ]
    return []


def _malformed(path: str, message: str) -> EvidenceError:
    return EvidenceError(
        message,
        slug="malformed-report",
        path=path,
        hint="the report is not pytest's JUnit XML; " + _REGENERATE,
    )
