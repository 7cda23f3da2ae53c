"""One problem for each gate; the line numbers are asserted by tests/e2e."""

import os


def half(value: int) -> int:
    """Half of ``value``, typed wrong."""
    return value / 2


def run(text: str) -> object:
    """``text`` run as Python."""
    return eval(text)


def magnitude(value: int) -> int:
    """Never called by a test."""
    if value < 0:
        return -value
    return value
