"""subTest: passing subtests, and a test two of whose subtests fail."""

import unittest


class CheckSubtests(unittest.TestCase):
    def test_all_subtests_pass(self):
        for n in range(3):
            with self.subTest(n=n):
                self.assertGreaterEqual(n, 0)

    def test_two_subtests_fail(self):
        for n in range(4):
            with self.subTest(n=n):
                self.assertLess(n, 2)
