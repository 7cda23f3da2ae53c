"""pytest's JUnit XML (``pytest --junitxml``), ``junit_family`` xunit1 or xunit2.

The root is ``<testsuites>`` (pytest) or ``<testsuite>`` (mypy
``--junit-xml`` and other producers); every ``<testcase>`` below it is read.
An element's outcome is its worst child: ``<failure>`` (FAILED) over
``<error>`` (ERROR: setup and teardown errors, collection errors) over
``<skipped>`` (SKIPPED, which includes pytest's xfail, ``type="pytest.xfail"``);
no such child is PASSED, which includes a non-strict XPASS. A strict XPASS is a
``<failure>`` "[XPASS(strict)] ...".

One test is one :class:`TestCase`, however many results pytest wrote for its
id (``classname::name``), with the worst outcome among them:

* a test whose teardown also failed after a failure is two elements;
* subtests (unittest ``subTest``, pytest 9's ``subtests`` fixture): a failed
  or skipped subtest is a child of its test's element, a passing one has no
  element at all but is counted in the suite's ``tests``;
* pytest-rerunfailures writes one element per attempt, empty for each attempt
  it reran: the empty elements before the last are the test's ``reruns``,
  so a test that failed and then passed is one passed test, flaky.

:class:`ResultTally` keeps the results as pytest counts them in its summary
line: failures, errors, skips and xfails from the elements; passes (with
xpasses and passing subtests) from ``tests`` = passes + failures + errors +
skips - the teardown errors that share an element with the test's other result.

The id is ``classname::name`` (just ``name`` for collection errors, whose
classname is empty). The path is the ``file`` attribute (xunit1) or, with
xunit2, the module named by the classname: its components up to the first one
starting with an upper-case letter (a test class). ``line`` (xunit1) is
0-based in pytest's report and 1-based here; 0 when absent.

Completeness: ``Count.TESTS_RUN`` (not skipped) and ``Count.TESTS_SKIPPED``;
zero cases is the problem ``no-tests`` (pytest exit 5 writes an empty
``<testsuite>``), all skipped is ``all-skipped``. A report cut short is not
XML; one edited whole fails its manifest's hash. A leaf ``<testsuite>`` whose
``failures``, ``errors`` or ``skipped`` differ from the elements it holds is
``malformed-report``: pytest counts each one it writes. Its ``tests`` is not
compared with the ``<testcase>`` count, which subtests and reruns make differ.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Final, NamedTuple
from xml.etree.ElementTree import Element

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Outcome, Problem, ReportData, ResultTally, TestCase
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, parse_xml
from gates.untrusted.safetext import decimal, parse_float, shown

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
_TEARDOWN: Final = 'failed on teardown with "'  # how pytest's JUnit opens a teardown error
_SUITE_COUNTS: Final = (("failures", "failure"), ("errors", "error"), ("skipped", "skipped"))
_REGENERATE: Final = "rerun the stage that runs the tests (e.g. `nox -s unit`)"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """The tests of one JUnit report, pytest's own tally, and how many ran and were skipped."""
    root = parse_xml(blob)
    if root.tag not in ("testsuites", "testsuite"):
        raise _malformed(
            blob.path, f"the root element is <{root.tag[:60]}>, not <testsuites> or <testsuite>"
        )
    paths = _Paths(context)
    written = [_written(element, blob.path, paths) for element in root.iter("testcase")]
    declared = _declared(root, blob.path)
    folded = _fold(written)
    skipped = sum(1 for case in folded.cases if case.outcome is Outcome.SKIPPED)
    run = len(folded.cases) - skipped
    return ReportData(
        tool=TOOL,
        tests=folded.cases,
        tally=_tally(written, declared, folded, blob.path),
        counts={Count.TESTS_RUN: run, Count.TESTS_SKIPPED: skipped},
        problems=_problems(blob.path, run, skipped),
    )


class _Results(NamedTuple):
    """The results one ``<testcase>`` element holds, as pytest counts them."""

    failures: int
    errors: int
    teardown_errors: int  # of ``errors``: `failed on teardown with "..."`
    skips: int
    xfails: int  # ``<skipped type="pytest.xfail">``


_NO_RESULTS: Final = _Results(0, 0, 0, 0, 0)  # an empty element: a pass, or a rerun attempt
_Written = tuple[TestCase, _Results]  # one element as pytest wrote it


class _Folded(NamedTuple):
    cases: list[TestCase]
    reruns: int  # rerun attempts, over all tests
    doubles: int  # teardown errors pytest wrote into the element of the test's other results


def _written(element: Element, path: str, paths: _Paths) -> _Written:
    attrib = element.attrib
    name = attrib.get("name")
    if name is None:
        raise _malformed(path, "a <testcase> has no `name`")
    classname = attrib.get("classname", "")
    rank, outcome = _PASSED
    message = ""
    kinds = []
    for child in element:
        found = _CHILDREN.get(child.tag)
        if found is None:
            continue
        kinds.append(_kind(child))
        if found[0] > rank:
            rank, outcome = found
            message = child.get("message") or child.text or ""
    if message:
        message = message.partition("\n")[0].rstrip("\r")
    case = TestCase(
        f"{classname}::{name}" if classname else name,
        outcome,
        message,
        paths.of(attrib.get("file"), classname or name),
        _line(attrib.get("line"), path),
        _seconds(attrib.get("time"), path),
    )
    return case, _results(kinds) if kinds else _NO_RESULTS


def _kind(child: Element) -> str:
    """``failure``, ``error``, ``teardown`` (an error), ``skipped`` or ``xfail`` (a skip)."""
    if child.tag == "error" and (child.get("message") or "").startswith(_TEARDOWN):
        return "teardown"
    if child.tag == "skipped" and child.get("type") == "pytest.xfail":
        return "xfail"
    return child.tag


def _results(kinds: list[str]) -> _Results:
    teardown = kinds.count("teardown")
    return _Results(
        kinds.count("failure"),
        kinds.count("error") + teardown,
        teardown,
        kinds.count("skipped"),
        kinds.count("xfail"),
    )


def _fold(written: list[_Written]) -> _Folded:
    """One :class:`TestCase` per id, whatever pytest wrote for it."""
    if len({case.id for case, _ in written}) == len(written):
        teardown_errors = sum(results.teardown_errors for _, results in _holding(written))
        return _Folded([case for case, _ in written], 0, teardown_errors)
    groups: dict[str, list[_Written]] = {}
    for item in written:
        groups.setdefault(item[0].id, []).append(item)
    cases, reruns, doubles = [], 0, 0
    for group in groups.values():
        case = _fold_one(group)
        cases.append(case)
        reruns += case.reruns
        doubles += _doubles(group)
    return _Folded(cases, reruns, doubles)


def _fold_one(group: list[_Written]) -> TestCase:
    """One test written several times: its worst outcome, its reruns counted.

    pytest writes a second element when a failed test's teardown fails too;
    pytest-rerunfailures writes one element per attempt, empty for each attempt
    it reran (the failure is not kept) and the last one as the test ended.
    """
    first = group[0][0]
    if len(group) == 1:
        return first
    worst = max((case for case, _ in group), key=lambda case: _RANKS[case.outcome])
    return first._replace(
        outcome=worst.outcome,
        message=worst.message,
        time=sum(case.time for case, _ in group),
        reruns=sum(1 for _, results in group[:-1] if results is _NO_RESULTS),
    )


def _doubles(group: list[_Written]) -> int:
    """Teardown errors pytest counted in ``tests`` once with the test's other result.

    A teardown error after a failed call is an element of its own (and counts
    on its own); after a pass, a skip or a setup error it joins that element.
    """
    doubles, after_failure = 0, False
    for _, results in group:
        if not after_failure:
            doubles += results.teardown_errors
        after_failure = results.failures > 0
    return doubles


def _tally(
    written: list[_Written], declared: int | None, folded: _Folded, path: str
) -> ResultTally:
    """The results as pytest counted them: ``tests`` = passes + failures + errors + skips - doubles.

    pytest's ``tests`` counts a passing subtest (which has no element of its
    own), and not a rerun attempt (which has one); so the passes are what
    ``tests`` leaves after the failures, errors and skips. Each passing test is
    at least one of those passes: a ``tests`` that leaves fewer contradicts the
    test cases the report holds.
    """
    holding = [results for _, results in _holding(written)]
    failed = sum(results.failures for results in holding)
    errors = sum(results.errors for results in holding)
    skipped = sum(results.skips for results in holding)
    xfailed = sum(results.xfails for results in holding)
    if declared is None:  # another producer: every empty element that is not a rerun
        passed = len(written) - len(holding) - folded.reruns
    else:
        passed = declared - failed - errors - skipped - xfailed + folded.doubles
        passing = sum(1 for case in folded.cases if case.outcome is Outcome.PASSED)
        if passed < passing:
            raise _malformed(
                path,
                f'its <testsuite> elements say tests="{declared}", fewer than the results '
                f"their test cases hold ({passing} passed, {failed} failed, {errors} errors, "
                f"{skipped + xfailed} skipped), which pytest never writes: the report was edited",
            )
    return ResultTally(max(passed, 0), failed, errors, skipped, xfailed, folded.reruns)


def _holding(written: list[_Written]) -> list[_Written]:
    """The elements that hold a failure, an error or a skip."""
    return [item for item in written if item[1] is not _NO_RESULTS]


def _line(text: str | None, path: str) -> int:
    if not text:
        return 0
    line = decimal(text)
    if line is None:
        raise _malformed(path, f"a <testcase> has `line` {shown(text)}, not a line number")
    return line + 1


def _seconds(text: str | None, path: str) -> float:
    if not text:
        return 0.0
    value = parse_float(text)
    if value is None:
        raise _malformed(path, f"a <testcase> has `time` {shown(text)}, not a number")
    if not math.isfinite(value):
        raise EvidenceError(
            f"a <testcase> has `time` {shown(text)}, not a finite number",
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


def _declared(root: Element, path: str) -> int | None:
    """The ``tests`` the leaf ``<testsuite>`` elements declare (``None`` if one does not).

    Every ``<failure>``, ``<error>`` and ``<skipped>`` pytest writes is counted
    in its suite's ``failures``, ``errors`` and ``skipped``: a suite whose
    counts contradict its elements was edited, or is not pytest's.
    """
    total: int | None = 0
    for suite in root.iter("testsuite"):
        if suite.find("testsuite") is not None:
            continue
        _check_outcome_counts(suite, path)
        declared = _attribute(suite, "tests", path)
        total = None if total is None or declared is None else total + declared
    return total


def _check_outcome_counts(suite: Element, path: str) -> None:
    held: Counter[str] = Counter(child.tag for case in suite.iterfind("testcase") for child in case)
    for attribute, tag in _SUITE_COUNTS:
        declared = _attribute(suite, attribute, path)
        if declared is not None and declared != held[tag]:
            raise _malformed(
                path,
                f'a <testsuite> says {attribute}="{declared}" but holds {held[tag]} <{tag}> '
                "elements, which pytest never writes: the report was edited",
            )


def _attribute(suite: Element, name: str, path: str) -> int | None:
    text = suite.get(name)
    if text is None:
        return None
    value = decimal(text)
    if value is None:
        raise _malformed(path, f"a <testsuite> has `{name}` {shown(text)}, not a count")
    return value


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
