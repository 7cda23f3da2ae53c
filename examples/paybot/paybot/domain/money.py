"""Money as integers of a currency's minor unit: never a float.

Amounts cross the API as integers of the minor unit (cents, or whole Telegram
Stars, whose currency ``XTR`` has no minor unit), exactly as the Telegram Bot
API's ``LabeledPrice.amount`` does. Decimal strings ("12.50") are parsed with
:class:`decimal.Decimal` and must not carry more digits than the currency has.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ISO 4217 exponents of the currencies paybot sells in; XTR is Telegram Stars.
EXPONENTS: dict[str, int] = {"XTR": 0, "USD": 2, "EUR": 2, "JPY": 0}
MAX_AMOUNT = 10**12  # minor units; far above any price, far below bigint


class MoneyError(ValueError):
    """An amount or currency that paybot refuses."""


def check_currency(currency: str) -> str:
    """The currency code if paybot knows it, else :class:`MoneyError`."""
    if currency not in EXPONENTS:
        known = ", ".join(sorted(EXPONENTS))
        raise MoneyError(f"unknown currency {currency!r}; known: {known}")
    return currency


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of minor units of one currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise MoneyError(
                f"amount must be an int of minor units, not {type(self.amount).__name__}"
            )
        if abs(self.amount) > MAX_AMOUNT:
            raise MoneyError(f"amount {self.amount} is out of range (at most {MAX_AMOUNT})")
        check_currency(self.currency)

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, quantity: int) -> Money:
        """This amount ``quantity`` times (a positive whole number)."""
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise MoneyError(f"quantity must be a positive int, not {quantity!r}")
        return Money(self.amount * quantity, self.currency)

    def _same(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")
        return other

    def to_decimal(self) -> Decimal:
        """The amount in major units: 1250 USD cents is ``Decimal('12.50')``."""
        exponent = EXPONENTS[self.currency]
        return Decimal(self.amount).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


def parse_money(text: str, currency: str) -> Money:
    """``"12.50"`` USD is 1250 minor units; more digits than the currency has is an error."""
    check_currency(currency)
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise MoneyError(f"{text!r} is not a decimal amount") from None
    if not value.is_finite():
        raise MoneyError(f"{text!r} is not a finite amount")
    minor = value.scaleb(EXPONENTS[currency])
    if minor != minor.to_integral_value():
        raise MoneyError(f"{text!r} has more decimal places than {currency} allows")
    return Money(int(minor), currency)
