"""The load_tests protocol: the module's doctests join its tests (more-itertools does this)."""

import doctest
import unittest


def double(x):
    """Twice ``x``.

    >>> double(2)
    4
    >>> double("ab")
    'abab'
    """
    return 2 * x


def broken(x):
    """A doctest that fails.

    >>> broken(1)
    3
    """
    return x + 1


def load_tests(loader, tests, ignore):
    tests.addTests(doctest.DocTestSuite())
    return tests


class CheckPlain(unittest.TestCase):
    def test_plain(self):
        self.assertEqual(double(3), 6)
