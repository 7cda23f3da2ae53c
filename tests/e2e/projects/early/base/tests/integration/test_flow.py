from early import core


def test_sign_of_a_negative():
    assert core.sign(-2) == -1


def test_clamp_below():
    assert core.clamp(-1, 0, 10) == 0


def test_describe():
    assert core.describe([1, "a"]) == "1, 'a'"
