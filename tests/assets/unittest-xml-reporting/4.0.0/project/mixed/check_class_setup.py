"""A setUpClass that raises: unittest runs none of the class's tests and reports one error."""

import unittest


class CheckBrokenSetup(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise OSError("the fixture could not be built")

    def test_never_runs(self):
        pass

    def test_never_runs_either(self):
        pass
