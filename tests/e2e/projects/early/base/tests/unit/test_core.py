from early import core


def test_sign():
    assert core.sign(3) == 1
    assert core.sign(0) == 0


def test_clamp():
    assert core.clamp(5, 0, 10) == 5
