"""A single-module project with a runtime dependency."""

import attrs


@attrs.frozen
class Span:
    """A closed range of integers."""

    low: int
    high: int
