from calc.ops import add, clamp, sign


def test_add():
    assert add(1, 2) == 3


def test_sign():
    assert sign(5) == 1
    assert sign(0) == 0


def test_clamp():
    assert clamp(5, 0, 10) == 5
