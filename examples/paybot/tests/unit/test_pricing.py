"""Pricing: quantity times unit price, a discount rounded half to even, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from paybot.domain.money import Money, MoneyError
from paybot.domain.pricing import MAX_QUANTITY, check_quantity, quote


def test_a_quote_without_discount_is_price_times_quantity() -> None:
    q = quote(Money(250, "XTR"), 4)
    assert q.subtotal == Money(1000, "XTR")
    assert q.discount == Money(0, "XTR")
    assert q.total == Money(1000, "XTR")


@pytest.mark.parametrize(
    ("subtotal", "percent", "discount"),
    [
        (1000, "10", 100),
        (5, "50", 2),  # 2.5 rounds half to even: 2
        (7, "50", 4),  # 3.5 rounds half to even: 4
        (999, "33.3333", 333),
        (1000, "100", 1000),
    ],
)
def test_discounts_round_half_to_even(subtotal: int, percent: str, discount: int) -> None:
    q = quote(Money(subtotal, "USD"), 1, discount_percent=Decimal(percent))
    assert q.discount == Money(discount, "USD")
    assert q.total == Money(subtotal - discount, "USD")
    assert q.total.amount >= 0


@pytest.mark.parametrize("percent", ["-1", "100.01"])
def test_discounts_stay_between_0_and_100(percent: str) -> None:
    with pytest.raises(MoneyError, match="between 0 and 100 percent"):
        quote(Money(100, "USD"), 1, discount_percent=Decimal(percent))


@pytest.mark.parametrize("price", [0, -5])
def test_unit_prices_are_positive(price: int) -> None:
    with pytest.raises(MoneyError, match="unit price must be positive"):
        quote(Money(price, "XTR"), 1)


def test_quantities_are_bounded() -> None:
    assert check_quantity(MAX_QUANTITY) == MAX_QUANTITY
    for bad in (0, MAX_QUANTITY + 1):
        with pytest.raises(MoneyError, match="between 1 and"):
            check_quantity(bad)
    with pytest.raises(MoneyError, match="must be an int"):
        check_quantity("3")  # type: ignore[arg-type]
