"""What an order costs: unit price times quantity, less a percentage discount, in minor units.

Rounding happens once, on the discount, half to even (banker's rounding), in
:class:`~decimal.Decimal`; the total is never below zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from paybot.domain.money import Money, MoneyError

MAX_QUANTITY = 100


@dataclass(frozen=True, slots=True)
class Quote:
    """The figures of one order line."""

    subtotal: Money
    discount: Money
    total: Money


def check_quantity(quantity: int) -> int:
    """A quantity paybot sells: 1 to :data:`MAX_QUANTITY`."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise MoneyError(f"quantity must be an int, not {type(quantity).__name__}")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise MoneyError(f"quantity must be between 1 and {MAX_QUANTITY}, not {quantity}")
    return quantity


def quote(unit_price: Money, quantity: int, *, discount_percent: Decimal = Decimal(0)) -> Quote:
    """Price ``quantity`` units at ``unit_price`` with a discount of 0 to 100 percent."""
    if unit_price.amount <= 0:
        raise MoneyError(f"a unit price must be positive, not {unit_price.amount}")
    if not Decimal(0) <= discount_percent <= Decimal(100):
        raise MoneyError(f"a discount must be between 0 and 100 percent, not {discount_percent}")
    subtotal = unit_price.times(check_quantity(quantity))
    off = (Decimal(subtotal.amount) * discount_percent / Decimal(100)).quantize(
        Decimal(1), rounding=ROUND_HALF_EVEN
    )
    discount = Money(int(off), subtotal.currency)
    return Quote(subtotal=subtotal, discount=discount, total=subtotal - discount)
