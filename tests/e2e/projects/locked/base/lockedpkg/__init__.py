"""A package whose development environment is a dependency group and a uv.lock."""

import attrs


@attrs.frozen
class Point:
    """A point."""

    x: int
    y: int


def shifted(point: Point, by: int) -> Point:
    """``point`` moved right by ``by``."""
    return Point(point.x + by, point.y)
