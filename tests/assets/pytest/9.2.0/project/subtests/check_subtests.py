"""Subtests that pass, fail, skip and xfail: unittest's subTest and pytest's `subtests` fixture."""

import unittest

import pytest


class CheckUnittest(unittest.TestCase):
    def test_all_pass(self):
        for i in range(3):
            with self.subTest(i=i):
                self.assertLess(i, 3)

    def test_one_fails(self):
        for i in range(4):
            with self.subTest(i=i):
                self.assertNotEqual(i, 2)

    def test_one_skipped(self):
        for i in range(3):
            with self.subTest(i=i):
                if i == 1:
                    self.skipTest("odd one out")


def check_fixture_all_pass(subtests):
    for i in range(3):
        with subtests.test(msg="square", i=i):
            assert i * i >= 0


def check_fixture_one_fails(subtests):
    for i in range(3):
        with subtests.test(i=i):
            assert i != 1


def check_fixture_skip_and_xfail(subtests):
    with subtests.test("skipped"):
        pytest.skip("not on this platform")
    with subtests.test("xfailed"):
        pytest.xfail("known bug 7")
    with subtests.test("passes"):
        assert True


def check_fails_after_subtests(subtests):
    with subtests.test("fine"):
        assert True
    with subtests.test("broken"):
        assert 1 == 2
    assert False, "the test itself fails too"


def check_plain():
    assert True
