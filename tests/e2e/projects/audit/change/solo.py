"""A single-module project with a runtime dependency."""

import attrs


@attrs.frozen
class Span:
    """A closed range of integers."""

    low: int
    high: int

    def width(self) -> int:
        """How many integers the span holds."""
        return self.high - self.low + 1
