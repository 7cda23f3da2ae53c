"""Passing subtests only, as in jd/tenacity: pytest counts each one in `tests=`."""

import unittest


class CheckRetries(unittest.TestCase):
    def test_each_wait(self):
        for wait in (1, 2, 4):
            with self.subTest(wait=wait):
                self.assertGreater(wait, 0)

    def test_no_subtests(self):
        self.assertTrue(True)


def check_with_fixture(subtests):
    for word in ("a", "b"):
        with subtests.test(msg="word", word=word):
            assert word.isalpha()


def check_plain():
    assert True
