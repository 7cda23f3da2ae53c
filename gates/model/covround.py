"""coverage.py's percentages as coverage.py shows and judges them (pure).

A coverage gate must read what ``coverage report`` prints and decide what
``coverage report --fail-under`` decides, so these functions follow
coverage.py's own (``coverage/results.py``: ``display_covered``,
``_fail_under_precision``, ``should_fail_under``), line for line where it
matters: the same float expression for the percentage, Python's ``round`` at
the same number of decimals, and never a truncation.

* **Shown** at ``precision`` decimals, rounded, except that a percentage
  strictly between 0 and 100 never shows as ``0`` or ``100``: 99.996 shows as
  ``99.99`` at two decimals.
* **Judged** against a ``min`` by rounding to ``precision`` decimals, or to as
  many as the bound has (``min = 90.125`` compares three), and comparing with
  the bound; ``min = 100`` passes only at exactly 100. A ``max`` is judged the
  same way, mirrored.

``precision`` is the project's ``[report] precision`` when it sets one above
zero, else :data:`DEFAULT_PRECISION` (coverage.py's own default is 0, which
would show 89.6 % as ``90`` and pass it against ``min = 90``: gates shows two
decimals and judges at two, never looser than coverage.py at the project's
setting).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

__all__ = [
    "DEFAULT_PRECISION",
    "below_min",
    "bound_precision",
    "display_covered",
    "effective_precision",
    "over_max",
    "percent",
]

DEFAULT_PRECISION: Final = 2
MAX_PRECISION: Final = 15  # a float holds no more decimals of a percentage


def percent(part: int, whole: int) -> float:
    """``100.0 * part / whole``, the very float coverage.py computes (``Numbers._percent``)."""
    return (100.0 * part) / whole


def effective_precision(project: int | None) -> int:
    """The decimals gates shows and judges at: the project's precision above 0, else 2."""
    return project if project is not None and project > 0 else DEFAULT_PRECISION


def display_covered(value: float, precision: int) -> str:
    """The percentage as coverage.py prints it, without the percent sign.

    ``"0"`` only for exactly 0 and ``"100"`` only for exactly 100: rounding
    never makes either.
    """
    near0 = 1.0 / 10**precision
    if 0 < value < near0:
        value = near0
    elif (100.0 - near0) < value < 100:
        value = 100.0 - near0
    else:
        value = round(value, precision)
    return f"{value:.{precision}f}"


def bound_precision(bound: float, precision: int) -> int:
    """At least enough decimals to represent the bound (coverage.py's ``_fail_under_precision``).

    At most :data:`MAX_PRECISION`: ``min = 5e-324`` is judged at 15 decimals.
    """
    if bound == int(bound):
        return precision
    exponent = Decimal(str(bound)).as_tuple().exponent
    assert isinstance(exponent, int)  # noqa: S101 - a finite bound has an integer exponent
    return min(max(precision, -exponent), MAX_PRECISION)


def below_min(value: float, bound: float, precision: int) -> bool:
    """Whether ``value`` fails ``min = bound``: coverage.py's ``should_fail_under``."""
    if bound == 100.0:
        return value != 100.0
    return round(value, bound_precision(bound, precision)) < bound


def over_max(value: float, bound: float, precision: int) -> bool:
    """Whether ``value`` fails ``max = bound``, mirrored: ``max = 0`` passes only at exactly 0."""
    if bound == 0.0:
        return value != 0.0
    return round(value, bound_precision(bound, precision)) > bound
