"""unittest-xml-reporting's JUnit XML, as the unittest runner's unit stage records it.

The reports are real (tests/assets/unittest-xml-reporting/4.0.0, made by its
make.sh); the `junit-xml` reader must count them as unittest counted its run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from defusedxml import ElementTree

from gates.catalog.counts import Count
from gates.model.reports import Outcome, ReportData
from gates.model.reports import TestCase as Case
from gates.readers.interface import ReadContext
from gates.readers.testruns import junit
from gates.untrusted.safeio import read_blob

ASSETS = Path(__file__).parents[1] / "assets" / "unittest-xml-reporting" / "4.0.0"
ROOT = "/tmp/gates-unittest-fixture"  # noqa: S108 - where make.sh ran them: a path, never written


def _summary(name: str) -> tuple[int, int, str]:
    """(exit code, N of `Ran N tests`, result line) unittest printed for ``name``."""
    for line in (ASSETS / "summaries.txt").read_text().splitlines():
        file, code, ran, result = line.split("\t")
        if file == name:
            return int(code), int(ran.split()[1]), result
    raise AssertionError(name)


def _read(name: str) -> tuple[ReportData, list[Case]]:
    blob = read_blob(ASSETS / name, display=name)
    data = junit.read(blob, ReadContext(root=ROOT))
    assert data.tests is not None
    return data, list(data.tests)


def _result_counts(result: str) -> dict[str, int]:
    """``FAILED (failures=4, errors=3, ...)`` as a dict."""
    inside = result.partition("(")[2].rstrip(")")
    return {k.strip(): int(v) for k, v in (i.split("=") for i in inside.split(",") if "=" in i)}


def test_a_passing_run_has_exactly_unittests_tests() -> None:
    code, ran, result = _summary("passing.xml")
    data, tests = _read("passing.xml")
    assert (code, result) == (0, "OK")
    assert len(tests) == ran == data.counts[Count.TESTS_RUN] == 2
    assert {case.outcome for case in tests} == {Outcome.PASSED}
    assert tests[0].id == "passing.check_passing.CheckPassing::test_one"
    assert tests[0].path == "passing/check_passing.py"
    assert data.problems == []


def test_every_outcome_counts_as_unittest_counted_it() -> None:
    code, ran, result = _summary("mixed.xml")
    counts = _result_counts(result)
    _, tests = _read("mixed.xml")
    outcomes = [case.outcome for case in tests]
    failed = outcomes.count(Outcome.FAILED) + outcomes.count(Outcome.ERROR)
    assert code == 1
    # tests.failed is unittest's failures + errors + unexpected successes
    assert failed == counts["failures"] + counts["errors"] + counts["unexpected successes"] == 8
    # skipped: the skip and the expected failure
    assert outcomes.count(Outcome.SKIPPED) == counts["skipped"] + counts["expected failures"]
    # 12 run + the second failing subtest of one test + the setUpClass error `Ran` leaves out
    assert len(tests) == ran + 1 + 1 == 14
    by_id = {case.id: case.outcome for case in tests}
    assert by_id["mixed.check_load_tests::double"] is Outcome.PASSED  # a doctest of load_tests
    assert by_id["mixed.check_load_tests::broken"] is Outcome.FAILED
    assert by_id["mixed.check_outcomes.CheckOutcomes::test_unexpected_success"] is Outcome.ERROR
    assert by_id["setUpClass (mixed.check_class_setup.CheckBrokenSetup)"] is Outcome.ERROR
    assert by_id["unittest.loader._FailedTest.mixed::check_import_error"] is Outcome.ERROR


def test_a_run_that_discovered_nothing_is_no_tests() -> None:
    code, ran, _ = _summary("no-tests.xml")
    data, tests = _read("no-tests.xml")
    assert (code, ran, len(tests)) == (0, 0, 0)
    assert [problem.slug for problem in data.problems] == ["no-tests"]


def test_instances_of_one_test_class_are_each_a_test() -> None:
    """apache/avro builds a TestCase per schema example: one id, each a test of its own."""
    code, ran, result = _summary("repeated.xml")
    data, tests = _read("repeated.xml")
    assert (code, result) == (1, "FAILED (failures=1)")
    assert len(tests) == ran == data.counts[Count.TESTS_RUN] == 4
    names = sorted(case.id.partition("::")[2] for case in tests)
    assert names == ["check_square", "check_square [2]", "check_square [3]", "check_square [4]"]
    failed = [case.id for case in tests if case.outcome is Outcome.FAILED]
    assert failed == ["repeated.check_repeated.SquareCase::check_square [3]"]  # (4, 15)
    # unittest-xml-reporting's own runner names all four alike: read as one test, rerun
    raw, raw_tests = _read("repeated-xmlrunner.xml")
    assert (len(raw_tests), raw.tally.rerun if raw.tally else None) == (1, 3)


_DISCOVER = ("discover", "-s", ".", "-p", "check*.py")

_PROJECT = """\
import unittest


class Square(unittest.TestCase):
    def __init__(self, number, square):
        super().__init__("check")
        self.number, self.square = number, square

    def check(self):
        for power in (1, 2):
            with self.subTest(power=power):
                self.assertEqual(self.number ** 2, self.square)


class BrokenTeardown(unittest.TestCase):
    def test_fails_then_teardown_errors(self):
        self.fail("first")

    def tearDown(self):
        raise OSError("then this")


def load_tests(loader, tests, ignore):
    tests.addTests(Square(n, s) for n, s in [(2, 4), (3, 8), (4, 16)])
    return tests
"""


def test_the_runner_names_instances_apart_and_keeps_one_tests_results_together(
    tmp_path: Path,
) -> None:
    (tmp_path / "check_square.py").write_text(_PROJECT)
    report = tmp_path / "junit.xml"
    run = subprocess.run(
        [sys.executable, "-m", "gates.unittest_junit", "--output-file", str(report), *_DISCOVER],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "Ran 4 tests" in run.stderr
    cases = [
        (case.get("name"), [child.tag for child in case])
        for case in ElementTree.fromstring(report.read_bytes()).iter("testcase")
    ]
    assert sorted(cases) == [
        ("check", []),
        ("check [2] (power=1)", ["failure"]),  # 3 squared is not 8: both subtests fail
        ("check [2] (power=2)", ["failure"]),
        ("check [3]", []),
        ("test_fails_then_teardown_errors", ["error"]),  # one test, both results under one name
        ("test_fails_then_teardown_errors", ["failure"]),
    ]
