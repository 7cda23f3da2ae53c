"""Two passing tests, one of them with a docstring."""

import unittest


class CheckPassing(unittest.TestCase):
    def test_one(self):
        """A test with a docstring: xmlrunner writes it as an XML comment."""
        self.assertEqual(1 + 1, 2)

    def test_two(self):
        self.assertTrue(True)
