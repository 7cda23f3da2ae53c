"""One TestCase class instantiated once per data item (apache/avro's schema tests do this).

Every instance has the same id, ``repeated.check_repeated.SquareCase.check_square``:
unittest runs and counts each one.
"""

import unittest

EXAMPLES = [(2, 4), (3, 9), (4, 15), (5, 25)]  # (4, 15) is wrong on purpose


class SquareCase(unittest.TestCase):
    def __init__(self, number, square):
        super().__init__("check_square")
        self.number = number
        self.square = square

    def check_square(self):
        self.assertEqual(self.number * self.number, self.square)


def load_tests(loader, tests, ignore):
    suite = unittest.TestSuite()
    suite.addTests(SquareCase(number, square) for number, square in EXAMPLES)
    return suite
