import attrs

from lockedpkg import Point, shifted


def test_shifted() -> None:
    assert shifted(Point(1, 2), 3) == Point(4, 2)


def test_the_environment_has_the_locked_attrs() -> None:
    """Passes only with the version uv.lock holds: the stage installed the lock."""
    assert attrs.__version__ == "23.2.0"
