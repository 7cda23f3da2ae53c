"""Every outcome unittest has: pass, failure, error, skip, expected failure, unexpected success."""

import unittest


class CheckOutcomes(unittest.TestCase):
    def test_passes(self):
        self.assertEqual("a".upper(), "A")

    def test_fails(self):
        self.assertEqual(1, 2, "one is not two")

    def test_errors(self):
        raise RuntimeError("an error, not a failure: <&> ]]> markup")

    @unittest.skip("skipped on purpose")
    def test_skipped(self):
        raise AssertionError("never runs")

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    @unittest.expectedFailure
    def test_unexpected_success(self):
        self.assertEqual(1, 1)
