import doctest
import unittest

import stack


def load_tests(loader, tests, ignore):
    """unittest's protocol: the package's doctests are tests too (pytest never runs them)."""
    tests.addTests(doctest.DocTestSuite(stack))
    return tests


class StackTests(unittest.TestCase):
    def test_push_then_pop(self):
        s = stack.Stack()
        s.push(3)
        self.assertEqual(s.pop(), 3)

    def test_sizes(self):
        for n in range(3):
            with self.subTest(n=n):
                s = stack.Stack()
                for item in range(n):
                    s.push(item)
                self.assertEqual(len(s), n)
