"""Genuine reports pass: what the real tools write is never "truncated or edited" (issue 9).

pytest 9 counts each passing subtest in its JUnit ``tests=`` but writes no
``<testcase>`` for it; the real pytest runs the unit stage on the fixture
project with subtests, and the tests gate passes on its report.
"""

from __future__ import annotations

import re

import pytest

from tests.integration.conftest import Gates, commit_all, unit_stage

SUBTESTS = '''\
"""Subtests: unittest's subTest and pytest's subtests fixture."""

import unittest

from pkg.calc import add


class AddTests(unittest.TestCase):
    def test_add_is_commutative(self) -> None:
        for a, b in ((1, 2), (0, 5), (-3, 3)):
            with self.subTest(a=a, b=b):
                self.assertEqual(add(a, b), add(b, a))


def test_add_zero(subtests) -> None:
    for value in (0, 1, -1):
        with subtests.test(value=value):
            assert add(value, 0) == value
'''


@pytest.mark.slow
def test_passing_subtests_pass_the_tests_gate(gates: Gates) -> None:
    (gates.root / "tests" / "test_subtests.py").write_text(SUBTESTS)
    commit_all(gates.root, "subtests")
    assert gates.stage("unit", unit_stage()) == [0, 0]
    junit = (gates.root / ".gates" / "unit" / "junit.xml").read_text("utf-8")
    declared = re.search(r'<testsuite [^>]*\btests="(\d+)"', junit)
    assert declared is not None
    assert (int(declared.group(1)), junit.count("<testcase ")) == (10, 4)  # 6 subtests
    verdict = gates.check().verdict()
    tests = verdict.gate("tests")
    assert tests["status"] == "pass", tests
    assert tests["reason"] == ("0 — 4 tests: 4 passed, 0 failed, 0 skipped; and 6 subtests passed")
    assert verdict.document["counts"]["tests_run"] == 4
