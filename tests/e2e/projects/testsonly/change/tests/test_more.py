import unittest

from mini import add


def test_add_negative() -> None:
    assert add(-1, -2) == -3


class AddTests(unittest.TestCase):
    # pytest 9 counts each passing subtest in its JUnit tests= with no <testcase> of its own
    def test_add_is_commutative(self) -> None:
        for a, b in ((1, 2), (0, 5), (-3, 3)):
            with self.subTest(a=a, b=b):
                self.assertEqual(add(a, b), add(b, a))
