"""Money is whole minor units of one currency; floats and mixed currencies are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from paybot.domain.money import MAX_AMOUNT, Money, MoneyError, parse_money


def test_amounts_add_and_subtract_within_one_currency() -> None:
    assert Money(150, "USD") + Money(50, "USD") == Money(200, "USD")
    assert Money(150, "USD") - Money(200, "USD") == Money(-50, "USD")
    assert -Money(5, "XTR") == Money(-5, "XTR")
    assert Money(120, "XTR").times(3) == Money(360, "XTR")


def test_currencies_do_not_mix() -> None:
    with pytest.raises(MoneyError, match="cannot mix USD and EUR"):
        Money(1, "USD") + Money(1, "EUR")


@pytest.mark.parametrize("amount", [1.5, Decimal("1"), "1", True, None])
def test_an_amount_is_an_int_never_a_float(amount: object) -> None:
    with pytest.raises(MoneyError, match="must be an int of minor units"):
        Money(amount, "USD")  # type: ignore[arg-type]


def test_amounts_are_bounded_and_currencies_known() -> None:
    assert Money(MAX_AMOUNT, "XTR").amount == MAX_AMOUNT
    with pytest.raises(MoneyError, match="out of range"):
        Money(MAX_AMOUNT + 1, "XTR")
    with pytest.raises(MoneyError, match="unknown currency 'BTC'"):
        Money(1, "BTC")


@pytest.mark.parametrize("quantity", [0, -1, 2.0, True])
def test_quantities_are_positive_ints(quantity: object) -> None:
    with pytest.raises(MoneyError, match="quantity must be a positive int"):
        Money(5, "XTR").times(quantity)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (1250, "USD", "12.50 USD"),
        (5, "USD", "0.05 USD"),
        (-7, "EUR", "-0.07 EUR"),
        (42, "XTR", "42 XTR"),
    ],
)
def test_amounts_show_in_major_units(amount: int, currency: str, shown: str) -> None:
    assert str(Money(amount, currency)) == shown


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12.50", "USD", 1250), (" 3 ", "XTR", 3), ("0.1", "EUR", 10), ("1E+2", "JPY", 100)],
)
def test_decimal_strings_parse_exactly(text: str, currency: str, minor: int) -> None:
    assert parse_money(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.505", "USD", "more decimal places than USD allows"),
        ("1.5", "XTR", "more decimal places than XTR allows"),
        ("abc", "USD", "is not a decimal amount"),
        ("NaN", "USD", "is not a finite amount"),
        ("Infinity", "USD", "is not a finite amount"),
        ("1", "ZZZ", "unknown currency"),
    ],
)
def test_imprecise_or_foreign_amounts_are_refused(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_money(text, currency)
