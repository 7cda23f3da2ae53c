"""How a gate's value reads, everywhere: one formatter, driven by its metric's unit (pure).

The verdict's table, the reason beside it, the JSON verdict's
``observed_text``, the JUnit and Markdown outputs and a coverage gate's
summary all show a value through :func:`format_value`, so one value never
reads two ways:

* a percentage (:attr:`gates.catalog.metrics.Unit.PERCENT`) of coverage.py, whose
  ``precision`` the gate carries, as ``coverage report`` shows it: rounded,
  and never to ``0`` or ``100`` unless exactly so (:func:`gates.model.covround.display_covered`);
* another percentage (diff-cover's, which diff-cover itself truncates)
  truncated to two decimals, so that 89.996 never reads as 90.00;
* a count (:attr:`gates.catalog.metrics.Unit.COUNT`) as a whole number grouped by
  thousands (``1,200``); a value of a metric gates does not know (a verdict
  read back) alike, with two decimals, truncated, when it has a fraction;
* a latency, a size or a rate (ms, MiB, /s) truncated to two decimals, with its unit;
* no value, or a value that is not finite, as ``n/a``.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, Decimal
from typing import Final, assert_never

from gates.catalog.metrics import METRICS, Unit
from gates.model.covround import display_covered

__all__ = ["NOT_AVAILABLE", "count", "format_value"]

NOT_AVAILABLE: Final = "n/a"
_CENT: Final = Decimal("0.01")


def format_value(metric: str, value: float | None, precision: int | None = None) -> str:
    """``value`` of ``metric`` with its unit: ``"89.99%"``, ``"1,200"``, ``"n/a"``.

    ``precision``: the decimals of a coverage.py percentage (the gate's).
    """
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    known = METRICS.get(metric)
    unit = known.unit if known is not None else Unit.COUNT
    match unit:
        case Unit.PERCENT:
            number = display_covered(value, precision) if precision is not None else _cents(value)
            return f"{number}%"
        case Unit.COUNT:
            return f"{int(value):,}" if value.is_integer() else _cents(value)
        case Unit.PER_SECOND:
            return f"{_cents(value)}/s"
        case Unit.MILLISECONDS | Unit.MEBIBYTES:
            return f"{_cents(value)} {unit.value}"
        case _:
            assert_never(unit)


def _cents(value: float) -> str:
    """Truncated to two decimals, never rounded up past a bound.

    ``repr`` is the shortest text that reads back as the same float, so 0.29
    truncates to 0.29 (0.29 * 100 would give 28.999...).
    """
    return str(Decimal(repr(value)).quantize(_CENT, rounding=ROUND_DOWN))


def count(number: int, noun: str) -> str:
    """``count(1, "test")`` -> ``"1 test"``; ``count(1200, "test")`` -> ``"1,200 tests"``."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
