from edge import core


def check_sign():
    assert core.sign(3) == 1
    assert core.sign(0) == 0


def check_clamp():
    assert core.clamp(5, 0, 10) == 5
    assert core.clamp(-1, 0, 10) == 0


def check_describe():
    assert core.describe([1, "a"]) == "1, a"


def check_filler():
    from edge import filler

    assert filler.V000 == 0
