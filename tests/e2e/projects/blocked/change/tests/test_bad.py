from mini.bad import half
from mini.ugly import ugly


def test_half() -> None:
    assert half(3) == 1


def test_ugly() -> None:
    assert ugly(1, 2) == 3
